package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.traffic.proxy.testing.Await;
import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestTrust;
import dev.traffic.proxy.testing.TestUpstream;
import dev.traffic.model.Flow;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ProxyServer#shutdown} with a response in flight (the upstream holds it until the test
 * releases it), over plain HTTP and an intercepted HTTPS tunnel: the listener stops accepting at once, the in-flight flow finishes for the client
 * and is recorded before the sink is flushed; when the grace period runs out first, the flow is
 * recorded with an error and shutdown still returns.
 */
@ExtendWith(LeakCheck.class)
class GracefulShutdownTest {
    @TempDir Path dir;

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static CompletableFuture<HttpResponse<String>> gatedRequest(ProxyFixture proxy, TestUpstream up, String id) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TestTrust.trusting(proxy.pki.proxyCaPem()))
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port()))).build();
        String base = up.tls ? "https://localhost:" : "http://127.0.0.1:";
        return client.sendAsync(HttpRequest.newBuilder(URI.create(base + up.port() + "/gated/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void inFlightResponseCompletesWithinGrace(boolean https) throws Exception {
        try (ProxyFixture proxy = new ProxyFixture(dir, b -> {});
                TestUpstream up = https ? TestUpstream.tls(TestPki.serverContext(proxy.pki.upstreamCa, "localhost")) : TestUpstream.plain()) {
            int port = proxy.port();
            var resp = gatedRequest(proxy, up, "ok");
            Await.until("the request reaches the upstream", Duration.ofSeconds(10), () -> up.gatedWaiting() == 1);

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> proxy.server.shutdown(Duration.ofSeconds(30)));
            Await.until("the listener to close", Duration.ofSeconds(10), () -> !accepts(port));
            assertThat(stopped).as("shutdown waits for the in-flight flow").isNotDone();
            assertThat(resp).isNotDone();

            up.releaseGated();
            HttpResponse<String> r = resp.get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("released");
            stopped.get(20, TimeUnit.SECONDS);

            Flow f = proxy.sink.await(fl -> fl.request() != null && "/gated/ok".equals(fl.request().path()));
            assertThat(f.error()).isNull();
            assertThat(f.response().status()).isEqualTo(200);
            assertThat(f.response().body().size()).isEqualTo(8);
            assertThat(proxy.sink.endedAtFlush).as("the flow was recorded before the sink was flushed").isEqualTo(1);
        }
    }

    @Test
    void graceExpiryRecordsTheFlowWithAnError() throws Exception {
        try (TestUpstream up = TestUpstream.plain(); ProxyFixture proxy = new ProxyFixture(dir, b -> {})) {
            var resp = gatedRequest(proxy, up, "late");
            Await.until("the request reaches the upstream", Duration.ofSeconds(10), () -> up.gatedWaiting() == 1);

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> proxy.server.shutdown(Duration.ofMillis(300)));
            stopped.get(20, TimeUnit.SECONDS);

            assertThatThrownBy(() -> resp.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
            Flow f = proxy.sink.await(fl -> fl.request() != null && "/gated/late".equals(fl.request().path()));
            assertThat(f.error()).contains("shut down").contains("before the response completed");
            assertThat(f.end()).isNotNull();
            assertThat(proxy.sink.endedAtFlush).as("the flow was recorded before the sink was flushed").isEqualTo(1);
        }
    }
}
