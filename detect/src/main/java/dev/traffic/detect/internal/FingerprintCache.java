package dev.traffic.detect.internal;

import dev.traffic.detect.Fingerprint;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Fingerprint#of} for the secrets an {@link Engine} keeps finding: an agent that leaks a
 * credential usually sends the same one on every request, and each finding and redaction needs its
 * fingerprint (a SHA-256). Bounded in count and length (client-chosen text cannot grow it without
 * limit; once full, fingerprints are simply computed). Thread-safe; in memory only, never logged or
 * stored: it holds no more than the requests being scanned already hold.
 */
final class FingerprintCache {
    static final int MAX_ENTRIES = 1024;
    static final int MAX_CHARS = 4096;
    private final ConcurrentHashMap<String, String> map = new ConcurrentHashMap<>();

    String of(String secret) {
        if (secret.length() > MAX_CHARS) return Fingerprint.of(secret);
        String fp = map.get(secret);
        if (fp != null) return fp;
        fp = Fingerprint.of(secret);
        if (map.size() < MAX_ENTRIES) map.putIfAbsent(secret, fp);
        return fp;
    }
}
