package dev.traffic.proxy.admin;

import dev.traffic.proxy.ProxyEvents;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.PolicyDecision;
import java.time.Duration;

/**
 * Turns the proxy's {@link ProxyEvents} into {@link ProxyMetrics} calls. Runs on Netty event loops:
 * only counter increments here, no allocation beyond what Micrometer does, no blocking.
 */
public final class MetricsEvents implements ProxyEvents {
    private final ProxyMetrics metrics;

    public MetricsEvents(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void clientConnectionOpened() {
        metrics.connectionOpened();
    }

    @Override
    public void clientConnectionClosed() {
        metrics.connectionClosed();
    }

    @Override
    public void upstreamConnected(String host, int port, boolean tls, long handshakeNanos) {
        metrics.upstreamHandshake(handshakeNanos);
    }

    @Override
    public void recordingBackpressure() {
        metrics.sinkBackpressure();
    }

    @Override
    public void requestRefused(int status, String reason) {
        if (status != 403) return; // 4xx/5xx for bad input or upstream failures are flow outcomes, not blocks
        metrics.blocked(blockReason(reason));
    }

    @Override
    public void flowEnded(Flow f) {
        metrics.flowEnded(outcome(f));
        if (f.tunnel() != null) {
            metrics.bytesClientToUpstream(f.tunnel().bytesUp());
            metrics.bytesUpstreamToClient(f.tunnel().bytesDown());
        }
        if (f.request() != null && f.request().body() != null) metrics.bytesClientToUpstream(f.request().body().size());
        if (f.response() != null && f.response().body() != null) metrics.bytesUpstreamToClient(f.response().body().size());
        if (f.request() != null && f.request().end() != null && f.response() != null && f.response().start() != null) {
            long nanos = Duration.between(f.request().end(), f.response().start()).toNanos();
            if (nanos >= 0) metrics.upstreamRequest(nanos);
        }
        for (Finding finding : f.findings()) {
            if (finding.severity() != null) metrics.finding(finding.severity());
        }
    }

    static ProxyMetrics.Outcome outcome(Flow f) {
        if (f.policy() != null && f.policy().action() == PolicyDecision.Action.BLOCK) return ProxyMetrics.Outcome.BLOCKED;
        if (f.error() == null) return ProxyMetrics.Outcome.OK;
        if (f.response() == null) return ProxyMetrics.Outcome.ABORTED;
        return f.response().status() >= 500 ? ProxyMetrics.Outcome.UPSTREAM_ERROR : ProxyMetrics.Outcome.CLIENT_ERROR;
    }

    /** The proxy reports refusals as text (PolicyGate's messages); map them to the few reasons we count. */
    static ProxyMetrics.BlockReason blockReason(String reason) {
        String r = reason == null ? "" : reason;
        if (r.contains("link-local")) return ProxyMetrics.BlockReason.LINK_LOCAL;
        if (r.contains("own port")) return ProxyMetrics.BlockReason.SELF;
        if (r.startsWith("blocked by policy rule")) return ProxyMetrics.BlockReason.DETECTION;
        return ProxyMetrics.BlockReason.POLICY;
    }
}
