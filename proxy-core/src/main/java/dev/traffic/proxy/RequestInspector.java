package dev.traffic.proxy;

import dev.traffic.model.FlowRequest;
import dev.traffic.model.WsMessage;
import java.util.concurrent.CompletionStage;

/**
 * Inline inspection seam (detect plugs in here). When configured, the proxy holds each request's
 * head and up to {@code ProxyConfig.scanWindow} bytes of its body, calls {@link #inspect}, and only
 * then forwards the request (or answers 403 when the result blocks, 503 when it fails). Responses
 * never wait on it. Requests whose head plus held body fit {@code ProxyConfig.inlineInspectionLimit}
 * (16 KiB by default) are inspected right on the Netty event loop, which is cheaper than two thread
 * hops for a small scan; larger windows run on the proxy's inspection executor.
 *
 * <p>The {@link FlowRequest} passed in carries the client's headers and, as its body, the first
 * bytes of the request body ({@code body().recorded()}); {@code body().truncated()} is true when the
 * body went on beyond the window (the rest is forwarded unscanned and the flow is marked so).
 * Implementations must be thread-safe and must not block on small requests (an inspector that
 * needs I/O returns an incomplete stage, or the proxy is configured with an inline limit of 0).
 *
 * <p>The proxy calls the three-argument {@link #inspect(FlowRequest, String, String)}, which names
 * the recording session and the flow (for alerts an operator can follow with {@code traffic show});
 * its default delegates to the one-argument form, so a lambda still works.
 *
 * <p>WebSocket: when {@link #inspectsMessages()} is true, each client-to-server data message of an
 * upgraded flow is held (up to the scan window) until {@link #inspectMessage} has looked at it.
 */
@FunctionalInterface
public interface RequestInspector {
    CompletionStage<Inspection> inspect(FlowRequest request);

    /** {@link #inspect(FlowRequest)} knowing the recording session and the flow id. */
    default CompletionStage<Inspection> inspect(FlowRequest request, String session, String flowId) {
        return inspect(request);
    }

    /** Whether {@link #inspectMessage} is implemented; when false, WebSocket messages are relayed unheld. */
    default boolean inspectsMessages() {
        return false;
    }

    /**
     * A complete client-to-server WebSocket message (payload unmasked, the first scan-window bytes;
     * {@code truncated} when it was longer) of the flow whose upgrade request was {@code head}.
     * Called on the event loop for small messages and on the inspection executor for large ones, so
     * it must not block on I/O. Blocking closes the WebSocket with 1008 and drops the message.
     */
    default MessageInspection inspectMessage(FlowRequest head, WsMessage message, String session, String flowId) {
        return MessageInspection.CLEAN;
    }
}
