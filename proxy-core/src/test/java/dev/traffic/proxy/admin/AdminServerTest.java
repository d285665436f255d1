package dev.traffic.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin listener over real loopback HTTP with the JDK client. */
class AdminServerTest {
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final AtomicReference<String> storeProblem = new AtomicReference<>();
    private final HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    private AdminServer admin;

    @BeforeEach
    void start() throws Exception {
        Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
        checks.put("listening", () -> null);
        checks.put("store writable", storeProblem::get);
        checks.put("CA loaded", () -> null);
        admin = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics, checks);
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest req) throws Exception {
        return client.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + admin.address().getPort() + path);
    }

    @Test
    void healthzIsUpWhileTheProcessIs() throws Exception {
        HttpResponse<String> r = get("/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
    }

    @Test
    void readyzFailsNamingTheCheckThatFails() throws Exception {
        HttpResponse<String> ok = get("/readyz");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("ok   listening", "ok   store writable", "ok   CA loaded");
        storeProblem.set("disk full");
        HttpResponse<String> bad = get("/readyz");
        assertThat(bad.statusCode()).isEqualTo(503);
        assertThat(bad.body()).contains("FAIL store writable: disk full").contains("ok   CA loaded");
    }

    @Test
    void metricsParseAndCountersMoveBetweenScrapes() throws Exception {
        HttpResponse<String> first = get("/metrics");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        double before = PrometheusText.parse(first.body()).get("traffic_flows_total")
                .value("traffic_flows_total", Map.of("outcome", "ok"));
        metrics.flowEnded(ProxyMetrics.Outcome.OK);
        metrics.bytesUpstreamToClient(42);
        Map<String, PrometheusText.Family> after = PrometheusText.parse(get("/metrics").body());
        assertThat(after.get("traffic_flows_total").value("traffic_flows_total", Map.of("outcome", "ok"))).isEqualTo(before + 1);
        assertThat(after.get("traffic_bytes_total").value("traffic_bytes_total", Map.of("direction", "upstream_to_client"))).isEqualTo(42);
        assertThat(after).containsKey("jvm_memory_used_bytes");
    }

    @Test
    void unknownPathsAndMethodsAreRefused() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/metricsx").statusCode()).isEqualTo(404);
        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/healthz")).POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        HttpResponse<String> head = send(HttpRequest.newBuilder(uri("/metrics")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }
}
