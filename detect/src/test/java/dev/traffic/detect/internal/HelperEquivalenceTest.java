package dev.traffic.detect.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The rewritten helpers answer exactly as the definitions they replace (kept here as oracles), on
 * edge cases and random texts: percent-decoding into one byte array, the base64 reject reading a
 * byte array, the AWS secret-key shape in one pass, the ASCII lower-casing fast path (including
 * returning the same instance when nothing changes, which {@link HostScan} relies on), and the
 * cached redaction markers and finding keys.
 */
class HelperEquivalenceTest {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_%.~ :&"
            + "\u00e9\u00c9\u00ff\u0100\u0141\\";

    private static String random(Random r, int max, String alphabet) {
        StringBuilder sb = new StringBuilder();
        for (int n = r.nextInt(max + 1); n > 0; n--) {
            if (r.nextInt(8) == 0) sb.append('%').append("0123456789abcdefABCDEFxz".charAt(r.nextInt(24)))
                    .append("0123456789abcdefABCDEFxz".charAt(r.nextInt(24)));
            else sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** {@link Decoders#percent} as it was: a stream of bytes. */
    private static String percentOracle(String s, boolean form) {
        if (s.indexOf('%') < 0 && (!form || s.indexOf('+') < 0)) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Chars.hex(s.charAt(i + 1)) && Chars.hex(s.charAt(i + 2))) {
                out.write(Character.digit(s.charAt(i + 1), 16) << 4 | Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+' && form) {
                out.write(' ');
            } else if (c < 256) {
                out.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void percentDecodingAnswersAsTheStream() {
        for (String s : new String[] {"", "%", "%4", "%41", "a%41%", "a+b", "%2B+%2b", "%%41", "x%4g", "\u0141%41", "%e9\u00e9"}) {
            assertThat(Decoders.percent(s, true)).as(s).isEqualTo(percentOracle(s, true));
            assertThat(Decoders.percent(s, false)).as(s).isEqualTo(percentOracle(s, false));
        }
        Random r = new Random(3);
        for (int i = 0; i < 50_000; i++) {
            String s = random(r, 24, ALPHABET);
            boolean form = r.nextBoolean();
            assertThat(Decoders.percent(s, form)).as("%s form=%s", s, form).isEqualTo(percentOracle(s, form));
        }
    }

    @Test
    void base64RejectOnBytesAnswersAsOnChars() {
        Random r = new Random(5);
        String b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";
        int rejects = 0;
        for (int i = 0; i < 50_000; i++) {
            String s;
            switch (r.nextInt(4)) {
                case 0 -> s = random(r, 60, b64);
                case 1 -> s = java.util.Base64.getEncoder().encodeToString(random(r, 50, "abc def ghi\n\u0001\u00ff").getBytes(StandardCharsets.ISO_8859_1));
                case 2 -> s = java.util.Base64.getEncoder().encodeToString(new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5});
                default -> s = random(r, 60, b64 + "=\u00e9%");
            }
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1); // every char here is Latin-1
            int from = s.isEmpty() ? 0 : r.nextInt(Math.min(4, s.length()) + 1);
            int to = from + r.nextInt(s.length() - from + 1);
            int min = 1 + r.nextInt(8);
            boolean expected = Decoders.base64Rejects(s, from, to, min);
            if (expected) rejects++;
            assertThat(Decoders.base64Rejects(b, from, to, min)).as("%s [%d, %d) min %d", s, from, to, min).isEqualTo(expected);
        }
        assertThat(rejects).as("both answers are exercised").isBetween(1000, 49_000);
    }

    /** {@link AwsRules#looksLikeSecretKey} as it was: the alphabet, then upper, lower and digit. */
    private static boolean awsOracle(String v) {
        if (v.length() != 40 || AwsRules.example(v)) return false;
        for (int i = 0; i < 40; i++) if (!Chars.stdB64(v.charAt(i))) return false;
        boolean u = false, l = false, d = false;
        for (int i = 0; i < 40; i++) {
            char c = v.charAt(i);
            u |= Chars.upper(c);
            l |= Chars.lower(c);
            d |= Chars.digit(c);
        }
        return u && l && d;
    }

    @Test
    void awsSecretKeyShapeInOnePassAnswersAsBefore() {
        Random r = new Random(9);
        int yes = 0;
        String[] alphabets = {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", "abcdefghijklmnopqrstuvwxyz0123456789",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "ABCabc012-_=.\u00e9\u0141"};
        for (int i = 0; i < 40_000; i++) {
            String a = alphabets[r.nextInt(alphabets.length)];
            StringBuilder sb = new StringBuilder();
            for (int k = 38 + r.nextInt(4); k > 0; k--) sb.append(a.charAt(r.nextInt(a.length())));
            if (r.nextInt(50) == 0) sb.replace(5, 12, "EXAMPLE");
            String v = sb.toString();
            boolean expected = awsOracle(v);
            if (expected) yes++;
            assertThat(AwsRules.looksLikeSecretKey(v)).as(v).isEqualTo(expected);
        }
        assertThat(yes).as("both answers are exercised").isBetween(1000, 39_000);
    }

    @Test
    void lowerCaseFastPathAnswersAsToLowerCase() {
        Random r = new Random(13);
        for (int i = 0; i < 40_000; i++) {
            String s = random(r, 20, "abcxyz.-:0129ABCXYZ\u00c9\u00e9\u0141\u00ff[]");
            String expected = s.toLowerCase(Locale.ROOT);
            String got = Texts.lowerCase(s);
            assertThat(got).as(s).isEqualTo(expected);
            assertThat(got == s).as("same instance when unchanged: %s", s).isEqualTo(expected == s);
        }
        String host = "api.example.com";
        assertThat(Texts.lowerCase(host)).isSameAs(host);
    }

    @Test
    void cachedMarkersAndKeysAreTheConcatenations() {
        FingerprintCache c = new FingerprintCache();
        String[] rules = {"anthropic-api-key", "provisioned-secret", "anthropic-api-key", "canary-token"};
        String[] locations = {"header:x-api-key", "body-form", "body-form", "query:" + "n".repeat(300), "header:x-api-key"};
        for (int i = 0; i < 200; i++) {
            String fp = c.of("secret-" + (i % 7) + "-abcdefghijklmnop");
            String rule = rules[i % rules.length];
            String loc = locations[i % locations.length];
            assertThat(c.marker(fp, rule)).isEqualTo("[REDACTED:" + rule + ":" + fp + "]");
            assertThat(c.key(fp, loc)).isEqualTo(loc + "|" + fp);
        }
    }
}
