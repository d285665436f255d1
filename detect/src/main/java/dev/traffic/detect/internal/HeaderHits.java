package dev.traffic.detect.internal;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Header values whose whole scan, on a request to a non-sink host, did nothing but report hits on
 * the value's own text (no fragment of a known secret, no decoded layer or view, no pending AWS
 * secret): the hits, so the next request carrying the same value reports them again without
 * rescanning (see {@link RequestScan#scanRepeatable}). The counterpart of {@link CleanTexts} for an
 * agent that sends a credential to the wrong host on every call. Matching depends only on the
 * text; what depends on the request (severity by host and location, fingerprint, redaction) is
 * still decided per request from the hits. Bounded in count, length and hits per value;
 * thread-safe; in memory only, never logged or stored (like {@link FingerprintCache}, it holds no
 * more than the requests being scanned already hold).
 */
final class HeaderHits {
    static final int MAX_ENTRIES = 1024;
    static final int MAX_CHARS = 512;
    static final int MAX_HITS = 8;
    private final ConcurrentHashMap<String, List<Hit>> values = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, List<Hit>> texts = new ConcurrentHashMap<>();

    /** The hits remembered for this text, or null. */
    List<Hit> get(boolean value, String t) {
        return t.length() <= MAX_CHARS ? (value ? values : texts).get(t) : null;
    }

    void put(boolean value, String t, List<Hit> hits) {
        ConcurrentHashMap<String, List<Hit>> m = value ? values : texts;
        if (t.length() <= MAX_CHARS && !hits.isEmpty() && hits.size() <= MAX_HITS && m.size() < MAX_ENTRIES) {
            m.putIfAbsent(t, List.copyOf(hits));
        }
    }
}
