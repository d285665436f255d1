package dev.traffic.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTest {
    @TempDir Path dir;

    @Test
    void readsTheIssueShapeAndMergesOverDefaults() throws Exception {
        Files.writeString(dir.resolve("tok"), "from-file-secret-value\n");
        Path p = dir.resolve("policy.yaml");
        Files.writeString(p, """
                secrets:
                  - name: GITHUB_TOKEN
                    family: github
                    value: "literal-secret-value"
                  - name: FROM_ENV
                    valueFrom: {env: MY_TOKEN}
                  - name: FROM_FILE
                    valueFrom: {file: tok}
                canaries:
                  - name: CANARY
                    value: "canary-secret-value"
                destinations:
                  github: {hosts: [ghe.corp.test]}
                  gcp-sa: {hosts: [], locations: []}
                sinks: [webhook.site, "*.collect.test"]
                internal_hosts: [db.sandbox.internal]
                """);
        Policy policy = Policy.parse(Files.readString(p), p.toString(), dir, Map.of("MY_TOKEN", "env-secret-value")::get);
        assertThat(policy.secrets()).extracting(Policy.Secret::value)
                .containsExactly("literal-secret-value", "env-secret-value", "from-file-secret-value", "canary-secret-value");
        assertThat(policy.secrets().get(3).canary()).isTrue();
        // hosts replaced, locations kept from the built-in github entry
        assertThat(policy.destination("github").hostAllowed("ghe.corp.test")).isTrue();
        assertThat(policy.destination("github").hostAllowed("api.github.com")).isFalse();
        assertThat(policy.destination("github").locationAllowed("header:Authorization")).isTrue();
        // untouched families keep their defaults; aliases map to the canonical family
        assertThat(policy.destination("openai").hostAllowed("api.openai.com")).isTrue();
        assertThat(policy.destinations()).containsKey("gcp");
        assertThat(policy.isSink("x.collect.test", "/")).isTrue();
        assertThat(policy.isSink("collect.test", "/")).isFalse();
        assertThat(policy.isSink("pastebin.com", "/")).isTrue();
        assertThat(policy.isSink("discord.com", "/api/webhooks/1/x")).isTrue();
        assertThat(policy.isSink("discord.com", "/api/users/@me")).isFalse();
        assertThat(policy.isInternal("db.sandbox.internal")).isTrue();
    }

    @Test
    void errorsNameTheFileAndTheEntry() {
        assertThatThrownBy(() -> Policy.parse("secrets: [{name: X, valueFrom: {env: NOPE}}]", "p.yaml", dir, k -> null))
                .hasMessageContaining("p.yaml").hasMessageContaining("'X'").hasMessageContaining("NOPE");
        assertThatThrownBy(() -> Policy.parse("secrets: [{name: X}]", "p.yaml", dir, k -> null))
                .hasMessageContaining("needs value or valueFrom");
        assertThatThrownBy(() -> Policy.parse("sinks: [\"a*b\"]", "p.yaml", dir, k -> null))
                .hasMessageContaining("p.yaml: sinks");
        assertThatThrownBy(() -> Policy.parse("secret: []", "p.yaml", dir, k -> null))
                .hasMessageContaining("unknown key 'secret'");
        assertThatThrownBy(() -> Policy.parse("secrets: [a: b", "p.yaml", dir, k -> null))
                .hasMessageContaining("p.yaml").hasMessageContaining("YAML");
    }

    @Test
    void rulesAndPresetsBelongToTheRequestRulesAndAreIgnoredHere() {
        Policy p = Policy.parse("presets: [git-safe]\nrules:\n  - {name: r, host: x.test, action: block}\nsinks: [drop.test]\n",
                "p.yaml", dir, k -> null);
        assertThat(p.isSink("drop.test", "/")).isTrue();
    }
}
