package dev.traffic.proxy;

import dev.traffic.store.model.FlowRequest;
import java.util.concurrent.CompletionStage;

/**
 * Inline inspection seam (detect plugs in here). When configured, the proxy holds each request's
 * head and up to {@code ProxyConfig.scanWindow} bytes of its body, calls {@link #inspect} OFF the
 * Netty event loop, and only then forwards the request (or answers 403 when the result blocks).
 * Responses never wait on it.
 *
 * <p>The {@link FlowRequest} passed in carries the client's headers and, as its body, the first
 * bytes of the request body ({@code body().recorded()}); {@code body().truncated()} is true when the
 * body went on beyond the window (the rest is forwarded unscanned and the flow is marked so).
 * Implementations may block (they run on the proxy's inspection executor) but should be fast.
 */
@FunctionalInterface
public interface RequestInspector {
    CompletionStage<Inspection> inspect(FlowRequest request);
}
