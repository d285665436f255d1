package dev.traffic.proxy;

import dev.traffic.model.Flow;

/**
 * Hooks for metrics and logs (the admin/metrics module implements this). Every method is called on
 * a Netty event loop and must not block. Defaults do nothing.
 */
public interface ProxyEvents {
    ProxyEvents NONE = new ProxyEvents() {};

    /** A client connection was accepted. */
    default void clientConnectionOpened() {}

    /** A client connection closed. */
    default void clientConnectionClosed() {}

    /** A new upstream connection was established (TCP connect plus TLS handshake when TLS). */
    default void upstreamConnected(String host, int port, boolean tls, long handshakeNanos) {}

    /** A flow ended and was handed to the sink. */
    default void flowEnded(Flow flow) {}

    /** The proxy stopped reading from a client because the sink could not keep up. */
    default void recordingBackpressure() {}

    /** A request was refused (policy, fail-closed, inspection); {@code status} is what the client got. */
    default void requestRefused(int status, String reason) {}
}
