package dev.traffic.detect.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Header values an {@link Engine} has scanned and found clean on a request to a non-sink host
 * (see {@link RequestScan#scanRepeatable}), kept apart for whole values and free text because
 * whole values get more checks. Bounded in count and length, so client-chosen values cannot grow
 * it without limit; once full, values are simply scanned every time. Thread-safe; held in memory
 * only (never logged or stored), and a value is only here when nothing in it looked like a secret.
 */
public final class CleanTexts {
    static final int MAX_ENTRIES = 4096;
    static final int MAX_CHARS = 512;
    private final Set<String> values = ConcurrentHashMap.newKeySet();
    private final Set<String> texts = ConcurrentHashMap.newKeySet();

    boolean contains(boolean value, String t) {
        return t.length() <= MAX_CHARS && (value ? values : texts).contains(t);
    }

    void add(boolean value, String t) {
        Set<String> s = value ? values : texts;
        if (t.length() <= MAX_CHARS && s.size() < MAX_ENTRIES) s.add(t);
    }
}
