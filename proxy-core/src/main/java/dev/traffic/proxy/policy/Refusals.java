package dev.traffic.proxy.policy;

import dev.traffic.model.FlowKind;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.PolicyDecision;
import dev.traffic.proxy.record.FlowRecorder;
import dev.traffic.proxy.server.ProxyContext;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The one place a refused request is recorded: the policy decision (or, without one, the error),
 * the response the proxy answers with, and the {@code requestRefused} event. Callers answer the
 * client themselves (an HTTP response through the codec, or raw bytes after CONNECT) with the
 * response built by {@link ErrorResponses} or {@link RefusalResponses}.
 */
public final class Refusals {
    private Refusals() {}

    /**
     * Records the refusal on {@code rec}. {@code body} (the answer's body, not consumed: its
     * readable bytes are copied) may be null.
     */
    public static void record(ProxyContext px, FlowRecorder rec, int status, String message, PolicyDecision decision,
                              HttpHeaders responseHeaders, ByteBuf body) {
        if (decision != null) rec.policy(decision);
        if (status >= 500 || decision == null) rec.error(message);
        rec.response(status, HttpResponseStatus.valueOf(status).reasonPhrase(), "HTTP/1.1", responseHeaders);
        if (body != null) rec.responseBody().add(body);
        rec.responseEnd(null);
        px.config().events().requestRefused(status, message);
    }

    /** A request refused before any exchange existed (a bad head, a refused CONNECT): its own flow, recorded and finished. */
    public static void recordAlone(ProxyContext px, String client, FlowRequest head, int status, String message,
                                   PolicyDecision decision, HttpHeaders responseHeaders) {
        FlowRecorder rec = new FlowRecorder(px, client, FlowKind.HTTP);
        rec.startRefused(head);
        record(px, rec, status, message, decision, responseHeaders, null);
        rec.finish();
    }
}
