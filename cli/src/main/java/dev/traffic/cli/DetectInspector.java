package dev.traffic.cli;

import dev.traffic.detect.Alerter;
import dev.traffic.detect.Detector;
import dev.traffic.detect.Redactor;
import dev.traffic.detect.ScanContext;
import dev.traffic.detect.ScanResult;
import dev.traffic.detect.SessionState;
import dev.traffic.proxy.Inspection;
import dev.traffic.proxy.MessageInspection;
import dev.traffic.proxy.RequestInspector;
import dev.traffic.model.Finding;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Severity;
import dev.traffic.model.WsMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts the {@link Detector} to the proxy's {@link RequestInspector} seam: runs on the event loop
 * (small requests and WebSocket messages) or the proxy's inspection executor, never blocks; returns
 * findings, whether to block, and the redacted request or message to record. Findings at or above
 * {@code threshold} alert (queued, non-blocking, naming the flow id) and, in block mode, block.
 * Split-secret tracking and alert de-duplication key on the recording session the proxy names (one
 * proxy process records one store session). A detector failure never fails the request: it is
 * recorded as a low finding.
 */
final class DetectInspector implements RequestInspector {
    private static final Logger LOG = LoggerFactory.getLogger(DetectInspector.class);

    private final Detector detector;
    private final SessionState sessions = new SessionState();
    private final String defaultSession;
    private final int window;
    private final boolean block;
    private final boolean redact;
    private final Severity threshold;
    private final Alerter alerter;

    DetectInspector(Detector detector, String defaultSession, int window, boolean block, boolean redact, Severity threshold,
            Alerter alerter) {
        this.detector = detector;
        this.defaultSession = defaultSession;
        this.window = window;
        this.block = block;
        this.redact = redact;
        this.threshold = threshold;
        this.alerter = alerter;
    }

    @Override
    public CompletionStage<Inspection> inspect(FlowRequest request) {
        return inspect(request, null, null);
    }

    @Override
    public CompletionStage<Inspection> inspect(FlowRequest request, String session, String flowId) {
        String s = session == null ? defaultSession : session;
        ScanResult r;
        try {
            r = detector.inspect(request, new ScanContext(s, sessions, window));
        } catch (RuntimeException e) {
            LOG.warn("detector failed on a request to {}: {}", request.host(), e.toString());
            return CompletableFuture.completedFuture(new Inspection(List.of(failure(request.host(), e)), false, null, null));
        }
        if (r.findings().isEmpty() && r.redactions().isEmpty()) return CompletableFuture.completedFuture(Inspection.CLEAN);
        List<Finding> serious = serious(r, s, flowId);
        boolean blocks = block && !serious.isEmpty();
        FlowRequest redacted = redact && !r.redactions().isEmpty() ? Redactor.redact(request, r) : null;
        return CompletableFuture.completedFuture(
                new Inspection(r.findings(), blocks, blocks ? serious.get(0).rule() : null, redacted));
    }

    @Override
    public boolean inspectsMessages() {
        return true;
    }

    @Override
    public MessageInspection inspectMessage(FlowRequest head, WsMessage message, String session, String flowId) {
        String s = session == null ? defaultSession : session;
        ScanResult r;
        try {
            r = detector.inspectMessage(head.host(), head.path(), message, new ScanContext(s, sessions, window));
        } catch (RuntimeException e) {
            LOG.warn("detector failed on a WebSocket message to {}: {}", head.host(), e.toString());
            return new MessageInspection(List.of(failure(head.host(), e)), false, null, null);
        }
        if (r.findings().isEmpty() && r.redactions().isEmpty()) return MessageInspection.CLEAN;
        List<Finding> serious = serious(r, s, flowId);
        boolean blocks = block && !serious.isEmpty();
        byte[] redacted = redact && !r.redactions().isEmpty() ? Redactor.redact(message.payload(), r) : null;
        return new MessageInspection(r.findings(), blocks, blocks ? serious.get(0).rule() : null, redacted);
    }

    /** Findings at or above the threshold, most severe first; each alerts (once per session and fingerprint). */
    private List<Finding> serious(ScanResult r, String session, String flowId) {
        List<Finding> serious = new ArrayList<>();
        for (Finding f : r.findings()) if (f.severity().atLeast(threshold)) serious.add(f);
        serious.sort((a, b) -> b.severity().compareTo(a.severity()));
        if (alerter != null) for (Finding f : serious) alerter.alert(session, flowId, f);
        return serious;
    }

    private static Finding failure(String host, RuntimeException e) {
        return new Finding("detector-error", "generic", Severity.LOW, "request", host, "", "plain", e.getClass().getSimpleName());
    }
}
