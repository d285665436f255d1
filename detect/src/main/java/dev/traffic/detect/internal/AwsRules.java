package dev.traffic.detect.internal;

import dev.traffic.detect.internal.Hit.Strength;
import java.util.List;

/**
 * AWS: access key ids (identifiers, weak alone), secret access keys (only when paired with a key id
 * or a secret-key label nearby, since 40 base64 chars alone are anything), session tokens.
 * AWS's documented example keys are ignored.
 */
final class AwsRules {
    private static final int PAIR_WINDOW = 320;

    private AwsRules() {}

    static boolean example(CharSequence s) {
        String v = s.toString();
        return v.endsWith("EXAMPLE") || v.endsWith("EXAMPLEKEY") || v.contains("EXAMPLE");
    }

    static final class KeyId implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("AKIA", "ASIA", "ABIA", "ACCA");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            if (!Chars.boundaryBefore(t, at)) return null;
            int end = Chars.runEnd(t, at, 20, c -> Chars.upper(c) || (c >= '2' && c <= '7'));
            if (end - at != 20 || !Chars.boundaryAfter(t, end) || example(t.substring(at, end))) return null;
            // a secret access key near the id turns the pair into a real credential
            int from = Math.max(0, at - PAIR_WINDOW);
            int to = Math.min(t.length(), end + PAIR_WINDOW);
            int[] sk = findSecret(t, from, to, at, end);
            if (sk != null) {
                return Hit.format("aws-secret-access-key", "aws", t, sk[0], sk[1], Strength.VALIDATED)
                        .withDetail("paired with access key id");
            }
            return Hit.format("aws-access-token", "aws", t, at, end, Strength.WEAK);
        }
    }

    /** A 40-char standard-base64 run with mixed classes in [from,to), not overlapping the key id. */
    static int[] findSecret(String t, int from, int to, int skipFrom, int skipTo) {
        int i = from;
        while (i < to) {
            if (!Chars.stdB64(t.charAt(i)) || (i > 0 && Chars.stdB64(t.charAt(i - 1)) && i != from)) {
                i++;
                continue;
            }
            int e = Chars.runEnd(t, i, 41, Chars.STD_B64);
            if (e - i == 40 && (i >= skipTo || e <= skipFrom) && mixed(t, i, e) && !example(t.substring(i, e))) {
                return new int[] {i, e};
            }
            i = Math.max(e, i + 1);
        }
        return null;
    }

    /** A standalone 40-char value that could be a secret access key. */
    static boolean looksLikeSecretKey(String v) {
        if (v.length() != 40 || example(v)) return false;
        // all standard base64 and mixed (upper, lower and digit), in one pass: one class load per char
        int any = 0;
        for (int i = 0; i < 40; i++) {
            int k = Chars.cls(v.charAt(i));
            if ((k & Chars.STD_B64) == 0) return false;
            any |= k;
        }
        return (any & Chars.ALNUM) == Chars.ALNUM;
    }

    private static boolean mixed(String t, int s, int e) {
        boolean u = false, l = false, d = false;
        for (int i = s; i < e; i++) {
            char c = t.charAt(i);
            u |= Chars.upper(c);
            l |= Chars.lower(c);
            d |= Chars.digit(c);
        }
        return u && l && d;
    }

    /** {@code aws_secret_access_key = ...}, {@code "SecretAccessKey": "..."} labels. */
    static final class LabelledSecret implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("secret_access_key", "SecretAccessKey", "secretAccessKey", "SECRET_ACCESS_KEY");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            int from = at + kw.length();
            int[] sk = findSecret(t, from, Math.min(t.length(), from + 60), -1, -1);
            if (sk == null) return null;
            return Hit.format("aws-secret-access-key", "aws", t, sk[0], sk[1], Strength.VALIDATED)
                    .withDetail("labelled secret access key");
        }
    }

    /** STS session tokens start with a fixed protobuf/base64 preamble. */
    static final class SessionToken implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            if (at > 0 && Chars.stdB64(t.charAt(at - 1))) return null;
            int end = Chars.runEnd(t, at, 4096, c -> Chars.stdB64(c) || c == '=');
            if (end - at < 100) return null;
            return Hit.format("aws-session-token", "aws", t, at, end, Strength.FORMAT);
        }
    }
}
