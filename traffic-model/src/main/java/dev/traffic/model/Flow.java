package dev.traffic.model;

import java.time.Instant;
import java.util.List;

/**
 * One recorded flow: an HTTP exchange, a WebSocket session or an opaque tunnel. Immutable; change
 * it with {@link #toBuilder()}. {@code seq} is assigned by the store when the flow is appended
 * (0 before that). {@code response} is null when none arrived; {@code error} says why.
 */
public record Flow(
        String id,
        long seq,
        String session,
        FlowKind kind,
        String client,
        Instant start,
        Instant end,
        FlowRequest request,
        FlowResponse response,
        TlsInfo tls,
        List<WsMessage> messages,
        TunnelInfo tunnel,
        PolicyDecision policy,
        List<Finding> findings,
        String error,
        List<Decision> decisions,
        List<String> credentials) {
    public Flow {
        messages = messages == null ? List.of() : List.copyOf(messages);
        findings = findings == null ? List.of() : List.copyOf(findings);
        decisions = decisions == null ? List.of() : List.copyOf(decisions);
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
        if (policy == null) policy = PolicyDecision.ALLOWED;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id; b.seq = seq; b.session = session; b.kind = kind; b.client = client; b.start = start;
        b.end = end; b.request = request; b.response = response; b.tls = tls; b.messages = messages;
        b.tunnel = tunnel; b.policy = policy; b.findings = findings; b.error = error;
        b.decisions = decisions; b.credentials = credentials;
        return b;
    }

    public Flow withSeq(long s) {
        return toBuilder().seq(s).build();
    }

    /**
     * The flow's absolute URL (see {@link FlowRequest#url()}); a flow that never got a request (a
     * failed client handshake) is {@code https://SNI/}, or {@code https://invalid/} without SNI.
     */
    public String url() {
        if (request != null) return request.url();
        String sni = tls == null ? null : tls.sni();
        return new FlowRequest("CONNECT", "https", sni, 443, null, null, null, null, null, null, null).url();
    }

    /** Highest finding severity, or null when there are none. */
    public Severity maxSeverity() {
        Severity max = null;
        for (Finding f : findings) if (max == null || f.severity().compareTo(max) > 0) max = f.severity();
        return max;
    }

    /** Fluent builder; {@code id} defaults to a new {@link FlowId}, {@code kind} to HTTP. */
    public static final class Builder {
        private String id;
        private long seq;
        private String session;
        private FlowKind kind = FlowKind.HTTP;
        private String client;
        private Instant start;
        private Instant end;
        private FlowRequest request;
        private FlowResponse response;
        private TlsInfo tls;
        private List<WsMessage> messages = List.of();
        private TunnelInfo tunnel;
        private PolicyDecision policy = PolicyDecision.ALLOWED;
        private List<Finding> findings = List.of();
        private String error;
        private List<Decision> decisions = List.of();
        private List<String> credentials = List.of();

        public Builder id(String v) { id = v; return this; }
        public Builder seq(long v) { seq = v; return this; }
        public Builder session(String v) { session = v; return this; }
        public Builder kind(FlowKind v) { kind = v; return this; }
        public Builder client(String v) { client = v; return this; }
        public Builder start(Instant v) { start = v; return this; }
        public Builder end(Instant v) { end = v; return this; }
        public Builder request(FlowRequest v) { request = v; return this; }
        public Builder response(FlowResponse v) { response = v; return this; }
        public Builder tls(TlsInfo v) { tls = v; return this; }
        public Builder messages(List<WsMessage> v) { messages = v; return this; }
        public Builder tunnel(TunnelInfo v) { tunnel = v; return this; }
        public Builder policy(PolicyDecision v) { policy = v; return this; }
        public Builder findings(List<Finding> v) { findings = v; return this; }
        public Builder error(String v) { error = v; return this; }
        /** The decision trace: every stage and rule that decided on this flow, in order. */
        public Builder decisions(List<Decision> v) { decisions = v; return this; }
        /** Names of the brokered credentials injected into this flow's request (never their values). */
        public Builder credentials(List<String> v) { credentials = v; return this; }

        public Flow build() {
            return new Flow(id == null ? FlowId.next() : id, seq, session, kind, client,
                    start == null ? Instant.now() : start, end, request, response, tls, messages, tunnel,
                    policy, findings, error, decisions, credentials);
        }
    }
}
