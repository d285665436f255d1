package dev.traffic.model;

/**
 * A CONNECT tunnel relayed without decryption (not TLS, or a passthrough host). {@code outcome}
 * says how it ended ("client closed", "upstream closed", "connect failed", ...), null when unknown.
 */
public record TunnelInfo(long bytesUp, long bytesDown, boolean passthrough, String outcome) {
    public TunnelInfo(long bytesUp, long bytesDown, boolean passthrough) {
        this(bytesUp, bytesDown, passthrough, null);
    }
}
