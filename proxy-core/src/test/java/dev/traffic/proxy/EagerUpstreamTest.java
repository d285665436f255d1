package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.Await;
import dev.traffic.proxy.testing.Connect;
import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestUpstream;
import dev.traffic.model.Flow;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new host's upstream connection: on an eager TLS port (configured, or learned from an earlier
 * TLS tunnel) it is opened and handshaken when the CONNECT is accepted, before the client's
 * ClientHello, and the first request uses it; a plain-TCP tunnel's server sees only the tunnel,
 * and a configured port that carried plain TCP stops being eager.
 */
@ExtendWith(LeakCheck.class)
class EagerUpstreamTest {
    @TempDir Path dir;

    @Test
    void onAnEagerPortTheUpstreamHandshakeStartsWithTheConnectAndServesTheFirstRequest() throws Exception {
        TestPki pki = new TestPki(dir); // the fixture below loads the same two CAs from dir
        try (TestUpstream up = TestUpstream.tls(TestPki.serverContext(pki.upstreamCa, "localhost"));
             ProxyFixture p = new ProxyFixture(dir, b -> b.ioThreads(1).eagerTlsPorts(Set.of(up.port())));
             Socket s = new Socket("127.0.0.1", p.port())) {
            Connect.open(s, "localhost:" + up.port());
            // the client has not sent its ClientHello yet, and the upstream already has our connection
            Await.until("upstream connection opened at CONNECT", Duration.ofSeconds(10), () -> up.connections.get() == 1);
            assertThat(tlsGet(s, pki, up.port(), "/small")).startsWith("HTTP/1.1 200").endsWith("hello");
            Flow f = p.sink.await(fl -> fl.response() != null && "/small".equals(fl.request().path()));
            assertThat(f.tls().upstreamSubject()).contains("localhost");
            assertThat(up.connections.get()).as("the first request used the connection opened at CONNECT").isEqualTo(1);
        }
    }

    @Test
    void aPortThatCarriedTlsBecomesEager() throws Exception {
        TestPki pki = new TestPki(dir);
        try (TestUpstream up = TestUpstream.tls(TestPki.serverContext(pki.upstreamCa, "localhost"));
             ProxyFixture p = new ProxyFixture(dir, b -> b.ioThreads(1))) {
            try (Socket s = new Socket("127.0.0.1", p.port())) {
                Connect.open(s, "localhost:" + up.port());
                // not eager yet: the upstream hears from us only after the ClientHello; /close: not pooled
                assertThat(tlsGet(s, pki, up.port(), "/close")).startsWith("HTTP/1.1 200").contains("until-close");
            }
            Await.until("first upstream connection closed", Duration.ofSeconds(10), () -> up.closedConnections.get() == 1);
            try (Socket s = new Socket("127.0.0.1", p.port())) {
                Connect.open(s, "localhost:" + up.port());
                Await.until("second upstream connection opened at CONNECT", Duration.ofSeconds(10), () -> up.connections.get() == 2);
                assertThat(tlsGet(s, pki, up.port(), "/small")).startsWith("HTTP/1.1 200").endsWith("hello");
            }
            assertThat(up.connections.get()).isEqualTo(2);
        }
    }

    @Test
    void aConfiguredPortThatCarriedPlainTcpStopsBeingEager() throws Exception {
        try (TestUpstream up = TestUpstream.plain();
             ProxyFixture p = new ProxyFixture(dir, b -> b.ioThreads(1).eagerTlsPorts(Set.of(up.port())))) {
            assertThat(plainGet(p, up.port())).startsWith("HTTP/1.1 200").endsWith("hello");
            // the eager TLS attempt (refused by the plain server) and the request's upstream connection
            // (plain HTTP inside a tunnel is served as requests, so that connection is pooled)
            Await.until("stray TLS attempt and upstream connection", Duration.ofSeconds(10), () -> up.connections.get() == 2);
            assertThat(plainGet(p, up.port())).startsWith("HTTP/1.1 200").endsWith("hello");
            assertThat(up.connections.get()).as("no second stray TLS attempt (the second GET reuses the pooled connection)").isEqualTo(2);
            // the stray attempt's ClientHello reached the plain server as garbage; the two GETs as requests
            assertThat(up.requests.stream().filter(r -> r.decoderResult().isSuccess())).hasSize(2);
        }
    }

    @Test
    void elsewhereAPlainTunnelsServerSeesOnlyTheTunnel() throws Exception {
        try (TestUpstream up = TestUpstream.plain();
             ProxyFixture p = new ProxyFixture(dir, b -> b.ioThreads(1))) {
            assertThat(plainGet(p, up.port())).startsWith("HTTP/1.1 200").endsWith("hello");
            assertThat(up.requests).hasSize(1);
            assertThat(up.connections.get()).isEqualTo(1);
        }
    }

    /** CONNECT 127.0.0.1:port, then a plain HTTP/1.1 GET /small through the raw tunnel; returns the whole response. */
    private static String plainGet(ProxyFixture p, int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", p.port())) {
            String authority = "127.0.0.1:" + port;
            Connect.open(s, authority);
            OutputStream out = s.getOutputStream();
            out.write(("GET /small HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** TLS (trusting the proxy's CA) over the CONNECTed socket {@code s}, one GET, the whole response. */
    private static String tlsGet(Socket s, TestPki pki, int port, String path) throws Exception {
        SSLSocket tls = (SSLSocket) TestPki.clientContext(pki.proxyCaPem()).getSocketFactory()
                .createSocket(s, "localhost", port, true);
        tls.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        tls.getOutputStream().flush();
        return new String(tls.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
