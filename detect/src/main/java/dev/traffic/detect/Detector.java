package dev.traffic.detect;

import dev.traffic.detect.internal.Engine;
import dev.traffic.detect.internal.RequestScan;
import dev.traffic.detect.internal.RequestWalker;
import dev.traffic.detect.internal.Segment;
import dev.traffic.model.Finding;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.WsMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The exfiltration detector: a pure, thread-safe function from a request (plus its session
 * context) to findings. Built once per policy; every call allocates only its own scan state, does
 * no I/O and touches shared state only through the bounded {@link SessionState}. Callers own the
 * request and its body bytes; the detector only reads them.
 */
public final class Detector {
    private final Engine engine;

    public Detector(Policy policy) {
        this.engine = Engine.compile(policy);
    }

    public Policy policy() {
        return engine.policy();
    }

    public List<Finding> scan(FlowRequest request, ScanContext ctx) {
        return inspect(request, ctx).findings();
    }

    /** Findings plus the redaction map for {@link Redactor}. */
    public ScanResult inspect(FlowRequest request, ScanContext ctx) {
        String host = request.host() == null ? "" : request.host().toLowerCase(Locale.ROOT);
        RequestScan rs = engine.begin(host, request.path(), ctx.session(), ctx.state());
        RequestWalker.walk(rs, request, ctx.scanWindow());
        rs.finish();
        return new ScanResult(rs.findings(), rs.redactions());
    }

    /**
     * Offline first pass: records the request's pieces of known secrets (and DNS-label domains) in
     * the session state without reporting, so that a second pass over the same session also flags
     * the first pieces of a secret split across requests, which inline scanning cannot know yet.
     */
    public void prime(FlowRequest request, ScanContext ctx) {
        if (ctx.session() == null || ctx.state() == null) return;
        String host = request.host() == null ? "" : request.host().toLowerCase(Locale.ROOT);
        RequestScan rs = engine.begin(host, request.path(), ctx.session(), ctx.state());
        rs.priming(true);
        RequestWalker.walk(rs, request, ctx.scanWindow());
    }

    /** A client-to-server WebSocket message on a connection to {@code host}. */
    public ScanResult inspectMessage(String host, String path, WsMessage message, ScanContext ctx) {
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        RequestScan rs = engine.begin(h, path, ctx.session(), ctx.state());
        byte[] p = message.payload();
        int n = Math.min(p.length, ctx.scanWindow());
        String text = new String(p, 0, n, StandardCharsets.ISO_8859_1);
        rs.scan(new Segment(text, "ws", "plain", 0, text.length() <= 512, null));
        return new ScanResult(rs.findings(), rs.redactions());
    }
}
