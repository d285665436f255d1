package dev.traffic.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.traffic.model.Finding;
import dev.traffic.model.Severity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real loopback receiver: shapes, bearer token, retry after failures, dedup per session. */
class AlerterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;
    private final BlockingQueue<String[]> got = new LinkedBlockingQueue<>();
    private final AtomicInteger failFirst = new AtomicInteger();
    private final Finding finding = new Finding("github-app-token", "github", Severity.CRITICAL, "body-json",
            "paste.example.net", "0123456789ab:ghs_..AbCd", "base64", "provisioned secret GITHUB_TOKEN");

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (failFirst.getAndDecrement() > 0) {
                ex.sendResponseHeaders(503, -1);
            } else {
                got.add(new String[] {ex.getRequestHeaders().getFirst("Authorization"), body});
                ex.sendResponseHeaders(200, -1);
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Alerter alerter(Alerter.Format format, String token) {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/notify");
        return new Alerter(new Alerter.Config(uri, token, format, 16, 5, Duration.ofMillis(50), Duration.ofSeconds(5)));
    }

    @Test
    void notifyShapeWithBearerRetriedUntilDeliveredOncePerFingerprint() throws Exception {
        failFirst.set(2);
        try (Alerter a = alerter(Alerter.Format.NOTIFY, "tok-1")) {
            assertThat(a.alert("s1", "FLOW1", finding)).isTrue();
            assertThat(a.alert("s1", "FLOW2", finding)).isFalse(); // same fingerprint, same session
            String[] r = got.poll(20, TimeUnit.SECONDS);
            assertThat(r).isNotNull();
            assertThat(r[0]).isEqualTo("Bearer tok-1");
            JsonNode n = JSON.readTree(r[1]);
            assertThat(n.get("level").asText()).isEqualTo("critical");
            assertThat(n.get("source").asText()).isEqualTo("traffic");
            assertThat(n.get("title").asText()).contains("github-app-token").contains("paste.example.net");
            assertThat(n.get("message").asText()).contains("FLOW1").contains("body-json").contains("0123456789ab");
            assertThat(a.alert("s2", "FLOW3", finding)).isTrue(); // another session alerts again
            assertThat(got.poll(20, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void slackAndDiscordShapes() throws Exception {
        try (Alerter a = alerter(Alerter.Format.SLACK, null)) {
            a.alert("s", "F", finding);
            String[] r = got.poll(20, TimeUnit.SECONDS);
            assertThat(r[0]).isNull();
            assertThat(JSON.readTree(r[1]).get("text").asText()).contains("github-app-token");
        }
        try (Alerter a = alerter(Alerter.Format.DISCORD, null)) {
            a.alert("s", "F", finding);
            assertThat(JSON.readTree(got.poll(20, TimeUnit.SECONDS)[1]).get("content").asText()).contains("critical");
        }
    }

    @Test
    void boundedQueueDropsInsteadOfBlocking() {
        server.stop(0); // nothing listens: every alert stays pending through its retries
        try (Alerter a = new Alerter(new Alerter.Config(URI.create("http://127.0.0.1:9/x"), null, Alerter.Format.NOTIFY,
                4, 3, Duration.ofSeconds(5), Duration.ofSeconds(1)))) {
            int queued = 0;
            for (int i = 0; i < 20; i++) {
                Finding f = new Finding("r", "generic", Severity.HIGH, "body", "h", "fp" + i, "plain", "");
                if (a.alert("s", "F", f)) queued++;
            }
            assertThat(queued).isEqualTo(4);
            assertThat(a.dropped()).isEqualTo(16);
        }
    }
}
