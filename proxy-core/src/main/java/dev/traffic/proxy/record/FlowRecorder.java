package dev.traffic.proxy.record;

import dev.traffic.proxy.server.ProxyContext;

import dev.traffic.proxy.stage.StageChain;
import dev.traffic.stage.StageInput;
import dev.traffic.model.Body;
import dev.traffic.model.Decision;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.Severity;
import dev.traffic.model.TlsInfo;
import dev.traffic.model.TunnelInfo;
import dev.traffic.model.WsMessage;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the events of one exchange (or tunnel) into {@code FlowSink} calls: {@code started} with
 * the request head as soon as it is known (write-ahead), {@code ended} exactly once with everything.
 * Bodies are teed through {@link BodyTap}s. Event-loop confined; holds no Netty buffers.
 */
public final class FlowRecorder {
    private static final Logger log = LoggerFactory.getLogger(FlowRecorder.class);

    private final ProxyContext px;
    private final String client;
    private final Flow.Builder flow;
    private final String id = dev.traffic.model.FlowId.next();
    private final BodyTap requestBody;
    private final BodyTap responseBody;
    private FlowRequest request;
    private FlowRequest redacted;
    private Instant requestEnd;
    private List<Header> requestTrailers = List.of();
    private int status;
    private String reason;
    private String responseVersion;
    private List<Header> responseHeaders;
    private List<Header> responseTrailers = List.of();
    private Instant responseStart;
    private Instant responseEnd;
    private final List<Finding> findings = new ArrayList<>();
    private final List<WsMessage> messages = new ArrayList<>();
    private final List<Decision> decisions = new ArrayList<>(0);
    private final List<String> credentials = new ArrayList<>(0);
    private String error;
    private boolean started;
    private boolean announcePending;
    /** Recorded while an inspector is configured but not (yet) inspected: scanned at {@link #finish}. */
    private boolean unscanned;
    private boolean withhold;
    private boolean ended;

    public FlowRecorder(ProxyContext px, String client, FlowKind kind) {
        this.px = px;
        this.client = client;
        int cap = px.config().maxBodyRecord();
        this.requestBody = new BodyTap(cap);
        this.responseBody = new BodyTap(cap);
        this.flow = Flow.builder().session(px.config().session()).client(client).kind(kind).start(Instant.now());
        this.flow.id(id);
    }

    public String id() {
        return id;
    }

    /** Records the request head and hands the flow to the sink (write-ahead). */
    public void start(FlowRequest head) {
        this.request = head;
        flow.request(head);
        started = true;
        try {
            px.config().sink().started(flow.build());
        } catch (RuntimeException e) {
            log.warn("flow sink failed on started(): {}", e.toString());
        }
    }

    /**
     * Like {@link #start} but holds the write-ahead record back until {@link #announce}: with inline
     * inspection the head may carry secrets that redaction must replace before anything reaches the
     * store. When the flow finishes without an announce, the sink sees only its end.
     */
    public void startHeld(FlowRequest head) {
        this.request = head;
        flow.request(head);
        started = true;
        announcePending = true;
        unscanned = px.stages().hasInspection();
    }

    /**
     * Start for a request the proxy answers itself before (or without) inline inspection: policy
     * denials, bad requests. With an inspector configured nothing is written ahead, and
     * {@link #finish} runs the inspector over what was recorded so the store gets the same
     * redaction and findings as for a forwarded request; without one it is {@link #start}.
     */
    public void startRefused(FlowRequest head) {
        if (px.stages().hasInspection()) startHeld(head);
        else start(head);
    }

    /**
     * The request stages failed before they said what to record: nothing of the request that could
     * hold a secret is recorded (the stages are not asked again).
     */
    public void withholdUnscanned() {
        withhold = unscanned;
        unscanned = false;
    }

    /** The inline inspection's result: its findings, and the redacted request to record (or null). */
    public void inspected(List<Finding> f, FlowRequest redactedRequest) {
        unscanned = false;
        findings.addAll(f);
        if (redactedRequest != null) redacted = redactedRequest;
    }

    /** Sends the held write-ahead record showing {@code shown} (the redacted head) as the request. */
    public void announce(FlowRequest shown) {
        if (!announcePending || ended) return;
        announcePending = false;
        flow.request(shown);
        try {
            px.config().sink().started(flow.build());
        } catch (RuntimeException e) {
            log.warn("flow sink failed on started(): {}", e.toString());
        } finally {
            flow.request(request);
        }
    }

    /** The request head as recorded at start (the WebSocket upgrade request of a WebSocket flow). */
    public FlowRequest request() {
        return request;
    }

    public boolean startedRecording() {
        return started;
    }

    public BodyTap requestBody() { return requestBody; }
    public BodyTap responseBody() { return responseBody; }

    public void requestEnd(HttpHeaders trailers) {
        requestEnd = Instant.now();
        requestTrailers = headers(trailers);
    }

    public void response(int status, String reason, String version, HttpHeaders headers) {
        this.status = status;
        this.reason = reason;
        this.responseVersion = version;
        this.responseHeaders = headers(headers);
        this.responseStart = Instant.now();
    }

    public void responseEnd(HttpHeaders trailers) {
        responseEnd = Instant.now();
        responseTrailers = headers(trailers);
    }

    public boolean hasResponse() {
        return responseHeaders != null;
    }

    public void tls(TlsInfo tls) { flow.tls(tls); }
    /** Changes the kind (an HTTP exchange that became a WebSocket after 101). */
    public void kind(FlowKind k) { flow.kind(k); }
    /** Adds one WebSocket message (in arrival order). */
    public void message(WsMessage m) { messages.add(m); }
    public void policy(PolicyDecision p) { flow.policy(p); }
    public void tunnel(TunnelInfo t) { flow.tunnel(t); }
    public void findings(List<Finding> f) { findings.addAll(f); }
    /** Adds lines to the flow's decision trace (the request stages', in order). */
    public void decisions(List<Decision> d) { decisions.addAll(d); }
    /** Adds the names of brokered credentials injected into the request (never values). */
    public void credentials(List<String> c) { credentials.addAll(c); }

    /** Keeps the first error: later ones are usually consequences. */
    public void error(String message) {
        if (error == null) error = message;
    }

    public String error() {
        return error;
    }

    /** Marks that only the first {@code window} bytes of a larger request body were inspected. */
    public void scanWindowExceeded(int window) {
        findings.add(new Finding("scan-window-exceeded", "scan", Severity.LOW, "body", request == null ? null : request.host(),
                null, null, "only the first " + window + " bytes of the request body were inspected"));
    }

    /** Completes the flow and hands it to the sink; idempotent. */
    public Flow finish() {
        if (ended) return null;
        ended = true;
        Instant now = Instant.now();
        if (request != null) {
            Body body = requestBody.finish();
            if (unscanned) scanBeforeRecording(body);
            else if (withhold) withheld(body);
            FlowRequest r = redacted != null ? redacted : request;
            if (redacted != null && redacted.body() != null && redacted.body().size() > 0) {
                body = new Body(body.size(), body.sha256(), redacted.body().recorded(), body.truncated());
            }
            flow.request(new FlowRequest(r.method(), r.scheme(), r.host(), r.port(), r.path(), r.query(),
                    r.httpVersion(), r.headers(), body, requestTrailers, requestEnd, r.userinfo()));
        }
        if (responseHeaders != null) {
            flow.response(new FlowResponse(status, reason, responseVersion, responseHeaders, responseBody.finish(),
                    responseTrailers, responseStart, responseEnd == null ? now : responseEnd));
        }
        if (!messages.isEmpty()) flow.messages(messages);
        flow.findings(findings).error(error).end(now);
        if (!decisions.isEmpty()) flow.decisions(decisions);
        if (!credentials.isEmpty()) flow.credentials(credentials);
        Flow f = flow.build();
        try {
            px.config().sink().ended(f);
        } catch (RuntimeException e) {
            log.warn("flow sink failed on ended(): {}", e.toString());
        }
        px.config().events().flowEnded(f);
        return f;
    }

    /**
     * A request that was never inspected inline (refused first, or its client left before the
     * scan): the INSPECTION stages see it now ({@link StageChain#recordOnly}), only to decide what
     * the store may hold; nothing is forwarded. When they cannot answer at once, header values,
     * query, userinfo and body bytes are withheld rather than recorded raw.
     */
    private void scanBeforeRecording(Body body) {
        unscanned = false;
        StageChain.Recorded r = null;
        try {
            FlowRequest seen = request.headers() == null ? request.withHeaders(List.of()) : request; // unparsable heads have none
            r = px.stages().recordOnly(new StageInput(seen.withBody(body), client, px.config().session(), id));
        } catch (RuntimeException e) {
            log.warn("inspection of a refused request failed: {}", e.toString());
        }
        if (r != null) {
            findings.addAll(r.findings());
            if (r.record() != null) redacted = r.record();
            return;
        }
        withheld(body);
    }

    private void withheld(Body body) {
        String gone = "[REDACTED:unscanned]";
        List<Header> hs = new ArrayList<>();
        if (request.headers() != null) for (Header h : request.headers()) hs.add(new Header(h.name(), gone));
        redacted = new FlowRequest(request.method(), request.scheme(), request.host(), request.port(), request.path(),
                request.query() == null ? null : gone, request.httpVersion(), hs,
                new Body(body.size(), body.sha256(), new byte[0], body.size() > 0), null, null,
                request.userinfo() == null ? null : gone);
        findings.add(new Finding("unscanned-withheld", "scan", Severity.LOW, "request", request.host(), null, null,
                "could not be inspected; header values, query, userinfo and body were not recorded"));
    }

    /** Headers in wire order, duplicates kept; the proxy credential is never recorded. */
    public static List<Header> headers(HttpHeaders h) {
        if (h == null || h.isEmpty()) return List.of();
        List<Header> out = new ArrayList<>(h.size());
        for (Map.Entry<String, String> e : h) {
            String v = e.getKey().equalsIgnoreCase("proxy-authorization") ? "[REDACTED]" : e.getValue();
            out.add(new Header(e.getKey(), v));
        }
        return out;
    }
}
