package dev.traffic.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Body;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.Severity;
import dev.traffic.model.TunnelInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping from the proxy's events to metrics: outcomes, bytes, latency, findings, block reasons. */
class MetricsEventsTest {
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final MetricsEvents events = new MetricsEvents(metrics);
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private static FlowRequest request(long bodySize) {
        return new FlowRequest("POST", "https", "api.example", 443, "/", null, "HTTP/1.1", List.of(),
                new Body(bodySize, Body.EMPTY_SHA256, null, false), null, T0.plusMillis(10));
    }

    private static FlowResponse response(int status, long bodySize) {
        return new FlowResponse(status, "x", "HTTP/1.1", List.of(), new Body(bodySize, Body.EMPTY_SHA256, null, false),
                null, T0.plusMillis(130), T0.plusMillis(140));
    }

    private double value(String family, Map<String, String> labels) {
        return PrometheusText.parse(metrics.scrape()).get(family).value(family, labels);
    }

    @Test
    void flowsAreCountedByOutcomeWithTheirBytesLatencyAndFindings() {
        events.flowEnded(Flow.builder().kind(FlowKind.HTTP).request(request(100)).response(response(200, 5000))
                .findings(List.of(new Finding("r", "f", Severity.HIGH, "header", "api.example", "fp", null, null)))
                .build());
        events.flowEnded(Flow.builder().kind(FlowKind.HTTP).request(request(0)).response(response(502, 0))
                .error("connection refused api.example:443").build());
        events.flowEnded(Flow.builder().kind(FlowKind.HTTP).request(request(0)).response(response(403, 0))
                .policy(new PolicyDecision(PolicyDecision.Action.BLOCK, "deny *.example")).build());
        events.flowEnded(Flow.builder().kind(FlowKind.HTTP).request(request(0)).error("client closed").build());
        events.flowEnded(Flow.builder().kind(FlowKind.TUNNEL).tunnel(new TunnelInfo(7, 9, true)).build());

        assertThat(value("traffic_flows_total", Map.of("outcome", "ok"))).isEqualTo(2);
        assertThat(value("traffic_flows_total", Map.of("outcome", "upstream_error"))).isEqualTo(1);
        assertThat(value("traffic_flows_total", Map.of("outcome", "blocked"))).isEqualTo(1);
        assertThat(value("traffic_flows_total", Map.of("outcome", "aborted"))).isEqualTo(1);
        assertThat(value("traffic_bytes_total", Map.of("direction", "client_to_upstream"))).isEqualTo(107);
        assertThat(value("traffic_bytes_total", Map.of("direction", "upstream_to_client"))).isEqualTo(5009);
        assertThat(value("traffic_findings_total", Map.of("severity", "high"))).isEqualTo(1);
        var req = PrometheusText.parse(metrics.scrape()).get("traffic_upstream_request_seconds");
        assertThat(req.value("traffic_upstream_request_seconds_count", Map.of())).isEqualTo(3);
        assertThat(req.value("traffic_upstream_request_seconds_bucket", Map.of("le", "0.1"))).isZero();
        assertThat(req.value("traffic_upstream_request_seconds_bucket", Map.of("le", "0.25"))).isEqualTo(3);
    }

    @Test
    void onlyRefusalsWith403CountAsBlocked() {
        events.requestRefused(403, "denied by policy: link-local address 169.254.169.254 (169.254.169.254); use --allow-link-local to permit");
        events.requestRefused(403, "denied by policy: the proxy's own port 8081 (127.0.0.1)");
        events.requestRefused(403, "denied by policy: deny:*.evil (x.evil)");
        events.requestRefused(403, "blocked by policy rule aws-key (flow 01H)");
        events.requestRefused(502, "connection refused api.example:443");
        events.requestRefused(400, "bad request line");
        for (String r : List.of("link_local", "self", "policy", "detection")) {
            assertThat(value("traffic_blocked_requests_total", Map.of("reason", r))).as(r).isEqualTo(1);
        }
    }

    @Test
    void connectionsAndHandshakes() {
        events.clientConnectionOpened();
        events.clientConnectionOpened();
        events.clientConnectionClosed();
        events.upstreamConnected("api.example", 443, true, 3_000_000);
        events.recordingBackpressure();
        assertThat(value("traffic_connections_active", Map.of())).isEqualTo(1);
        assertThat(value("traffic_store_backpressure_total", Map.of())).isEqualTo(1);
        var hs = PrometheusText.parse(metrics.scrape()).get("traffic_upstream_handshake_seconds");
        assertThat(hs.value("traffic_upstream_handshake_seconds_bucket", Map.of("le", "0.005"))).isEqualTo(1);
    }
}
