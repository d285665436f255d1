package dev.traffic.proxy.net;

import io.netty.handler.codec.http2.Http2Settings;

/**
 * Flow-control sizes shared by both sides' HTTP/2 codecs. A stream's window bounds what one
 * stalled stream (its reader paused by backpressure) can hold in memory; the connection window is
 * much larger so that a few stalled streams never exhaust it and stall the others on the same
 * connection.
 */
public final class H2Settings {
    /** Per-stream receive window: the most a paused stream buffers. */
    static final int STREAM_WINDOW = 256 * 1024;
    /** Connection receive window: room for 64 fully stalled streams before others would wait. */
    public static final int CONNECTION_WINDOW = 16 * 1024 * 1024;
    static final long MAX_CONCURRENT_STREAMS = 256;
    static final long MAX_HEADER_LIST = 64 * 1024;
    /** How long a closing h2 connection waits for its open streams (Netty's default is far shorter). */
    public static final long GRACEFUL_CLOSE_MS = 120_000;

    private H2Settings() {}

    public static Http2Settings initial() {
        return Http2Settings.defaultSettings()
                .initialWindowSize(STREAM_WINDOW)
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .maxHeaderListSize(MAX_HEADER_LIST);
    }
}
