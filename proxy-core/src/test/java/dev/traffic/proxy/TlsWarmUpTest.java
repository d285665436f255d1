package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.ca.LeafKeyManager;
import dev.traffic.ca.LeafMinter;
import dev.traffic.proxy.testing.Await;
import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestUpstream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up TLS warm-up completes its in-memory handshakes (so server and upstream TLS code
 * really ran: a failed handshake stops the count), leaves the real leaf cache untouched, leaks no
 * buffer, and the proxy serves intercepted HTTPS while and after it runs.
 */
@ExtendWith(LeakCheck.class)
class TlsWarmUpTest {
    @TempDir Path dir;

    @Test
    void warmUpHandshakesCompleteWithoutTouchingTheLeafCache() throws Exception {
        TestPki pki = new TestPki(dir);
        LeafMinter real = new LeafMinter(pki.proxyCa);
        try (TestUpstream up = TestUpstream.tls(TestPki.serverContext(pki.upstreamCa, "localhost"));
             ProxyServer server = ProxyServer.start(ProxyConfig.builder()
                     .listen(new InetSocketAddress("127.0.0.1", 0))
                     .interceptKeys(new LeafKeyManager(real).asFactory())
                     .upstreamCaFile(pki.upstreamCaPem())
                     .warmUpHandshakes(25)
                     .build())) {
            HttpClient c = HttpClient.newBuilder()
                    .proxy(ProxySelector.of(server.address()))
                    .sslContext(TestPki.clientContext(pki.proxyCaPem()))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("https://localhost:" + up.port() + "/small")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            Await.until("25 warm-up handshakes", Duration.ofSeconds(60), () -> server.warmUpHandshakesDone() == 25);
            assertThat(real.cacheMisses()).as("only the real host was minted in the real cache").isEqualTo(1);
            assertThat(real.cachedEntries()).isEqualTo(1);
        }
    }

    @Test
    void offByDefault() throws Exception {
        try (ProxyFixture p = new ProxyFixture(dir, b -> {})) {
            assertThat(p.server.warmUpHandshakesDone()).isZero();
        }
    }
}
