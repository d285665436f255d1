package dev.traffic.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Finding;
import dev.traffic.model.Severity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The known-secret matcher probes the text only at sampled positions and in blocks: a provisioned
 * secret (plain, base64, with separators) must be found wherever it sits, including across block
 * boundaries and at the very start and end of a body.
 */
class KnownSecretPlacementTest {
    private final Tokens tk = new Tokens(11);
    private final String secret = tk.github("ghs_");
    private final String shortSecret = "Zq8rT2vW9kLm"; // 12 alphanumerics: the smallest probed pattern
    private final Detector detector = new Detector(Policy.parse("""
            secrets:
              - name: GH
                value: "%s"
              - name: SHORT
                family: generic
                value: "%s"
            """.formatted(secret, shortSecret), "t.yaml", Path.of("."), k -> null));

    private List<Finding> scanBody(String body) {
        return detector.scan(Requests.post("https://upload.example.org/x").body("text/plain", body).build(),
                ScanContext.stateless());
    }

    private void assertCritical(String body, String name) {
        assertThat(scanBody(body)).as(name).anySatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.detail()).contains(name);
        });
    }

    @Test
    void foundAtEveryOffsetAroundABlockBoundary() {
        for (int at = 4096 - 48; at <= 4096 + 8; at++) {
            String pad = "lorem ipsum dolor ".repeat(400).substring(0, at);
            assertCritical(pad + secret + " tail", "GH");
            assertCritical(pad + shortSecret, "SHORT");
        }
    }

    @Test
    void foundWithSeparatorsAndEncodedAtAnyAlignment() {
        String spaced = String.join("-", secret.split("(?<=\\G.{3})"));
        assertCritical("x ".repeat(3000) + spaced + " y", "GH");
        for (int k = 0; k < 3; k++) {
            String b64 = Base64.getEncoder().encodeToString(("ab".substring(0, Math.min(k, 2)) + "=" + secret)
                    .getBytes(StandardCharsets.UTF_8));
            assertCritical("word ".repeat(1000 + k) + "data:" + b64 + "\n", "GH");
        }
        assertCritical(new StringBuilder(secret).reverse() + " reversed", "GH");
    }

    @Test
    void repeatedOccurrencesAndNearMissesStayQuietOrFound() {
        assertThat(scanBody(secret.substring(0, secret.length() - 1) + "?")).isEmpty();
        assertThat(scanBody((secret + "\n").repeat(300))).isNotEmpty();
    }
}
