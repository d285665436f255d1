package dev.traffic.detect.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.detect.Policy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The quiet test ({@link RequestScan#quiet}) and its pre-tests on wire text and on JSON bytes
 * ({@link RequestScan#skipsPlainValue}) answer exactly what the previous definition answered: the
 * keyword automaton run over every char, and the fragment reject re-reading each token. That
 * definition is kept here as the oracle and compared on edge cases and on random texts built from
 * keyword pieces, pieces of the policy's secrets, separators, '%', '+', backslashes and non-ASCII.
 */
class QuietTestEquivalenceTest {
    private static final String HF = "hf_" + "aZ3kQ9wLm2Xp7RtYv4Bn8Cd6Fg1Hj5Ks0U";
    private final Engine engine = Engine.compile(Policy.parse("""
            secrets:
              - name: HF_TOKEN
                value: "%s"
              - name: PLAIN
                value: "Qm9vTXr2Lk8Jd4Hs6Pw0Zc1Vb3Nf5Gy7Ea"
            """.formatted(HF), "test.yaml", Path.of("."), k -> null));

    /** The quiet test as it was defined before the pair filter and the one-pass fragment grams. */
    private boolean oracle(String t, boolean value) {
        KnownSecrets known = engine.known();
        int from = 0, to = t.length();
        int n = to - from;
        if (n >= 40 || n >= known.minPattern() || known.hasShortOnes()) return false;
        final int[] nx = engine.rules().automaton().flaggedTable();
        int st = 0, runLen = 0, any = 0, all = -1, tok = -1;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c >= 0x80 || c == '%' || c == '\\') return false;
            int k = Chars.scanCode(c);
            int v = nx[st + (k & 0x7f)];
            if (v < 0) return false;
            st = v;
            if ((k >>> 8) != 0) {
                runLen++;
                int rb = Chars.runBits(c);
                any |= rb;
                all &= rb;
            } else {
                if (runLen >= RequestScan.MIN_RUN && !oracleRun(t, i - runLen, i, to, any, all)) return false;
                runLen = 0;
                any = 0;
                all = -1;
            }
            if (!value) continue;
            if (tokenChar(c)) {
                if (tok < 0) tok = i;
            } else if (tok >= 0) {
                if (i - tok >= 4 && known.maybeFragment(t, tok, i)) return false;
                tok = -1;
            }
        }
        if (runLen >= RequestScan.MIN_RUN && !oracleRun(t, to - runLen, to, to, any, all)) return false;
        if (!value) return true;
        if (tok >= 0 && to - tok >= 4 && known.maybeFragment(t, tok, to)) return false;
        if (tok == from && to - tok >= 4) return true;
        return !known.maybeFragment(t, from, to);
    }

    private static boolean tokenChar(char c) {
        return Chars.urlB64(c) || c == '+' || c == '/' || c == '.' || c == '~';
    }

    private static boolean oracleRun(String t, int start, int end, int textEnd, int any, int all) {
        int classes = any & 0xff;
        boolean url = (classes & (Chars.PLUS | Chars.SLASH)) == 0;
        if (url && end < textEnd && t.charAt(end) == '.') return false;
        if ((all & (Chars.ALL_HEX | Chars.ALL_B32U | Chars.ALL_B32L)) != 0) return false;
        if ((classes & Chars.DIGIT) != 0 && (classes & Chars.LETTER) != 0) {
            for (int i = start; i < end; i++) if (!Chars.hex(t.charAt(i)) && t.charAt(i) != '-') return false;
        }
        return true;
    }

    private static final String[] PIECES = {"sk-", "sk", "-", "ghp_", "gh", "hf_", "hf", "AKIA", "AK", ":AA", ":A", "eyJ", "ey",
        "-----BEGIN ", "--", "xoxb-", "xo", "npm_", "pypi-", "/api/webhooks/", "/a", "hooks.slack.com/services/", "ho",
        "secret_access_key", "se", "SecretAccessKey", "Se", "IQoJb3JpZ2luX2Vj", "AGE-SECRET-KEY-1", "github_pat_", "gi",
        "rk_live_", "\"service_account\"", "Qm9v", "vooQ", "aZ3kQ9", "Xp7R", "item", "2026-01-05T00:00:00Z", "f55d400b",
        "%", "%41", "+", "\\", "\\u0041", ".", "/", "~", "_", " ", "=", "&", "é", "\u0100", "\u0141", "\u0000", "0123456789",
        "abcdef", "ABCDEF", "234567", "QRSTUVWXYZ", "authorization_code", "a", "Z", "9", "Q ", "m9 ", "v:", "aZ ", "3k"};

    private List<String> texts() {
        List<String> out = new ArrayList<>(List.of("", "a", "the", "item 12", "f55d400b-c910", "f55d400b-c910-4a7e-8a3b",
                "2026-01-01T00:00:00Z", "authorization_code", "abcdefghijklmnopq.", "abcdefghijklmnop.x", "ABCDEFGHIJKLMNOP",
                "0123456789abcdef0", "abc+def/ghijklmnop.", "sk-", "xsk-y", "AKIAQ7XH2LMNPR4TW6ZB", "id " + HF.substring(10, 24),
                HF.substring(10, 24), new StringBuilder(HF.substring(10, 24)).reverse().toString(), "Qm9vTXr2", "a.b.c.d",
                "x".repeat(39), "x".repeat(40), "é".repeat(3), "\u0141abc", "hooks.slack.com/x", "---", "::AA",
                // a secret's first 4 alphanumerics spread over short tokens: only the whole-value reject sees them
                "Q m9 v", "Q:m9v", "Q m 9 v x", "aZ 3k", "fh _3 Z", "Q m9 v&"));
        Random r = new Random(7);
        for (int i = 0; i < 40_000; i++) {
            StringBuilder sb = new StringBuilder();
            int parts = 1 + r.nextInt(6);
            for (int p = 0; p < parts; p++) {
                if (r.nextInt(3) == 0) {
                    String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                    for (int k = r.nextInt(20); k > 0; k--) sb.append(a.charAt(r.nextInt(r.nextBoolean() ? 16 : a.length())));
                } else {
                    sb.append(PIECES[r.nextInt(PIECES.length)]);
                }
            }
            out.add(sb.length() > 45 ? sb.substring(0, 45) : sb.toString());
        }
        return out;
    }

    @Test
    void everyFormOfTheTestAnswersAsTheOracle() {
        RequestScan rs = engine.begin("api.example.com", "/", null, null);
        int quiet = 0;
        for (String t : texts()) {
            boolean expected = oracle(t, true);
            if (expected) quiet++;
            assertThat(rs.quiet(t, true)).as("value %s", t).isEqualTo(expected);
            assertThat(rs.quiet(t, false)).as("text %s", t).isEqualTo(oracle(t, false));
            // the form/query/path pre-test: the same text in the middle of wire text, '+' also ends it
            String wire = "k=" + t + "&";
            assertThat(rs.skipsPlainValue(wire, 2, 2 + t.length())).as("wire %s", t)
                    .isEqualTo(expected && t.indexOf('+') < 0);
            // the JSON pre-test reads bytes: every text whose chars are bytes
            if (t.chars().allMatch(c -> c <= 0xff)) {
                byte[] b = ("\"" + t + "\"").getBytes(StandardCharsets.ISO_8859_1);
                assertThat(rs.skipsPlainValue(new Latin1View(b), 1, 1 + t.length())).as("bytes %s", t).isEqualTo(expected);
                // a form body's pre-test reads the body bytes: as the wire pre-test
                byte[] w = wire.getBytes(StandardCharsets.ISO_8859_1);
                assertThat(rs.skipsFormValue(new Latin1View(w), 2, 2 + t.length())).as("form bytes %s", t)
                        .isEqualTo(expected && t.indexOf('+') < 0);
            }
            // the walker skips scan's own quiet test (NOT_QUIET) after a failed pre-test of a value that
            // percent-decoding leaves unchanged: that test must then fail too
            if (!rs.skipsPlainValue(wire, 2, 2 + t.length()) && Decoders.percent(t, true).equals(t)) {
                assertThat(expected).as("pre-test failed, decoding changed nothing: %s", t).isFalse();
            }
        }
        assertThat(quiet).as("both answers are exercised").isGreaterThan(1000).isLessThan(39_000);
    }

    @Test
    void atASinkNothingIsSkippedBeforeTheScan() {
        RequestScan rs = Engine.compile(Policy.parse("sinks: [drop.example]\n", "t", Path.of("."), k -> null))
                .begin("drop.example", "/", null, null);
        byte[] b = "item".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(rs.skipsPlainValue(new Latin1View(b), 0, 4)).isFalse();
        assertThat(rs.skipsPlainValue("item", 0, 4)).isFalse();
    }
}
