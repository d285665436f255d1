package dev.traffic.detect;

/**
 * Per-call context for {@link Detector#scan}: the session the request belongs to (split-secret and
 * DNS-label tracking in {@link SessionState}; null for none) and the scan window, the number of
 * body bytes scanned (the rest is reported as unscanned).
 */
public record ScanContext(String session, SessionState state, int scanWindow) {
    public static final int DEFAULT_WINDOW = 1 << 20;

    public static ScanContext stateless() {
        return new ScanContext(null, null, DEFAULT_WINDOW);
    }

    public static ScanContext of(String session, SessionState state) {
        return new ScanContext(session, state, DEFAULT_WINDOW);
    }
}
