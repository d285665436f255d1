package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestTrust;
import dev.traffic.proxy.testing.WsEchoUpstream;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.Severity;
import dev.traffic.model.WsMessage;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client-to-server WebSocket messages go through the inspector before they are forwarded (JDK
 * WebSocket client, intercepted wss, loopback echo server): flagged ones are delivered and recorded
 * redacted, blocked ones never reach the server and the socket closes with 1008 naming the rule.
 */
@ExtendWith(LeakCheck.class)
class WebSocketInspectionTest {
    @TempDir static Path dir;
    static ProxyFixture proxy;
    static WsEchoUpstream echo;
    static final List<String> seen = new CopyOnWriteArrayList<>(); // "<thread>|<size>|<truncated>|<session>|<flow>"

    static final RequestInspector INSPECTOR = new RequestInspector() {
        @Override
        public CompletionStage<Inspection> inspect(FlowRequest request) {
            return CompletableFuture.completedFuture(Inspection.CLEAN);
        }

        @Override
        public boolean inspectsMessages() {
            return true;
        }

        @Override
        public MessageInspection inspectMessage(FlowRequest head, WsMessage m, String session, String flowId) {
            seen.add(Thread.currentThread().getName() + "|" + m.payload().length + "|" + m.truncated() + "|" + session
                    + "|" + flowId + "|" + head.path());
            String text = new String(m.payload(), StandardCharsets.ISO_8859_1);
            if (text.contains("BOOM")) throw new IllegalStateException("inspector broke");
            if (text.contains("SECRET")) {
                return new MessageInspection(List.of(finding("fake-secret")), true, "fake-secret", null);
            }
            if (text.contains("FLAGME")) {
                byte[] red = text.replace("FLAGME", "[REDACTED]").getBytes(StandardCharsets.ISO_8859_1);
                return new MessageInspection(List.of(finding("fake-flag")), false, null, red);
            }
            return MessageInspection.CLEAN;
        }
    };

    static Finding finding(String rule) {
        return new Finding(rule, "generic", Severity.HIGH, "ws", "localhost", "abcd", "plain", null);
    }

    @BeforeAll
    static void start() throws Exception {
        proxy = new ProxyFixture(dir, b -> b.maxBodyRecord(100_000).scanWindow(64 * 1024).inspector(INSPECTOR).session("sess-ws"));
        echo = new WsEchoUpstream(TestPki.serverContext(proxy.pki.upstreamCa, "localhost"));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
        if (echo != null) echo.close();
    }

    /** A connected JDK WebSocket through the proxy and what it receives (texts, then "close:<code>:<reason>"). */
    record Client(WebSocket ws, BlockingQueue<String> received) {}

    static Client connect() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port())))
                .sslContext(TestTrust.trusting(proxy.pki.proxyCaPem()))
                .connectTimeout(Duration.ofSeconds(10)).build();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    received.add(text.toString());
                    text.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                received.add("binary:" + data.remaining());
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                received.add("close:" + status + ":" + reason);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                received.add("error:" + error);
            }
        };
        WebSocket ws = client.newWebSocketBuilder()
                .buildAsync(URI.create("wss://localhost:" + echo.port() + "/ws"), listener).get(10, TimeUnit.SECONDS);
        return new Client(ws, received);
    }

    @Test
    void flaggedMessagesAreDeliveredAndRecordedRedactedLargeOnesInspectedOffTheLoop() throws Exception {
        Client c = connect();
        c.ws().sendText("hello", true).get(10, TimeUnit.SECONDS);
        assertThat(c.received().poll(10, TimeUnit.SECONDS)).isEqualTo("hello");
        c.ws().sendText("token FLAGME here", true).get(10, TimeUnit.SECONDS);
        assertThat(c.received().poll(10, TimeUnit.SECONDS)).isEqualTo("token FLAGME here"); // flag forwards unchanged
        String large = "y".repeat(30_000); // over the inline limit: inspected on the inspection executor
        c.ws().sendText(large, true).get(10, TimeUnit.SECONDS);
        assertThat(c.received().poll(10, TimeUnit.SECONDS)).isEqualTo(large);
        String huge = "z".repeat(200_000); // over the 64 KiB scan window: streams on, inspected in part
        c.ws().sendText(huge, true).get(10, TimeUnit.SECONDS);
        assertThat(c.received().poll(10, TimeUnit.SECONDS)).isEqualTo(huge);
        c.ws().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
        assertThat(c.received().poll(10, TimeUnit.SECONDS)).isEqualTo("binary:3");
        c.ws().sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);

        Flow f = proxy.sink.await(fl -> fl.kind() == FlowKind.WEBSOCKET && fl.policy() != null
                && fl.policy().action() == PolicyDecision.Action.FLAG);
        assertThat(f.policy().action()).isEqualTo(PolicyDecision.Action.FLAG);
        assertThat(f.findings()).extracting(Finding::rule).containsExactly("fake-flag");
        List<WsMessage> up = f.messages().stream().filter(m -> m.direction() == WsMessage.Direction.CLIENT_TO_SERVER).toList();
        assertThat(up).hasSize(5);
        assertThat(new String(up.get(1).payload(), StandardCharsets.UTF_8)).isEqualTo("token [REDACTED] here");
        assertThat(up.get(3).size()).isEqualTo(200_000);
        assertThat(up.get(3).payload()).hasSize(100_000); // the recording cap, not the scan window
        List<String> mine = seen.stream().filter(s -> s.endsWith("|" + f.id() + "|/ws")).toList();
        assertThat(mine).hasSize(5);
        assertThat(mine.get(0)).startsWith("traffic-").contains("|5|false|sess-ws|");
        assertThat(mine.get(2)).startsWith("traffic-inspect").contains("|30000|false|");
        assertThat(mine.get(3)).contains("|" + (64 * 1024) + "|true|"); // what the window held was scanned
    }

    @Test
    void blockedMessageIsNotDeliveredAndTheSocketClosesWith1008() throws Exception {
        Client c = connect();
        c.ws().sendText("first", true).get(10, TimeUnit.SECONDS);
        assertThat(c.received().poll(10, TimeUnit.SECONDS)).isEqualTo("first");
        c.ws().sendText("here is the SECRET", true).get(10, TimeUnit.SECONDS);
        String next = c.received().poll(10, TimeUnit.SECONDS);
        assertThat(next).startsWith("close:1008:blocked by policy rule fake-secret (flow ");
        Flow f = proxy.sink.await(fl -> fl.kind() == FlowKind.WEBSOCKET && next.contains(fl.id()));
        assertThat(f.policy().action()).isEqualTo(PolicyDecision.Action.BLOCK);
        assertThat(f.policy().rule()).isEqualTo("fake-secret");
        assertThat(f.error()).isNull();
        // the echo server never saw it: nothing came back before the close, and the flow has no echo of it
        assertThat(f.messages()).noneMatch(m -> m.direction() == WsMessage.Direction.SERVER_TO_CLIENT
                && new String(m.payload(), StandardCharsets.UTF_8).contains("SECRET"));
        assertThat(c.received().poll(1, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aFailingInspectorClosesTheSocketWith1011AndForwardsNothing() throws Exception {
        Client c = connect();
        c.ws().sendText("BOOM", true).get(10, TimeUnit.SECONDS);
        String next = c.received().poll(10, TimeUnit.SECONDS);
        assertThat(next).isEqualTo("close:1011:message inspection failed");
        Flow f = proxy.sink.await(fl -> fl.kind() == FlowKind.WEBSOCKET && "message inspection failed".equals(fl.error()));
        assertThat(f.messages()).noneMatch(m -> m.direction() == WsMessage.Direction.SERVER_TO_CLIENT);
        assertThat(f.messages()).anyMatch(m -> m.direction() == WsMessage.Direction.CLIENT_TO_SERVER);
    }
}
