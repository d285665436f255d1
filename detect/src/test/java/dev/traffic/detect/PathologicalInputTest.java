package dev.traffic.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.traffic.model.FlowRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Attacker-shaped inputs that make backtracking regexes or naive decoders blow up must finish:
 * the scanners are linear, decoding is budgeted. The deadline is deliberately generous (it only
 * catches super-linear behaviour, which would take minutes, not a slow machine).
 */
class PathologicalInputTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private final Tokens tk = new Tokens(3);
    private final Detector detector = new Detector(Policy.parse(
            "secrets: [{name: S, value: \"" + tk.github("ghs_") + "\"}, {name: P, value: \"aaaaaaaaaaaaaaaaaaaaaaab\"}]",
            "t", Path.of("."), k -> null));

    private void scanQuickly(String contentType, String body) {
        FlowRequest r = Requests.post("https://x.example.org/u").body(contentType, body).build();
        assertTimeoutPreemptively(DEADLINE, () -> detector.scan(r, ScanContext.of("p", new SessionState())));
    }

    @Test
    void repeatedKeywordPrefixes() {
        for (String unit : List.of("sk-", "eyJ", "ghp_", "-----BEGIN ", "AKIA", ":AA", "xoxb-", "/api/webhooks/",
                "eyJhbGciOiJub25lIn0.", "a.", "%2", "\\u00", "AGE-SECRET-KEY-1", "\"service_account\"")) {
            scanQuickly("text/plain", unit.repeat(1_000_000 / unit.length()));
        }
    }

    @Test
    void hugeEncodedRunsAndDeepJson() {
        scanQuickly("text/plain", "A".repeat(1_000_000));
        scanQuickly("text/plain", "ab12".repeat(250_000));
        scanQuickly("text/plain", "a".repeat(1_000_000) + "b");
        scanQuickly("application/json", "[".repeat(1500) + "\"" + "x".repeat(100) + "\"" + "]".repeat(1500));
        scanQuickly("application/json", "{\"a\":\"" + "QUFB".repeat(250_000) + "\"}");
        scanQuickly("application/x-www-form-urlencoded", "a=%25%25%25%25&".repeat(70_000));
    }

    @Test
    void nestedBase64LayersStopAtTheDepthBound() {
        String s = "ghs_" + "q".repeat(36);
        for (int i = 0; i < 12; i++) s = Tokens.b64(s);
        String body = s;
        assertThat(body.length()).isGreaterThan(1000);
        scanQuickly("text/plain", body);
    }
}
