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
        return bitsPerChar(v) >= need && wordiness(v) < 0.5;
    }

    /**
     * Share of chars in runs of 4+ lower-case letters or 4+ digits: words, dates and version
     * numbers ("RemovedInSphinx60Warning", "REC-css3-selectors-20110929") score high, random key
     * material low (under 0.5 for 99.6% of random 24-char base62 strings).
     */
    static double wordiness(String v) {
        int inRuns = 0, run = 0, kind = 0;
        for (int i = 0; i <= v.length(); i++) {
            char c = i < v.length() ? v.charAt(i) : ' ';
            int k = Chars.lower(c) ? 1 : Chars.digit(c) ? 2 : 0;
            if (k != 0 && k == kind) {
                run++;
            } else {
                if (run >= 4) inRuns += run;
                run = k == 0 ? 0 : 1;
                kind = k;
            }
        }
        return (double) inRuns / v.length();
    }
}
