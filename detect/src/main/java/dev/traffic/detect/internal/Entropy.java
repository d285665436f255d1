package dev.traffic.detect.internal;

/** Shannon entropy and the "looks like random key material" test used only for sink traffic. */
final class Entropy {
    private Entropy() {}

    static double bitsPerChar(CharSequence s) {
        int[] counts = new int[128];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 128) {
                counts[c]++;
                n++;
            }
        }
        double h = 0;
        for (int c : counts) {
            if (c == 0) continue;
            double p = (double) c / n;
            h -= p * Math.log(p) / Math.log(2);
        }
        return h;
    }

    /** A token of 24+ key-alphabet chars, mixed classes, high entropy, not a UUID/hash/number. */
    static boolean randomSecretLike(String v) {
        int n = v.length();
        if (n < 24 || n > 1024) return false;
        boolean u = false, l = false, d = false, hexOnly = true;
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (!(Chars.urlB64(c) || c == '+' || c == '/' || c == '=' || c == '.')) return false;
            u |= Chars.upper(c);
            l |= Chars.lower(c);
            d |= Chars.digit(c);
            if (!Chars.hex(c) && c != '-') hexOnly = false;
        }
        if (hexOnly) return false; // UUIDs, digests
        if (!(u && l && d)) return false;
        double need = Math.log(Math.min(n, 64)) / Math.log(2) * 0.8;
        return bitsPerChar(v) >= need;
    }
}
