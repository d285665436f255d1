package dev.traffic.detect.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every 8-character gram of every known-secret pattern (normalised renderings, at least
 * {@link KnownSecrets#ANCHOR} chars long), for a sampled scan: the text is probed only at every
 * {@link #stride()}-th normalised character, which still lands inside any occurrence of any
 * pattern because the stride is at most (shortest pattern - 7). A blocked Bloom filter (one 64-bit
 * word per probe) rejects almost every probe; a hit maps the gram to the (pattern, offset) pairs
 * to verify. Immutable after construction and shared between threads.
 */
final class GramIndex {
    static final int GRAM = 8;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long[] bloom;
    private final int wordShift;
    /** Open addressing, at most half full: gram -> its (pattern, offset) pairs; no boxing per lookup. */
    private final long[] keys;
    private final long[][] values;
    private final int keyMask;
    private final int stride;

    /** @param patterns normalised (ASCII alphanumeric) strings of at least {@link #GRAM} chars */
    GramIndex(List<String> patterns) {
        Map<Long, List<Long>> acc = new HashMap<>();
        int minLen = Integer.MAX_VALUE;
        for (int p = 0; p < patterns.size(); p++) {
            String s = patterns.get(p);
            minLen = Math.min(minLen, s.length());
            for (int o = 0; o + GRAM <= s.length(); o++) {
                acc.computeIfAbsent(gram(s, o), k -> new ArrayList<>()).add(((long) p << 32) | o);
            }
        }
        stride = patterns.isEmpty() ? GRAM : Math.max(1, Math.min(GRAM, minLen - GRAM + 1));
        int words = Integer.highestOneBit(Math.max(1024, Math.min(1 << 17, acc.size()) * 2 - 1));
        bloom = new long[words];
        wordShift = 64 - Integer.numberOfTrailingZeros(words);
        int slots = Integer.highestOneBit(Math.max(16, acc.size() * 4 - 1));
        keys = new long[slots];
        values = new long[slots][];
        keyMask = slots - 1;
        for (Map.Entry<Long, List<Long>> e : acc.entrySet()) {
            long h = mix(e.getKey());
            bloom[(int) (h >>> wordShift)] |= mask(h);
            int i = slot(h);
            while (values[i] != null) i = (i + 1) & keyMask;
            keys[i] = e.getKey();
            values[i] = e.getValue().stream().mapToLong(Long::longValue).toArray();
        }
    }

    int stride() {
        return stride;
    }

    /** The gram of {@code a[i..i+8)} as one little-endian long. */
    static long read(byte[] a, int i) {
        return (long) LONGS.get(a, i);
    }

    static long gram(String s, int o) {
        long g = 0;
        for (int k = GRAM - 1; k >= 0; k--) g = (g << 8) | (s.charAt(o + k) & 0xff);
        return g;
    }

    /** Table slot from the high bits of the mixed gram (the Bloom word uses the top ones too: fine, probes are rare). */
    private int slot(long h) {
        return (int) (h >>> 17) & keyMask;
    }

    private static long mix(long g) {
        return g * 0x9E3779B97F4A7C15L;
    }

    private static long mask(long h) {
        return (1L << (h >>> 20)) | (1L << (h >>> 26)); // shifts use the low 6 bits of the count
    }

    /** False when no pattern has this gram (almost always); true may be a false positive. */
    boolean maybe(long g) {
        long h = mix(g);
        long m = mask(h);
        return (bloom[(int) (h >>> wordShift)] & m) == m;
    }

    /** (pattern index << 32 | offset) pairs of this gram, or null. */
    long[] lookup(long g) {
        for (int i = slot(mix(g)); values[i] != null; i = (i + 1) & keyMask) if (keys[i] == g) return values[i];
        return null;
    }

    @Override
    public String toString() {
        int n = 0;
        for (long[] v : values) if (v != null) n++;
        return "GramIndex[" + n + " grams, stride " + stride + ", " + bloom.length + " Bloom words]";
    }
}
