package dev.traffic.proxy.upstream;

import io.netty.handler.codec.http.HttpObject;

/**
 * Receives what an upstream connection produces while it serves one exchange. Called on the
 * connection's event loop. {@link #onUpstreamMessage} transfers ownership of the message.
 */
public interface UpstreamListener {
    void onUpstreamMessage(HttpObject msg);

    /** End of one read burst: the moment to flush what was written to the client. */
    void onUpstreamReadComplete();

    void onUpstreamWritabilityChanged(boolean writable);

    /** The connection closed or failed; {@code cause} may be null for a plain close. */
    void onUpstreamClosed(Throwable cause);

    /** No bytes either way for the upstream idle timeout. */
    void onUpstreamIdle();
}
