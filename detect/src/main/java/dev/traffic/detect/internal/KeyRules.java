package dev.traffic.detect.internal;

import dev.traffic.detect.internal.Hit.Strength;
import java.util.List;

/** PEM private keys, age secret keys (Bech32), GCP service-account key files. */
final class KeyRules {
    private KeyRules() {}

    /** A PEM private-key block with a real body (placeholders like "...redacted..." are not keys). */
    static final class Pem implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("-----BEGIN ");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            int labelEnd = Chars.indexOf(t, "-----", at + kw.length(), at + kw.length() + 70);
            if (labelEnd < 0 || labelEnd - at > 60) return null;
            String label = t.substring(at + kw.length(), labelEnd);
            if (!label.endsWith("PRIVATE KEY") && !label.endsWith("PRIVATE KEY BLOCK")) return null;
            int bodyStart = labelEnd + 5;
            int limit = Math.min(t.length(), bodyStart + 16384);
            int endMarker = Chars.indexOf(t, "-----END", bodyStart, limit + 8);
            int stop = endMarker < 0 || endMarker > limit ? limit : endMarker;
            int b64 = 0;
            for (int i = bodyStart; i < stop; i++) {
                char c = t.charAt(i);
                if (Chars.stdB64(c)) b64++;
                else if (c == '.') return null; // "..." placeholder
            }
            if (b64 < 64) return null;
            int close = endMarker < 0 ? -1 : Chars.indexOf(t, "-----", endMarker + 8, endMarker + 80);
            int end = endMarker < 0 || endMarker > limit || close < 0 ? stop : close + 5;
            if (end < endMarker) end = stop;
            return Hit.format("private-key", "private-key", t, at, end, Strength.VALIDATED)
                    .withDetail(label.toLowerCase(java.util.Locale.ROOT));
        }
    }

    static final class Age implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("AGE-SECRET-KEY-1");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            int s = at + kw.length();
            int end = Chars.runEnd(t, s, 80, Chars.ALNUM);
            if (end - s != 58) return null;
            if (!Checksums.bech32(t.substring(at, end))) return null; // look-alike
            return Hit.format("age-secret-key", "age", t, at, end, Strength.VALIDATED);
        }
    }

    /** {"type": "service_account", ... "private_key": ..., "client_email": ...}. */
    static final class GcpServiceAccount implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("\"service_account\"");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            int from = Math.max(0, at - 200);
            int to = Math.min(t.length(), at + 2500);
            String win = t.substring(from, to);
            int pk = win.indexOf("\"private_key\"");
            if (pk < 0 || !win.contains("\"client_email\"")) return null;
            int begin = win.indexOf("-----BEGIN", pk);
            int q1 = win.indexOf('"', pk + 13);
            int q2 = q1 < 0 ? -1 : win.indexOf("-----\"", q1 + 1);
            int s = from + (begin >= 0 ? begin : pk);
            int e = q2 >= 0 ? from + q2 + 5 : Math.min(t.length(), s + 64);
            return Hit.format("gcp-service-account-key", "gcp", t, s, e, Strength.VALIDATED);
        }
    }
}
