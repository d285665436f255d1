package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestTrust;
import dev.traffic.proxy.testing.WsEchoUpstream;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import dev.traffic.model.WsMessage;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** WebSocket (wss, intercepted) through the proxy with the JDK client: echo works, messages recorded both ways. */
@ExtendWith(LeakCheck.class)
class WebSocketProxyTest {
    @TempDir static Path dir;
    static ProxyFixture proxy;
    static WsEchoUpstream echo;
    static WsEchoUpstream plainEcho;

    @BeforeAll
    static void start() throws Exception {
        proxy = new ProxyFixture(dir, b -> b.maxBodyRecord(1000));
        echo = new WsEchoUpstream(TestPki.serverContext(proxy.pki.upstreamCa, "localhost"));
        plainEcho = new WsEchoUpstream(null);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
        if (echo != null) echo.close();
        if (plainEcho != null) plainEcho.close();
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

        Flow f = proxy.sink.await(fl -> fl.kind() == FlowKind.WEBSOCKET && fl.request().port() == echo.port());
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

    @Test
    void plainWsThroughAbsoluteFormUpgradeIsRelayedFrameByFrame() throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            String authority = "127.0.0.1:" + plainEcho.port();
            out.write(("GET http://" + authority + "/ws HTTP/1.1\r\nHost: " + authority + "\r\n"
                    + "Upgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(in).toLowerCase();
            assertThat(head).startsWith("http/1.1 101");
            assertThat(head).contains("upgrade: websocket").contains("connection: upgrade")
                    .contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=");
            // a masked text frame split in two writes: "hi" (FIN=0) then continuation " there" (FIN=1)
            out.write(maskedFrame(0x01, false, "hi"));
            out.flush();
            out.write(maskedFrame(0x00, true, " there"));
            out.flush();
            // the echo server answers with one unmasked text frame
            assertThat(in.read()).isEqualTo(0x81);
            int len = in.read();
            assertThat(len).isEqualTo(8);
            assertThat(new String(in.readNBytes(len), StandardCharsets.UTF_8)).isEqualTo("hi there");
            out.write(maskedFrame(0x08, true, ""));
            out.flush();
            assertThat(in.read()).isEqualTo(0x88); // the server's close frame
            in.readNBytes(in.read() & 0x7f);
            assertThat(in.read()).as("proxy closes after the upstream closed").isEqualTo(-1);
        }
        Flow f = proxy.sink.await(fl -> fl.kind() == FlowKind.WEBSOCKET && "http".equals(fl.request().scheme()));
        assertThat(f.messages()).hasSize(2);
        assertThat(new String(f.messages().get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("hi there");
        assertThat(f.messages().get(0).direction()).isEqualTo(WsMessage.Direction.CLIENT_TO_SERVER);
        assertThat(f.messages().get(1).direction()).isEqualTo(WsMessage.Direction.SERVER_TO_CLIENT);
        assertThat(plainEcho.upgradeHeaders).contains("upgrade: websocket")
                .noneMatch(h -> h.startsWith("sec-websocket-extensions"));
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new AssertionError("closed before the response head ended: " + sb);
            sb.append((char) c);
        }
        return sb.toString();
    }

    private static byte[] maskedFrame(int opcode, boolean fin, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        byte[] f = new byte[2 + 4 + p.length];
        f[0] = (byte) ((fin ? 0x80 : 0) | opcode);
        f[1] = (byte) (0x80 | p.length);
        System.arraycopy(mask, 0, f, 2, 4);
        for (int i = 0; i < p.length; i++) f[6 + i] = (byte) (p[i] ^ mask[i & 3]);
        return f;
    }
}
