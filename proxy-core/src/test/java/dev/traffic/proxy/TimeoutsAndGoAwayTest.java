package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.AlpnTestUpstream;
import dev.traffic.proxy.testing.Await;
import dev.traffic.proxy.testing.Cmd;
import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestUpstream;
import dev.traffic.model.Flow;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle timeouts on both sides (an idle keep-alive client connection is closed, an idle pooled
 * upstream connection is closed) and an HTTP/2 upstream that sends GOAWAY and closes in the
 * middle of a request (the client gets a clear 502, the flow is recorded with the error, and the
 * next request opens a new upstream connection).
 */
@ExtendWith(LeakCheck.class)
class TimeoutsAndGoAwayTest {
    @TempDir Path dir;

    @Test
    void idleKeepAliveClientConnectionIsClosed() throws Exception {
        try (ProxyFixture p = new ProxyFixture(dir.resolve("client"), b -> b.clientIdleTimeout(Duration.ofMillis(700)));
             TestUpstream up = TestUpstream.plain();
             Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", p.port()), 5000);
            s.setSoTimeout(20_000); // a hard upper bound only: the proxy must close long before
            OutputStream out = s.getOutputStream();
            out.write(("GET http://127.0.0.1:" + up.port() + "/small HTTP/1.1\r\nHost: 127.0.0.1:" + up.port()
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder got = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) got.append((char) c); // keep-alive: only ends when the proxy closes
            assertThat(got.toString()).startsWith("HTTP/1.1 200").endsWith("hello");
            p.sink.await(f -> f.response() != null && f.response().status() == 200);
        }
    }

    @Test
    void idlePooledUpstreamConnectionIsClosedAndReplaced() throws Exception {
        try (ProxyFixture p = new ProxyFixture(dir.resolve("pool"), b -> b.poolIdleTimeout(Duration.ofMillis(500)));
             TestUpstream up = TestUpstream.plain()) {
            String url = "http://127.0.0.1:" + up.port() + "/small";
            assertThat(UpstreamBehaviourTest.curl(p, url).out()).isEqualTo("hello");
            Await.until("pooled connection closed when idle", Duration.ofSeconds(10), () -> up.closedConnections.get() == 1);
            assertThat(UpstreamBehaviourTest.curl(p, url).out()).isEqualTo("hello");
            assertThat(up.connections.get()).as("a new upstream connection after the idle one closed").isEqualTo(2);
        }
    }

    @Test
    void upstreamGoAwayMidRequestGives502AndTheNextRequestWorks() throws Exception {
        try (ProxyFixture p = new ProxyFixture(dir.resolve("goaway"), b -> {});
             AlpnTestUpstream up = new AlpnTestUpstream(p.pki.upstreamCa, "localhost", "h2")) {
            String base = "https://localhost:" + up.port();
            assertThat(UpstreamBehaviourTest.curl(p, base + "/small").out()).isEqualTo("hello");
            for (String version : List.of("--http1.1", "--http2")) {
                Cmd.Result r = UpstreamBehaviourTest.curl(p, version, "-i", "--data", "x=1", base + "/goaway?" + version.substring(2));
                assertThat(r.out()).as(r.toString()).matches("(?s)HTTP/1.1 200 Connection established.*HTTP/(1\\.1|2) 502.*");
                assertThat(r.out()).containsIgnoringCase("upstream");
                String q = version.substring(2);
                Flow f = p.sink.await(fl -> fl.request() != null && q.equals(fl.request().query()) && fl.end() != null);
                assertThat(f.error()).as("recorded with the reason").isNotBlank();
                // the proxy stays healthy: the next request opens a new upstream connection and succeeds
                assertThat(UpstreamBehaviourTest.curl(p, version, base + "/small").out()).isEqualTo("hello");
            }
            assertThat(up.connections.get()).isGreaterThanOrEqualTo(3);
        }
    }
}
