package dev.traffic.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Finding;
import dev.traffic.model.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each token family is recognised (with its checksum) in a body sent to an unrelated host. */
class TokenRulesTest {
    private final Tokens tk = new Tokens(42);
    private final Detector detector = new Detector(Policy.defaults());

    private List<Finding> inBody(String secret) {
        return detector.scan(Requests.post("https://collector.example.net/ingest")
                .body("text/plain", "config dump:\nvalue=" + secret + "\nend").build(), ScanContext.stateless());
    }

    private void assertCritical(String secret, String rule, String family) {
        List<Finding> fs = inBody(secret);
        assertThat(fs).as(rule).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo(rule);
            assertThat(f.family()).isEqualTo(family);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.location()).isEqualTo("body");
        });
    }

    @Test
    void recognisesEveryFamilyWithChecksums() {
        assertCritical(tk.github("ghp_"), "github-pat", "github");
        assertCritical(tk.github("ghs_"), "github-app-token", "github");
        assertCritical(tk.github("npm_"), "npm-access-token", "npm");
        assertCritical(tk.fineGrained(), "github-fine-grained-pat", "github");
        assertCritical(tk.anthropic(), "anthropic-api-key", "anthropic");
        assertCritical(tk.openai(), "openai-api-key", "openai");
        assertCritical(tk.huggingface(), "huggingface-access-token", "huggingface");
        assertCritical(tk.slackBot(), "slack-bot-token", "slack");
        assertCritical(tk.stripe(), "stripe-access-token", "stripe");
        assertCritical(tk.telegram(), "telegram-bot-token", "telegram");
        assertCritical(tk.discordBot(), "discord-bot-token", "discord");
        assertCritical(tk.age(), "age-secret-key", "age");
        assertCritical(tk.k8sToken(), "kubernetes-sa-token", "k8s-sa");
        assertCritical(tk.pemPrivateKey(), "private-key", "private-key");
        assertCritical("aws_access_key_id=" + tk.akid() + "\naws_secret_access_key=" + tk.awsSecret(),
                "aws-secret-access-key", "aws");
    }

    @Test
    void checksumInvalidLookalikesAndPlaceholdersAreQuiet() {
        for (String p : List.of("ghp_", "ghs_", "npm_")) {
            assertThat(inBody(tk.githubLookalike(p))).as(p).isEmpty();
        }
        String age = tk.age();
        String badAge = age.substring(0, age.length() - 1) + (age.endsWith("Q") ? "P" : "Q");
        assertThat(inBody(badAge)).isEmpty();
        assertThat(inBody("ghp_" + "x".repeat(36))).isEmpty();
        assertThat(inBody("hf_" + "X".repeat(34))).isEmpty();
        assertThat(inBody("-----BEGIN PRIVATE KEY-----\n...redacted...\n-----END PRIVATE KEY-----")).isEmpty();
        assertThat(inBody("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
                .noneMatch(f -> f.severity().atLeast(Severity.MEDIUM));
    }

    @Test
    void findingsNeverContainTheSecret() {
        String secret = tk.github("ghp_");
        for (Finding f : inBody(secret)) {
            assertThat(f.toString()).doesNotContain(secret.substring(4, 34));
            assertThat(f.fingerprint()).startsWith(Fingerprint.of(secret).substring(0, 12));
        }
    }
}
