package dev.traffic.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Flow;
import dev.traffic.model.PolicyDecision;
import dev.traffic.proxy.HostRules;
import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.client.ClientSession;
import dev.traffic.proxy.net.Transport;
import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.RecordingSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pipeline shapes of {@link Pipelines} and what the client pipeline answers by itself (bad
 * requests, refusals by admission), on EmbeddedChannels: no sockets, no upstream.
 */
@ExtendWith(LeakCheck.class)
class PipelinesTest {
    final RecordingSink sink = new RecordingSink();
    final List<ProxyContext> contexts = new ArrayList<>();

    @AfterEach
    void close() {
        contexts.forEach(ProxyContext::close);
    }

    ProxyContext px(Consumer<ProxyConfig.Builder> tweak) {
        ProxyConfig.Builder b = ProxyConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).sink(sink);
        tweak.accept(b);
        ProxyContext px = new ProxyContext(b.build(), null, Transport.detect(false));
        contexts.add(px);
        return px;
    }

    static ClientSession plain() {
        return new ClientSession("127.0.0.1:50000", "http", null, null);
    }

    static String send(EmbeddedChannel ch, String request) {
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        ch.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    @Test
    void aClientConnectionIsIdleTimerCodecHeldReadsAndTheClientHandler() {
        EmbeddedChannel ch = new EmbeddedChannel();
        Pipelines.clientConnection(ch, px(b -> {}), plain());
        assertThat(ch.pipeline().names()).startsWith("idle", "http", "flow-control", "client");
        ch.finishAndReleaseAll();
    }

    @Test
    void anInterceptedSessionGetsHttp1BehindTheTlsHandler() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast("tls", new ChannelInboundHandlerAdapter());
        Pipelines.interceptedHttp1(ch.pipeline(), "tls", px(b -> {}), plain());
        assertThat(ch.pipeline().names()).startsWith("tls", "http", "flow-control", "client");
        ch.finishAndReleaseAll();
    }

    @Test
    void anInterceptedH2SessionGetsTheFrameCodecAndTheStreamMultiplexer() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast("tls", new ChannelInboundHandlerAdapter());
        Pipelines.interceptedHttp2(ch.pipeline(), "tls", px(b -> {}), plain());
        assertThat(ch.pipeline().names()).startsWith("tls", "h2", "h2-streams", "h2-conn");
        ch.finishAndReleaseAll();
    }

    @Test
    void eachH2StreamRunsTheHttp1ClientHandlerBehindTheObjectCodec() {
        EmbeddedChannel stream = new EmbeddedChannel();
        Pipelines.clientStream(stream, px(b -> {}), plain());
        assertThat(stream.pipeline().names()).startsWith("http", "h2-interim", "h2-messages", "client");
        stream.finishAndReleaseAll();
    }

    @Test
    void aMalformedRequestIsAnswered400RecordedAndClosed() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel();
        Pipelines.clientConnection(ch, px(b -> {}), plain());
        String out = send(ch, "GET http://example.test/ HTTP/1.1\r\nHost: example.test\r\nContent-Length: 3\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        assertThat(out).startsWith("HTTP/1.1 400 Bad Request").contains("bad request: Content-Length are not allowed")
                .contains("connection: close");
        assertThat(ch.isOpen()).isFalse();
        Flow f = sink.await(x -> true, Duration.ofSeconds(5));
        assertThat(f.response().status()).isEqualTo(400);
        assertThat(f.error()).contains("bad request: Content-Length are not allowed");
        ch.finishAndReleaseAll();
    }

    @Test
    void aRequestTheNamePolicyRefusesIsAnswered403WithTheRuleAndRecorded() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel();
        Pipelines.clientConnection(ch, px(b -> b.hostRules(HostRules.builder().deny("*.blocked.test").build())), plain());
        String out = send(ch, "GET http://api.blocked.test/x HTTP/1.1\r\nHost: api.blocked.test\r\n\r\n");
        assertThat(out).startsWith("HTTP/1.1 403 Forbidden").contains("denied by policy: --deny *.blocked.test (api.blocked.test)");
        Flow f = sink.await(x -> true, Duration.ofSeconds(5));
        assertThat(f.policy()).isEqualTo(new PolicyDecision(PolicyDecision.Action.BLOCK, "--deny *.blocked.test"));
        assertThat(f.request().path()).isEqualTo("/x");
        ch.finishAndReleaseAll();
    }

    @Test
    void aConnectWhileRecordingIsDownIsRefused503() throws Exception {
        sink.healthy = false;
        EmbeddedChannel ch = new EmbeddedChannel();
        Pipelines.clientConnection(ch, px(b -> {}), plain());
        String out = send(ch, "CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n");
        assertThat(out).startsWith("HTTP/1.1 503 Service Unavailable").contains("recording unavailable");
        assertThat(ch.isOpen()).isFalse();
        Flow f = sink.await(x -> true, Duration.ofSeconds(5));
        assertThat(f.request().method()).isEqualTo("CONNECT");
        assertThat(f.error()).isEqualTo("recording unavailable");
        ch.finishAndReleaseAll();
    }
}
