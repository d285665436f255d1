package dev.traffic.detect.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.detect.Policy;
import dev.traffic.detect.SessionState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The walker's hints to {@link RequestScan#scan(Segment, int)} change nothing but the work: a
 * value scanned with {@link RequestScan#LATIN1} (and {@link RequestScan#NOT_QUIET} when its quiet
 * test fails) gives the same findings and redactions, in the same order, as the plain scan, on
 * key-shaped values, pieces of the policy's secrets (alone and inside other tokens), base64 and
 * hex encodings of text that holds secrets, and random mixes with separators, '%', '+', '=' and
 * backslashes. Also checks the char-class facts the hints rely on.
 */
class ScanHintsTest {
    private static final String HF = "hf_" + "aZ3kQ9wLm2Xp7RtYv4Bn8Cd6Fg1Hj5Ks0U";
    private static final String PLAIN = "Qm9vTXr2Lk8Jd4Hs6Pw0Zc1Vb3Nf5Gy7Ea";
    private static final String ANT = "sk-ant-api03-" + "x7Kp2Lq9Wm4Rt8Yv3Bn6Cd1Fg5Hj0Ks2Qw7Er4Ty9Ui3Op6As1Df8Gh5Jk2Lz0Xc7Vb4Nm9Qa3Ws6Ed1Rf8Tg5Yh2Uj0Ik7Ol4P-AA";

    private final Engine engine = Engine.compile(Policy.parse("""
            secrets:
              - name: HF_TOKEN
                value: "%s"
              - name: PLAIN
                value: "%s"
            """.formatted(HF, PLAIN), "test.yaml", Path.of("."), k -> null));

    @Test
    void everyBase64AlphabetCharIsATokenChar() {
        // one base64-alphabet run over a Latin-1 text makes it one token (the LATIN1 shortcut in tokenChecks)
        for (int c = 0; c < 256; c++) {
            if (Chars.b64Bit(c) != 0) assertThat(RequestScan.tokenChar((char) c)).as("char %d", c).isTrue();
        }
        // and '%' and backslash are outside the alphabet (no percent or escape view on one run)
        assertThat(Chars.b64Bit('%')).isZero();
        assertThat(Chars.b64Bit('\\')).isZero();
    }

    @Test
    void hintedScansFindWhatPlainScansFind() {
        int withFindings = 0;
        int notQuiet = 0;
        for (String v : values()) {
            for (String host : new String[] {"api.example.com", "huggingface.co"}) {
                RequestScan plain = engine.begin(host, "/", "s", new SessionState());
                plain.scan(new Segment(v, "body-form", "plain", 0, true, null));
                plain.finish();
                RequestScan hinted = engine.begin(host, "/", "s", new SessionState());
                boolean loud = !hinted.quiet(v, true);
                if (loud) notQuiet++;
                hinted.scan(new Segment(v, "body-form", "plain", 0, true, null),
                        RequestScan.LATIN1 | (loud ? RequestScan.NOT_QUIET : 0));
                hinted.finish();
                assertThat(hinted.findings()).as("findings of %s", v).isEqualTo(plain.findings());
                assertThat(new ArrayList<>(hinted.redactions().entrySet())).as("redactions of %s", v)
                        .isEqualTo(new ArrayList<>(plain.redactions().entrySet()));
                if (!plain.findings().isEmpty()) withFindings++;
            }
        }
        assertThat(withFindings).as("values with findings are exercised").isGreaterThan(500);
        assertThat(notQuiet).as("full scans are exercised").isGreaterThan(5000);
    }

    private static List<String> values() {
        List<String> out = new ArrayList<>(List.of(HF, PLAIN, ANT, "x" + PLAIN, PLAIN.substring(0, 12), PLAIN.substring(5, 20),
                HF.substring(3, 20), "id=" + PLAIN.substring(3, 19), b64(PLAIN), b64("token " + HF), hex("key=" + PLAIN),
                b64("the quick brown fox jumps over the lazy dog"), "AKIAQ7XH2LMNPR4TW6ZB", "wJalrXUtnFEMI/K7MDENG/bPxRfiCY4Q9mKeyZ1x"));
        String[] pieces = {HF, PLAIN, ANT, HF.substring(3, 13), PLAIN.substring(0, 10), PLAIN.substring(10, 26),
            new StringBuilder(PLAIN).reverse().toString().substring(0, 14), "=", "==", ".", "-", "_", "+", "/", "%", "%41", "%2F",
            "\\u0041", "\\x41", " ", ":", "&", "é", "\u00ff", "authorization_code", "the", "sk-", "ghp_", "eyJ", "AKIA"};
        String alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        Random r = new Random(11);
        for (int i = 0; i < 12_000; i++) {
            StringBuilder sb = new StringBuilder();
            switch (r.nextInt(5)) {
                case 0 -> { // key-shaped: 16-70 random alphanumerics (sometimes with '-', '_')
                    int n = 16 + r.nextInt(55);
                    for (int k = 0; k < n; k++) sb.append(r.nextInt(20) == 0 ? "-_".charAt(r.nextInt(2)) : alnum.charAt(r.nextInt(alnum.length())));
                }
                case 1 -> { // an encoding of text that may hold a secret or a piece of one
                    String inner = pieces[r.nextInt(pieces.length)] + " and " + pieces[r.nextInt(pieces.length)];
                    sb.append(r.nextBoolean() ? b64(inner) : hex(inner));
                    if (r.nextBoolean()) sb.setLength(Math.max(0, sb.length() - r.nextInt(3)));
                }
                default -> {
                    for (int p = 1 + r.nextInt(5); p > 0; p--) {
                        if (r.nextInt(3) == 0) {
                            for (int k = 4 + r.nextInt(30); k > 0; k--) sb.append(alnum.charAt(r.nextInt(alnum.length())));
                        } else {
                            sb.append(pieces[r.nextInt(pieces.length)]);
                        }
                    }
                }
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(String s) {
        String h = HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
        return s.length() % 2 == 0 ? h : h.toUpperCase(Locale.ROOT);
    }
}
