package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK HttpClient (HTTP/1.1) through the proxy, many concurrent requests, plain and HTTPS. */
class HttpClientTest {
    @TempDir static Path dir;
    static ProxyFixture proxy;
    static TestUpstream tls;
    static TestUpstream plain;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        proxy = new ProxyFixture(dir, b -> b.tlsProvider(ProxyConfig.TlsProvider.valueOf(System.getProperty("tlsp", "AUTO"))));
        tls = TestUpstream.tls(TestPki.serverContext(proxy.pki.upstreamCa, "localhost"));
        plain = TestUpstream.plain();
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port())))
                .sslContext(TestPki.clientContext(proxy.pki.proxyCaPem()))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        tls.close();
        plain.close();
    }

    @Test
    void manyConcurrentHttpsRequests() throws Exception {
        runConcurrently("https://localhost:" + tls.port(), 200);
    }

    @Test
    void manyConcurrentHttpRequests() throws Exception {
        runConcurrently("http://127.0.0.1:" + plain.port(), 200);
    }

    private void runConcurrently(String base, int n) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String path = i % 3 == 0 ? "/bytes/" + (1000 + i) : "/small?i=" + i;
            all.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = all.get(i).get();
            assertThat(r.statusCode()).isEqualTo(200);
            if (i % 3 == 0) assertThat(r.body()).hasSize(1000 + i);
            else assertThat(r.body()).isEqualTo("hello");
        }
        String host = URI.create(base).getHost();
        int port = URI.create(base).getPort();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (proxy.sink.ended.stream().filter(f -> f.request() != null && host.equals(f.request().host())
                && f.request().port() == port && f.response() != null && f.response().status() == 200).count() < n) {
            if (System.nanoTime() > deadline) throw new AssertionError("not all flows recorded: " + proxy.sink.summary().size());
            Thread.onSpinWait();
        }
    }
}
