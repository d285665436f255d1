package dev.traffic.cli;

import static dev.traffic.cli.CaCommandsTest.traffic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.ProxyConfig;
import dev.traffic.rules.RulesStage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** traffic policy check / explain, a bad rules file at proxy start, and the SIGHUP reload keeping the old rules. */
class PolicyCommandsTest {
    @TempDir Path dir;

    static final String GOOD = """
            secrets: []
            rules:
              - {name: gh-merge, host: api.github.com, methods: [PUT], path: "/repos/*/*/pulls/*/merge", action: block,
                 reason: "a person merges"}
              - {name: no-force-push, git: {force: true}, action: block}
            presets: [git-safe]
            """;

    @Test
    void checkPassesAGoodFileAndNamesEveryProblemOfABadOne() throws Exception {
        Path good = Files.writeString(dir.resolve("good.yaml"), GOOD);
        CaCommandsTest.Run ok = traffic("policy", "check", good.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("OK").contains("request rules  5 (2 in the file, 3 from presets)");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                rules:
                  - {name: a, mehtods: [GET], action: block}
                  - {name: all, action: allow}
                  - {name: later, host: x.test, action: block}
                nonsense: 1
                """);
        CaCommandsTest.Run r = traffic("policy", "check", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("rules[0] 'a': unknown key 'mehtods'")
                .contains("rules[2] 'later': unreachable: 'all' (rules[1])")
                .contains("unknown key 'nonsense'");
        assertThat(traffic("policy", "check", dir.resolve("missing.yaml").toString()).exit()).isEqualTo(2);
    }

    @Test
    void explainPrintsTheDecisionWithoutSending() throws Exception {
        Path good = Files.writeString(dir.resolve("good.yaml"), GOOD);
        CaCommandsTest.Run merge = traffic("policy", "explain", "PUT", "https://api.github.com/repos/a/b/pulls/1/%6Derge/", "--policy", good.toString());
        assertThat(merge.exit()).isZero();
        assertThat(merge.out()).contains("decision  block by rule gh-merge (rules[0])").contains("reason    a person merges")
                .contains("403; nothing is sent upstream");
        CaCommandsTest.Run get = traffic("policy", "explain", "GET", "https://api.github.com/user", "--policy", good.toString());
        assertThat(get.out()).contains("decision  allow (no rule matched)");
        CaCommandsTest.Run push = traffic("policy", "explain", "POST", "https://github.com/o/r.git", "--policy", good.toString(),
                "--git-push", "refs/heads/main:1111:2222");
        assertThat(push.out()).contains("decision  block by rule git-safe.protected-ref (preset git-safe)").contains("(updates refs/heads/main)");
        CaCommandsTest.Run force = traffic("policy", "explain", "POST", "https://github.com/o/r.git", "--policy", good.toString(),
                "--git-push", "+refs/heads/feature:1111:2222");
        assertThat(force.out()).contains("block by rule no-force-push");
        CaCommandsTest.Run audit = traffic("policy", "explain", "DELETE", "https://kubernetes.default.svc/api/v1/namespaces/x/pods/p",
                "--preset", "k8s-read-only", "--rules-mode", "audit");
        assertThat(audit.out()).contains("decision  flag by rule k8s-read-only.write").contains("audit mode, not enforced: would block");
        assertThat(traffic("policy", "explain", "GET", "not a url").exit()).isEqualTo(2);
        assertThat(traffic("policy", "explain", "POST", "https://h/r.git", "--git-push", "main:1:2").exit()).isEqualTo(2);
    }

    @Test
    void aBadRulesFileStopsTheProxyAtStart() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "rules:\n  - {name: x, host: \"a b\", action: block}\n");
        CaCommandsTest.Run r = traffic("proxy", "--data-dir", dir.resolve("home").toString(), "--listen", "127.0.0.1:0",
                "--policy", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("rules[0] 'x': bad host glob");
        assertThat(traffic("proxy", "--data-dir", dir.resolve("home").toString(), "--listen", "127.0.0.1:0",
                "--preset", "nope").err()).contains("unknown preset 'nope'");
        assertThat(traffic("proxy", "--data-dir", dir.resolve("home").toString(), "--listen", "127.0.0.1:0",
                "--rules-mode", "loud").exit()).isEqualTo(2);
    }

    @Test
    void aReloadWithABadFileKeepsTheRulesInForce() throws Exception {
        Path policy = Files.writeString(dir.resolve("p.yaml"), GOOD);
        RulesOptions o = new RulesOptions();
        o.mode = "enforce";
        o.defaultAction = "allow";
        RulesStage stage = o.apply(ProxyConfig.builder(), policy, null);
        assertThat(stage.rules().rules()).hasSize(5);
        Files.writeString(policy, "rules:\n  - {name: broken, action: nope}\n");
        o.reload(stage, policy);
        assertThat(stage.rules().rules()).hasSize(5);
        Files.writeString(policy, "rules:\n  - {name: only, methods: [DELETE], action: block}\n");
        o.reload(stage, policy);
        assertThat(stage.rules().rules()).extracting(r -> r.name()).containsExactly("only");
    }
}
