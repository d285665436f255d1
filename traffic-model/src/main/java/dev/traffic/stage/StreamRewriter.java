package dev.traffic.stage;

/**
 * Rewrites a byte stream in pieces (a request body past the held prefix, or a response body),
 * keeping whatever it must hold back across piece boundaries (for a pattern split between two
 * chunks) and emitting it with the last piece. One instance per stream, called from one thread at a
 * time; the proxy owns the buffers and copies, so implementations work on plain arrays (no Netty).
 */
public interface StreamRewriter {
    /**
     * Takes the next {@code piece} of the stream and returns the bytes to send on now (possibly
     * empty, possibly longer than {@code piece}). When {@code last} is true every held byte must be
     * returned.
     */
    byte[] rewrite(byte[] piece, boolean last);

    /** Whether the output length may differ from the input's (the proxy then drops Content-Length and chunks or re-frames). */
    default boolean changesLength() {
        return true;
    }
}
