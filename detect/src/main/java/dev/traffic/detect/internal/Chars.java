package dev.traffic.detect.internal;

/** Character classes shared by the hand-written token scanners (all ASCII, branch-light). */
final class Chars {
    static final int DIGIT = 1, UPPER = 2, LOWER = 4, DASH = 8, USCORE = 16, PLUS = 32, SLASH = 64, DOT = 128;
    static final int ALNUM = DIGIT | UPPER | LOWER;
    static final int LETTER = UPPER | LOWER;
    static final int URL_B64 = ALNUM | DASH | USCORE;
    static final int STD_B64 = ALNUM | PLUS | SLASH;
    private static final int[] CLS = new int[128];

    static {
        for (int c = '0'; c <= '9'; c++) CLS[c] = DIGIT;
        for (int c = 'A'; c <= 'Z'; c++) CLS[c] = UPPER;
        for (int c = 'a'; c <= 'z'; c++) CLS[c] = LOWER;
        CLS['-'] = DASH;
        CLS['_'] = USCORE;
        CLS['+'] = PLUS;
        CLS['/'] = SLASH;
        CLS['.'] = DOT;
    }

    private Chars() {}

    static int cls(int c) {
        return c < 128 ? CLS[c] : 0;
    }

    /** End of a run of chars whose class intersects {@code mask}, from {@code i}, at most {@code max} + 1 chars. */
    static int runEnd(CharSequence s, int i, int max, int mask) {
        int end = Math.min(s.length(), i + max + 1);
        int j = i;
        while (j < end) {
            char c = s.charAt(j);
            if (c >= 128 || (CLS[c] & mask) == 0) break;
            j++;
        }
        return j;
    }

    /** 1 for an ASCII letter or digit, else 0 (also for negative bytes): for branch-free counting. */
    static int alnumBit(int c) {
        return ALNUM_BIT[c & 0xff];
    }

    /** 1 for a base64-alphabet char (URL-safe or standard), else 0 (also for negative bytes). */
    static int b64Bit(int c) {
        return B64_BIT[c & 0xff];
    }

    static final int ALL_HEX = 1 << 8, ALL_B32U = 1 << 9, ALL_B32L = 1 << 10;

    /** The class bits of {@link #cls} plus {@link #ALL_HEX}, {@link #ALL_B32U}, {@link #ALL_B32L} membership. */
    static int runBits(int c) {
        return RUN_BITS[c & 0xff];
    }

    /**
     * For the fused scanner: the automaton column (the char itself, 0 for bytes >= 0x80), bit 7
     * alphanumeric, bit 8 base64 alphabet (either kind).
     */
    static int scanCode(int c) {
        return SCAN_CODE[c & 0xff];
    }

    private static final int[] SCAN_CODE = new int[256];
    private static final int[] RUN_BITS = new int[256];
    private static final byte[] ALNUM_BIT = new byte[256];
    private static final byte[] B64_BIT = new byte[256];

    static {
        for (int c = 0; c < 128; c++) {
            ALNUM_BIT[c] = (byte) ((CLS[c] & ALNUM) != 0 ? 1 : 0);
            B64_BIT[c] = (byte) ((CLS[c] & (URL_B64 | PLUS | SLASH)) != 0 ? 1 : 0);
            SCAN_CODE[c] = c | (ALNUM_BIT[c] << 7) | (B64_BIT[c] << 8);
            boolean d27 = c >= '2' && c <= '7';
            RUN_BITS[c] = CLS[c] | (hex(c) ? ALL_HEX : 0) | (upper(c) || d27 ? ALL_B32U : 0) | (lower(c) || d27 ? ALL_B32L : 0);
        }
    }

    static boolean alnum(int c) {
        return c < 128 && (CLS[c] & ALNUM) != 0;
    }

    static boolean digit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean upper(int c) {
        return c >= 'A' && c <= 'Z';
    }

    static boolean lower(int c) {
        return c >= 'a' && c <= 'z';
    }

    static boolean letter(int c) {
        return upper(c) || lower(c);
    }

    /** URL-safe base64 alphabet, also the alphabet of most modern tokens. */
    static boolean urlB64(int c) {
        return c < 128 && (CLS[c] & URL_B64) != 0;
    }

    static boolean stdB64(int c) {
        return c < 128 && (CLS[c] & STD_B64) != 0;
    }

    static boolean hex(int c) {
        return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** End of a run of chars satisfying the class, from {@code i}, capped at {@code max} chars. */
    static int runEnd(CharSequence s, int i, int max, java.util.function.IntPredicate cls) {
        int end = Math.min(s.length(), i + max + 1);
        int j = i;
        while (j < end && cls.test(s.charAt(j))) j++;
        return j;
    }

    static boolean boundaryBefore(CharSequence s, int i) {
        return i == 0 || !alnum(s.charAt(i - 1));
    }

    static boolean boundaryAfter(CharSequence s, int i) {
        return i >= s.length() || !alnum(s.charAt(i));
    }

    /** indexOf bounded to [from, to): never scans past {@code to} (keeps per-hit work constant). */
    static int indexOf(String t, String s, int from, int to) {
        int last = Math.min(to, t.length()) - s.length();
        char first = s.charAt(0);
        outer:
        for (int i = Math.max(0, from); i <= last; i++) {
            if (t.charAt(i) != first) continue;
            for (int j = 1; j < s.length(); j++) if (t.charAt(i + j) != s.charAt(j)) continue outer;
            return i;
        }
        return -1;
    }
}
