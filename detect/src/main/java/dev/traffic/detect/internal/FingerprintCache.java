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

    private record Label(String part, String text) {}

    /** fingerprint -> its last redaction marker; fingerprint -> its last finding key (same bounds). */
    private final ConcurrentHashMap<String, Label> markers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Label> keys = new ConcurrentHashMap<>();

    /** {@code "[REDACTED:" + rule + ":" + fp + "]"}, built once per fingerprint and rule. */
    String marker(String fp, String rule) {
        Label m = markers.get(fp);
        if (m != null && m.part().equals(rule)) return m.text();
        String text = "[REDACTED:" + rule + ":" + fp + "]";
        if (markers.size() < MAX_ENTRIES) markers.put(fp, new Label(rule, text));
        return text;
    }

    /** {@code location + "|" + fp}, built once per fingerprint and location. */
    String key(String fp, String location) {
        Label k = keys.get(fp);
        if (k != null && k.part().equals(location)) return k.text();
        String text = location + "|" + fp;
        if (keys.size() < MAX_ENTRIES && location.length() <= 256) keys.put(fp, new Label(location, text)); // names are client-chosen
        return text;
    }
}
