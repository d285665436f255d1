package dev.traffic.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.traffic.model.Severity;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {
    private final ProxyMetrics metrics = new ProxyMetrics();

    @Test
    void everyMetricTheIssueListsIsExposedAndParses() {
        Map<String, PrometheusText.Family> f = PrometheusText.parse(metrics.scrape());
        assertThat(f).containsKeys("traffic_flows_total", "traffic_connections_active", "traffic_connections_total",
                "traffic_bytes_total", "traffic_upstream_handshake_seconds", "traffic_upstream_request_seconds",
                "traffic_cert_cache_total", "traffic_store_queue_depth", "traffic_store_fsync_seconds",
                "traffic_findings_total", "traffic_blocked_requests_total", "traffic_store_backpressure_total");
        assertThat(f.get("traffic_flows_total").type()).isEqualTo("counter");
        assertThat(f.get("traffic_upstream_handshake_seconds").type()).isEqualTo("histogram");
        assertThat(f.get("traffic_connections_active").type()).isEqualTo("gauge");
        // every outcome is present from the start, so rate() works before the first error
        assertThat(f.get("traffic_flows_total").samples()).hasSize(ProxyMetrics.Outcome.values().length);
    }

    @Test
    void countersMoveWithEvents() {
        metrics.flowEnded(ProxyMetrics.Outcome.OK);
        metrics.flowEnded(ProxyMetrics.Outcome.OK);
        metrics.flowEnded(ProxyMetrics.Outcome.UPSTREAM_ERROR);
        metrics.blocked(ProxyMetrics.BlockReason.LINK_LOCAL);
        metrics.finding(Severity.CRITICAL);
        metrics.connectionOpened();
        metrics.connectionOpened();
        metrics.connectionClosed();
        metrics.bytesClientToUpstream(1000);
        metrics.bytesUpstreamToClient(250_000);
        metrics.certCache(() -> 5, () -> 2);
        metrics.storeQueueDepth(() -> 7);
        metrics.storeFsync(TimeUnit.MILLISECONDS.toNanos(3));
        metrics.upstreamHandshake(TimeUnit.MILLISECONDS.toNanos(40));
        metrics.upstreamRequest(TimeUnit.MILLISECONDS.toNanos(120));
        metrics.upstreamRequest(TimeUnit.SECONDS.toNanos(3));
        metrics.sinkBackpressure();

        Map<String, PrometheusText.Family> f = PrometheusText.parse(metrics.scrape());
        assertThat(f.get("traffic_flows_total").value("traffic_flows_total", Map.of("outcome", "ok"))).isEqualTo(2);
        assertThat(f.get("traffic_flows_total").value("traffic_flows_total", Map.of("outcome", "upstream_error"))).isEqualTo(1);
        assertThat(f.get("traffic_flows_total").value("traffic_flows_total", Map.of("outcome", "blocked"))).isZero();
        assertThat(f.get("traffic_blocked_requests_total").value("traffic_blocked_requests_total", Map.of("reason", "link_local"))).isEqualTo(1);
        assertThat(f.get("traffic_findings_total").value("traffic_findings_total", Map.of("severity", "critical"))).isEqualTo(1);
        assertThat(f.get("traffic_connections_active").value("traffic_connections_active", Map.of())).isEqualTo(1);
        assertThat(f.get("traffic_connections_total").value("traffic_connections_total", Map.of())).isEqualTo(2);
        assertThat(f.get("traffic_bytes_total").value("traffic_bytes_total", Map.of("direction", "client_to_upstream"))).isEqualTo(1000);
        assertThat(f.get("traffic_bytes_total").value("traffic_bytes_total", Map.of("direction", "upstream_to_client"))).isEqualTo(250_000);
        assertThat(f.get("traffic_cert_cache_total").value("traffic_cert_cache_total", Map.of("result", "miss"))).isEqualTo(2);
        assertThat(f.get("traffic_cert_cache_total").value("traffic_cert_cache_total", Map.of("result", "hit"))).isEqualTo(5);
        assertThat(f.get("traffic_store_queue_depth").value("traffic_store_queue_depth", Map.of())).isEqualTo(7);
        assertThat(f.get("traffic_store_backpressure_total").value("traffic_store_backpressure_total", Map.of())).isEqualTo(1);

        PrometheusText.Family req = f.get("traffic_upstream_request_seconds");
        assertThat(req.value("traffic_upstream_request_seconds_count", Map.of())).isEqualTo(2);
        assertThat(req.value("traffic_upstream_request_seconds_sum", Map.of())).isCloseTo(3.12, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(req.value("traffic_upstream_request_seconds_bucket", Map.of("le", "0.25"))).isEqualTo(1);
        assertThat(req.value("traffic_upstream_request_seconds_bucket", Map.of("le", "5.0"))).isEqualTo(2);
        PrometheusText.Family hs = f.get("traffic_upstream_handshake_seconds");
        assertThat(hs.value("traffic_upstream_handshake_seconds_bucket", Map.of("le", "0.025"))).isZero();
        assertThat(hs.value("traffic_upstream_handshake_seconds_bucket", Map.of("le", "0.05"))).isEqualTo(1);
    }

    @Test
    void theParserRejectsMalformedText() {
        // the parse checks above are only worth something if the parser can say no
        assertThatThrownBy(() -> PrometheusText.parse("x_total 1\n")).hasMessageContaining("no preceding TYPE");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x counter\nx{a=\"b} 1\n")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x counter\nx 1 2 3\n")).hasMessageContaining("garbage");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x counter\nx one\n")).hasMessageContaining("bad value");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx 1\nx 2\n")).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE h histogram\nh_bucket{le=\"1.0\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\n"))
                .hasMessageContaining("cumulative");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx 1")).hasMessageContaining("lacks");
    }
}
