package dev.traffic.proxy;

import dev.traffic.store.model.FlowRequest;
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
 */
@FunctionalInterface
public interface RequestInspector {
    CompletionStage<Inspection> inspect(FlowRequest request);
}
