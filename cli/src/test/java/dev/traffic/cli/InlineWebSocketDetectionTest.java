package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.traffic.ca.CaOptions;
import dev.traffic.ca.CertificateAuthority;
import dev.traffic.ca.LeafKeyManager;
import dev.traffic.ca.LeafMinter;
import dev.traffic.detect.Alerter;
import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.ProxyServer;
import dev.traffic.store.FlowSink;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.Severity;
import dev.traffic.model.WsMessage;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the real proxy with inline detection ({@link DetectOptions}): the JDK WebSocket
 * client talks wss (intercepted) to a loopback Netty echo server. A message carrying a provisioned
 * secret is flagged (delivered, recorded redacted, alert with the flow id) or blocked (never
 * delivered, the socket closed with 1008 naming the rule).
 */
class InlineWebSocketDetectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    private final String secret = InlineDetectionTest.githubToken(new Random(9));
    private final BlockingQueue<String> delivered = new LinkedBlockingQueue<>(); // texts the echo server got
    private final BlockingQueue<String> alerts = new LinkedBlockingQueue<>();
    private final BlockingQueue<Flow> flows = new LinkedBlockingQueue<>();
    private CertificateAuthority ca;
    private EventLoopGroup group;
    private Channel echo;
    private HttpServer webhook;

    @BeforeEach
    void servers() throws Exception {
        ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), CaOptions.defaults());
        // the echo server's certificate comes from the same CA, which the proxy trusts upstream
        dev.traffic.ca.IssuedLeaf leaf = new LeafMinter(ca).leafFor("localhost");
        SslContext tls = SslContextBuilder.forServer(leaf.privateKey(), leaf.chain()).build();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        echo = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()), new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/ws"),
                                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                                        delivered.add(f.text());
                                        ctx.writeAndFlush(new TextWebSocketFrame(f.text()));
                                    }
                                });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", ex -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ex.getRequestBody().transferTo(b);
            alerts.add(b.toString(StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        webhook.start();
    }

    @AfterEach
    void stop() {
        if (echo != null) echo.close().syncUninterruptibly();
        if (group != null) group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (webhook != null) webhook.stop(0);
    }

    private record Running(ProxyServer server, Alerter alerter) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            if (alerter != null) alerter.close();
        }
    }

    private Running proxy(String onFinding) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "secrets:\n  - name: GITHUB_TOKEN\n    value: \"" + secret + "\"\n");
        DetectOptions o = new DetectOptions();
        o.policy = policy;
        o.onFinding = onFinding;
        o.findingSeverity = "medium";
        o.alertWebhook = URI.create("http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook");
        o.alertFormat = "notify";
        o.scanWindow = 1L << 20;
        ProxyConfig.Builder b = ProxyConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .interceptKeys(new LeafKeyManager(new LeafMinter(ca)).asFactory())
                .upstreamCaFile(ca.certificateFile())
                .session("ws-session-1")
                .sink(new FlowSink() {
                    @Override public void started(Flow head) {}
                    @Override public void ended(Flow flow) { flows.add(flow); }
                });
        Alerter alerter = o.apply(b);
        return new Running(ProxyServer.start(b.build()), alerter);
    }

    private record Client(WebSocket ws, BlockingQueue<String> received) {}

    private Client connect(Running r) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", r.server().address().getPort())))
                .sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
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
            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                received.add("close:" + status + ":" + reason);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                received.add("error:" + error);
            }
        };
        int port = ((InetSocketAddress) echo.localAddress()).getPort();
        WebSocket ws = client.newWebSocketBuilder()
                .buildAsync(URI.create("wss://localhost:" + port + "/ws"), listener).get(20, TimeUnit.SECONDS);
        return new Client(ws, received);
    }

    @Test
    void flaggedMessageIsDeliveredRecordedRedactedAndAlerted() throws Exception {
        try (Running r = proxy("flag")) {
            Client c = connect(r);
            String msg = "{\"type\":\"note\",\"text\":\"use " + secret + " for the deploy\"}";
            c.ws().sendText(msg, true).get(10, TimeUnit.SECONDS);
            assertThat(c.received().poll(20, TimeUnit.SECONDS)).isEqualTo(msg);
            assertThat(delivered.poll(5, TimeUnit.SECONDS)).isEqualTo(msg);
            c.ws().sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);

            Flow f = flows.poll(20, TimeUnit.SECONDS);
            assertThat(f).isNotNull();
            assertThat(f.kind()).isEqualTo(FlowKind.WEBSOCKET);
            assertThat(f.policy().action()).isEqualTo(PolicyDecision.Action.FLAG);
            assertThat(f.findings()).anySatisfy(x -> {
                assertThat(x.location()).isEqualTo("ws");
                assertThat(x.severity()).isEqualTo(Severity.CRITICAL);
            });
            WsMessage sent = f.messages().stream().filter(m -> m.direction() == WsMessage.Direction.CLIENT_TO_SERVER).findFirst().orElseThrow();
            assertThat(new String(sent.payload(), StandardCharsets.UTF_8)).doesNotContain(secret).contains("[REDACTED:github-app-token:");

            JsonNode a = JSON.readTree(alerts.poll(20, TimeUnit.SECONDS));
            assertThat(a.get("level").asText()).isEqualTo("critical");
            assertThat(a.get("message").asText()).contains("flow " + f.id()).contains(" ws ").doesNotContain(secret.substring(4, 34));
        }
    }

    @Test
    void blockedMessageIsNeverDeliveredAndTheSocketClosesWith1008() throws Exception {
        try (Running r = proxy("block")) {
            Client c = connect(r);
            c.ws().sendText("hello", true).get(10, TimeUnit.SECONDS);
            assertThat(c.received().poll(20, TimeUnit.SECONDS)).isEqualTo("hello");
            assertThat(delivered.poll(5, TimeUnit.SECONDS)).isEqualTo("hello");
            c.ws().sendText("token=" + secret, true).get(10, TimeUnit.SECONDS);
            String closed = c.received().poll(20, TimeUnit.SECONDS);
            assertThat(closed).startsWith("close:1008:blocked by policy rule github-app-token (flow ");
            Flow f = flows.poll(20, TimeUnit.SECONDS);
            assertThat(f).isNotNull();
            assertThat(closed).contains(f.id());
            assertThat(f.policy().action()).isEqualTo(PolicyDecision.Action.BLOCK);
            assertThat(delivered).isEmpty(); // the echo server never got it
            assertThat(JSON.readTree(alerts.poll(20, TimeUnit.SECONDS)).get("message").asText()).contains(f.id());
        }
    }
}
