package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.AlpnTestUpstream;
import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestTrust;
import dev.traffic.model.Flow;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server-sent events through the proxy reach the client event by event (no aggregation anywhere):
 * the upstream sends 5 events 200 ms apart; the client must see each one before the upstream sends
 * the next (an ordering check, not a latency budget: the latency is printed, never asserted, so a
 * loaded machine cannot fail it), and the flow records all 5. Over HTTP/1.1 and HTTP/2 on each side.
 */
@ExtendWith(LeakCheck.class)
class StreamingProxyTest {
    @TempDir static Path dir;
    static ProxyFixture proxy;
    static AlpnTestUpstream h1;
    static AlpnTestUpstream h2;

    @BeforeAll
    static void start() throws Exception {
        proxy = new ProxyFixture(dir, b -> {});
        h1 = new AlpnTestUpstream(proxy.pki.upstreamCa, "localhost", "http/1.1");
        h2 = new AlpnTestUpstream(proxy.pki.upstreamCa, "localhost", "h2");
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
        if (h1 != null) h1.close();
        if (h2 != null) h2.close();
    }

    @ParameterizedTest(name = "client {0}, upstream {1}")
    @CsvSource({"HTTP_1_1,h1", "HTTP_2,h2", "HTTP_2,h1", "HTTP_1_1,h2"})
    void serverSentEventsArriveOneByOne(HttpClient.Version version, String upstreamKind) throws Exception {
        AlpnTestUpstream up = upstreamKind.equals("h1") ? h1 : h2;
        HttpClient client = HttpClient.newBuilder().version(version)
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port())))
                .sslContext(TestTrust.trusting(proxy.pki.proxyCaPem()))
                .connectTimeout(Duration.ofSeconds(10)).build();
        String base = "https://localhost:" + up.port();
        // warm-up on the same connection (TLS, pool, JIT), so the check below measures streaming only
        assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/small")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("hello");
        // and a chunked, streamed body, so the streaming code paths are warm too
        assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/grpc")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("grpc-payload");

        String id = version + "-" + upstreamKind;
        HttpResponse<InputStream> resp = client.send(HttpRequest.newBuilder(URI.create(base + "/sse?id=" + id)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(resp.version()).isEqualTo(version);
        assertThat(resp.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<Long> receivedAt = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    receivedAt.add(System.nanoTime());
                    assertThat(line).isEqualTo("data: event " + receivedAt.size());
                }
            }
        }
        assertThat(receivedAt).hasSize(5);
        List<Long> sentAt = up.sseSent.get(id);
        assertThat(sentAt).hasSize(5);
        System.out.printf("SSE client %s, upstream %s: first event %.1f ms after the upstream sent it%n", version, upstreamKind,
                (receivedAt.get(0) - sentAt.get(0)) / 1e6);
        assertThat(receivedAt.get(0)).as("first event received before the second was sent").isLessThan(sentAt.get(1));
        for (int i = 0; i < 5; i++) {
            assertThat(receivedAt.get(i)).as("event %d not held back", i + 1).isLessThan(i < 4 ? sentAt.get(i + 1) : Long.MAX_VALUE);
        }

        Flow f = proxy.sink.await(fl -> fl.request() != null && ("id=" + id).equals(fl.request().query()));
        String body = new String(f.response().body().recorded(), StandardCharsets.UTF_8);
        for (int i = 1; i <= 5; i++) assertThat(body).contains("id: " + i + "\ndata: event " + i + "\n\n");
        assertThat(f.response().body().truncated()).isFalse();
    }
}
