package dev.traffic.broker.internal;

import dev.traffic.stage.StreamRewriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces a few fixed byte strings by others (placeholder to secret on the way out, secret to
 * placeholder on the way back). Immutable; {@link #stream} makes the per-stream rewriter that holds
 * back the last {@code longest - 1} bytes of each piece so a pattern split across pieces is still
 * found. Leftmost match wins; at one position the longest pattern wins.
 */
public final class Replacer {
    private final byte[][] from;
    private final byte[][] to;
    private final String[] fromText;
    private final String[] toText;
    private final boolean[] first = new boolean[256]; // first bytes of the patterns: the scan's fast reject
    private final int longest;
    private final boolean sameLength;

    public Replacer(Map<String, String> pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        pairs.forEach((k, v) -> {
            if (k != null && !k.isEmpty() && v != null && !k.equals(v)) m.put(k, v);
        });
        List<Map.Entry<String, String>> es = new ArrayList<>(m.entrySet());
        es.sort((a, b) -> b.getKey().length() - a.getKey().length()); // longest first
        from = new byte[es.size()][];
        to = new byte[es.size()][];
        fromText = new String[es.size()];
        toText = new String[es.size()];
        int max = 0;
        boolean same = true;
        for (int i = 0; i < es.size(); i++) {
            fromText[i] = es.get(i).getKey();
            toText[i] = es.get(i).getValue();
            from[i] = fromText[i].getBytes(StandardCharsets.UTF_8);
            to[i] = es.get(i).getValue().getBytes(StandardCharsets.UTF_8);
            first[from[i][0] & 0xff] = true;
            max = Math.max(max, from[i].length);
            same &= from[i].length == to[i].length;
        }
        longest = max;
        sameLength = same;
    }

    public boolean isEmpty() {
        return from.length == 0;
    }

    /** {@code s} with every pattern replaced. */
    public String apply(String s) {
        if (from.length == 0 || s == null) return s;
        String out = s;
        for (int i = 0; i < fromText.length; i++) {
            if (out.contains(fromText[i])) out = out.replace(fromText[i], toText[i]);
        }
        return out;
    }

    /** Whether {@code b} holds any pattern. */
    public boolean containsAny(byte[] b) {
        return match(b, 0, b.length, true) >= 0;
    }

    /** {@code b} with every pattern replaced (the same array when nothing matched). */
    public byte[] apply(byte[] b) {
        if (from.length == 0 || match(b, 0, b.length, true) < 0) return b;
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 64);
        int done = replaceInto(b, b.length, b.length, out);
        out.write(b, done, b.length - done);
        return out.toByteArray();
    }

    /**
     * Replaces in {@code b[0..n)} the matches that start before {@code limit}; writes the output up
     * to where the scan stopped and returns that index.
     */
    private int replaceInto(byte[] b, int n, int limit, ByteArrayOutputStream out) {
        int pos = 0;
        int at = 0;
        while (at < limit) {
            int m = -1;
            int which = -1;
            for (int i = at; i < limit; i++) {
                if (!first[b[i] & 0xff]) continue;
                which = patternAt(b, i, n);
                if (which >= 0) {
                    m = i;
                    break;
                }
            }
            if (m < 0) break;
            out.write(b, pos, m - pos);
            out.write(to[which], 0, to[which].length);
            pos = m + from[which].length;
            at = pos;
        }
        if (pos < limit) {
            out.write(b, pos, limit - pos);
            pos = limit;
        }
        return pos;
    }

    private int patternAt(byte[] b, int i, int n) {
        outer:
        for (int p = 0; p < from.length; p++) {
            byte[] f = from[p];
            if (i + f.length > n) continue;
            for (int k = 0; k < f.length; k++) if (b[i + k] != f[k]) continue outer;
            return p;
        }
        return -1;
    }

    private int match(byte[] b, int off, int n, boolean any) {
        for (int i = off; i < n; i++) if (first[b[i] & 0xff] && patternAt(b, i, n) >= 0) return i;
        return -1;
    }

    /** A fresh stream rewriter (one per stream). */
    public StreamRewriter stream() {
        return new Stream();
    }

    private final class Stream implements StreamRewriter {
        private byte[] held = new byte[0];

        @Override
        public byte[] rewrite(byte[] piece, boolean last) {
            if (from.length == 0) return piece;
            byte[] b;
            if (held.length == 0) {
                b = piece;
            } else {
                b = new byte[held.length + piece.length];
                System.arraycopy(held, 0, b, 0, held.length);
                System.arraycopy(piece, 0, b, held.length, piece.length);
            }
            int n = b.length;
            // a match may start anywhere before n - (longest - 1); later starts wait for the next piece
            int limit = last ? n : Math.max(0, n - (longest - 1));
            if (match(b, 0, n, true) < 0) {
                held = last ? new byte[0] : java.util.Arrays.copyOfRange(b, limit, n);
                return limit == n && b == piece ? piece : java.util.Arrays.copyOfRange(b, 0, limit);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(n + 64);
            int done = replaceInto(b, n, limit, out);
            held = java.util.Arrays.copyOfRange(b, done, n);
            if (last) {
                out.write(held, 0, held.length);
                held = new byte[0];
            }
            return out.toByteArray();
        }

        @Override
        public boolean changesLength() {
            return !sameLength;
        }
    }
}
