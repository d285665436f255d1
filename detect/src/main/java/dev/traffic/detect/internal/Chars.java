package dev.traffic.detect.internal;

/** Character classes shared by the hand-written token scanners (all ASCII, branch-light). */
final class Chars {
    private Chars() {}

    static boolean alnum(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
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
        return alnum(c) || c == '-' || c == '_';
    }

    static boolean stdB64(int c) {
        return alnum(c) || c == '+' || c == '/';
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
}
