package dev.traffic.detect.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A small JSON tokenizer for the body walker: checks the document's structure (objects, arrays,
 * strings, numbers, literals, nesting up to {@link #MAX_DEPTH}; a sequence of root values is fine)
 * and hands every string, member names included, to a {@link Visitor} as ISO-8859-1 text with its
 * escapes decoded. No tree and no per-token objects: strings without escapes are one copy of
 * their bytes. UTF-8 is not decoded (each byte stays one char, as on the wire and in the
 * redactor); {@code \}{@code uXXXX} above 0xFF becomes {@link #WIDE}, a separator for the scanners.
 * Unescaped control characters inside strings are tolerated. Reads the caller's array, keeps no
 * reference to it.
 */
final class JsonStrings {
    static final int MAX_DEPTH = 2000;
    /** Stands for a character above U+00FF: never part of a token. */
    static final char WIDE = '\u001a';

    /** Receives each string of at least 4 decoded chars; {@code rawStart..rawEnd} is its content on the wire. */
    @FunctionalInterface
    interface Visitor {
        void string(String text, int rawStart, int rawEnd, boolean escaped);

        /**
         * Asked first for each escape-free string of at least 4 chars, its content being
         * {@code b[rawStart, rawEnd)}: true means the visitor has no use for it, and no String is
         * built nor {@link #string} called.
         */
        default boolean skips(byte[] b, int rawStart, int rawEnd) {
            return false;
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int VALUE = 0, VALUE_OR_CLOSE = 1, KEY = 2, KEY_OR_CLOSE = 3, COLON = 4, AFTER = 5;

    private JsonStrings() {}

    /**
     * Walks {@code b[0..n)}; returns -1 when it is well-formed JSON, else the index where the first
     * malformed token starts ({@code n} when the input ends inside a structure).
     */
    static int walk(byte[] b, int n, Visitor visitor) {
        byte[] stack = new byte[32]; // 1 = object, 2 = array
        String[] recent = new String[RECENT];
        int depth = 0;
        int state = VALUE;
        int i = 0;
        while (true) {
            while (i < n && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) i++;
            if (i >= n) return depth == 0 && (state == AFTER || state == VALUE) ? -1 : n;
            int c = b[i];
            switch (state) {
                case VALUE, VALUE_OR_CLOSE -> {
                    if (c == ']' && state == VALUE_OR_CLOSE) {
                        depth--;
                        state = AFTER;
                        i++;
                    } else if (c == '{' || c == '[') {
                        if (depth == MAX_DEPTH) return i;
                        if (depth == stack.length) stack = java.util.Arrays.copyOf(stack, depth * 2);
                        stack[depth++] = (byte) (c == '{' ? 1 : 2);
                        state = c == '{' ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
                        i++;
                    } else {
                        int e = c == '"' ? string(b, i, n, visitor, recent) : scalar(b, i, n);
                        if (e < 0) return i;
                        i = e;
                        state = AFTER;
                    }
                }
                case KEY, KEY_OR_CLOSE -> {
                    if (c == '}' && state == KEY_OR_CLOSE) {
                        depth--;
                        state = AFTER;
                        i++;
                    } else {
                        int e = c == '"' ? string(b, i, n, visitor, recent) : -1;
                        if (e < 0) return i;
                        i = e;
                        state = COLON;
                    }
                }
                case COLON -> {
                    if (c != ':') return i;
                    i++;
                    state = VALUE;
                }
                default -> { // AFTER a value
                    if (depth == 0) {
                        state = VALUE; // the next root value
                    } else if (c == ',') {
                        state = stack[depth - 1] == 1 ? KEY : VALUE;
                        i++;
                    } else if ((c == '}' && stack[depth - 1] == 1) || (c == ']' && stack[depth - 1] == 2)) {
                        depth--;
                        i++;
                    } else {
                        return i;
                    }
                }
            }
        }
    }

    /** A number or literal at {@code i}: its end, or -1. Numbers are checked loosely (their characters only). */
    private static int scalar(byte[] b, int i, int n) {
        int e = i;
        int c = b[i];
        if (c == 't' || c == 'f' || c == 'n') {
            String lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
            if (n - i < lit.length()) return -1;
            for (int k = 1; k < lit.length(); k++) if (b[i + k] != lit.charAt(k)) return -1;
            e = i + lit.length();
        } else {
            while (e < n && ((b[e] >= '0' && b[e] <= '9') || b[e] == '-' || b[e] == '+' || b[e] == '.' || b[e] == 'e' || b[e] == 'E')) e++;
            if (e == i) return -1;
        }
        if (e < n) {
            int d = b[e];
            if (d != ',' && d != ']' && d != '}' && d != ' ' && d != '\n' && d != '\r' && d != '\t') return -1;
        }
        return e;
    }

    /** The string whose opening quote is at {@code q}: reports it and returns the index after its closing quote, or -1. */
    private static int string(byte[] b, int q, int n, Visitor visitor, String[] recent) {
        int from = q + 1;
        int k = nextSpecial(b, from, n);
        if (k >= n) return -1;
        if (b[k] == '"') {
            if (k - from >= 4 && !visitor.skips(b, from, k)) visitor.string(plain(b, from, k, recent), from, k, false);
            return k + 1;
        }
        // escapes: copy the plain stretches between them in bulk into a per-thread buffer
        byte[][] holder = SCRATCH.get();
        byte[] out = holder[0];
        int o = 0;
        int p = from;
        while (true) {
            int len = k - p;
            if (o + len + 1 > out.length) out = grow(holder, o + len + 1);
            System.arraycopy(b, p, out, o, len);
            o += len;
            if (b[k] == '"') break;
            if (k + 1 >= n) return -1;
            int e = b[k + 1];
            p = k + 2;
            switch (e) {
                case '"', '\\', '/' -> out[o++] = (byte) e;
                case 'b' -> out[o++] = '\b';
                case 'f' -> out[o++] = '\f';
                case 'n' -> out[o++] = '\n';
                case 'r' -> out[o++] = '\r';
                case 't' -> out[o++] = '\t';
                case 'u' -> {
                    if (k + 6 > n) return -1;
                    int v = 0;
                    for (int d = k + 2; d < k + 6; d++) {
                        int x = Character.digit(b[d], 16);
                        if (x < 0) return -1;
                        v = (v << 4) | x;
                    }
                    out[o++] = (byte) (v <= 0xff ? v : WIDE);
                    p = k + 6;
                }
                default -> {
                    return -1;
                }
            }
            k = nextSpecial(b, p, n);
            if (k >= n) return -1;
        }
        if (o >= 4) visitor.string(new String(out, 0, o, StandardCharsets.ISO_8859_1), from, k, true);
        return k + 1;
    }

    /** Slots of the per-walk table of recent escape-free strings (a power of two). */
    private static final int RECENT = 64;

    /**
     * The escape-free string {@code b[from, to)}: the instance made for an equal string earlier in
     * this walk when the direct-mapped table still holds it (member names and enum-like values
     * repeat in every element of an array), else a new one. Saves the allocation, and hands the
     * visitor the same instance for the same text.
     */
    private static String plain(byte[] b, int from, int to, String[] recent) {
        int len = to - from;
        int slot = (len * 31 + b[from] * 7 + b[to - 1] * 3 + b[from + (len >>> 1)]) & (RECENT - 1);
        String r = recent[slot];
        if (r != null && r.length() == len && sameBytes(r, b, from)) return r;
        r = new String(b, from, len, StandardCharsets.ISO_8859_1);
        recent[slot] = r;
        return r;
    }

    private static boolean sameBytes(String s, byte[] b, int from) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) != (b[from + i] & 0xff)) return false;
        return true;
    }

    /** Per-thread decode buffer (grown on demand, kept): the decoded text is copied out into its String. */
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[][] {new byte[4096]});

    private static byte[] grow(byte[][] holder, int need) {
        holder[0] = java.util.Arrays.copyOf(holder[0], Math.max(need, holder[0].length * 2));
        return holder[0];
    }

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';

    /**
     * Index of the next '"' or backslash in {@code b[i..n)}, or {@code n}: eight bytes per step
     * (a zero-byte test on x ^ pattern; its lowest flagged byte is always a true match).
     */
    static int nextSpecial(byte[] b, int i, int n) {
        while (i + 8 <= n) {
            long x = (long) LONGS.get(b, i);
            long q = x ^ QUOTES;
            long s = x ^ BACKSLASHES;
            long t = (((q - ONES) & ~q) | ((s - ONES) & ~s)) & HIGHS;
            if (t != 0) return i + (Long.numberOfTrailingZeros(t) >>> 3);
            i += 8;
        }
        while (i < n && b[i] != '"' && b[i] != '\\') i++;
        return i;
    }
}
