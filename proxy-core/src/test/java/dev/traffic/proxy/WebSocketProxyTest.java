package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.LeakWatch;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestTrust;
import dev.traffic.proxy.testing.WsEchoUpstream;
import dev.traffic.store.model.Flow;
import dev.traffic.store.model.FlowKind;
import dev.traffic.store.model.WsMessage;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebSocket (wss, intercepted) through the proxy with the JDK client: echo works, messages recorded both ways. */
class WebSocketProxyTest {
    @TempDir static Path dir;
    static ProxyFixture proxy;
    static WsEchoUpstream echo;
    static LeakWatch leaks;

    @BeforeAll
    static void start() throws Exception {
        leaks = LeakWatch.watch();
        proxy = new ProxyFixture(dir, b -> b.maxBodyRecord(1000));
        echo = new WsEchoUpstream(TestPki.serverContext(proxy.pki.upstreamCa, "localhost"));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
        if (echo != null) echo.close();
        leaks.assertNoLeaks();
    }

    @Test
    void echoThroughTheProxyIsRecordedBothWays() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port())))
                .sslContext(TestTrust.trusting(proxy.pki.proxyCaPem()))
                .connectTimeout(Duration.ofSeconds(10)).build();
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
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
                byte[] b = new byte[data.remaining()];
                data.get(b);
                received.add(b);
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                closed.complete(null);
                return null;
            }
        };
        WebSocket ws = client.newWebSocketBuilder()
                .buildAsync(URI.create("wss://localhost:" + echo.port() + "/ws"), listener).get(10, TimeUnit.SECONDS);
        ws.sendText("hello through the proxy", true).get(10, TimeUnit.SECONDS);
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("hello through the proxy");
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
        assertThat((byte[]) received.poll(10, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
        String big = "x".repeat(5000); // over the 1000-byte record cap: kept truncated, size exact
        ws.sendText(big, true).get(10, TimeUnit.SECONDS);
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(big);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        closed.get(10, TimeUnit.SECONDS);

        Flow f = proxy.sink.await(fl -> fl.kind() == FlowKind.WEBSOCKET);
        assertThat(f.response().status()).isEqualTo(101);
        assertThat(f.request().path()).isEqualTo("/ws");
        assertThat(f.end()).isNotNull();
        List<WsMessage> m = f.messages();
        assertThat(m).hasSize(6);
        assertThat(m.get(0).direction()).isEqualTo(WsMessage.Direction.CLIENT_TO_SERVER);
        assertThat(m.get(0).text()).isTrue();
        assertThat(new String(m.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("hello through the proxy");
        assertThat(m.get(1).direction()).isEqualTo(WsMessage.Direction.SERVER_TO_CLIENT);
        assertThat(new String(m.get(1).payload(), StandardCharsets.UTF_8)).isEqualTo("hello through the proxy");
        assertThat(m.get(2).text()).isFalse();
        assertThat(m.get(2).payload()).containsExactly(1, 2, 3);
        assertThat(m.get(3).direction()).isEqualTo(WsMessage.Direction.SERVER_TO_CLIENT);
        assertThat(m.get(4).size()).isEqualTo(5000);
        assertThat(m.get(4).truncated()).isTrue();
        assertThat(m.get(4).payload()).hasSize(1000);
        assertThat(m.get(5).size()).isEqualTo(5000);
        // the upgrade went upstream with its hop-by-hop headers, without extension negotiation
        assertThat(echo.upgradeHeaders).contains("upgrade: websocket").anyMatch(h -> h.startsWith("connection: ") && h.toLowerCase().contains("upgrade"));
        assertThat(echo.upgradeHeaders).noneMatch(h -> h.startsWith("sec-websocket-extensions"));
    }
}
