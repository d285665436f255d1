package dev.traffic.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.traffic.model.Finding;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import dev.traffic.stage.StageInput;
import dev.traffic.stage.StageOutcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading and checking the rules of a policy file; presets; the stage's outcomes per action and mode. */
class PolicyRulesTest {
    @Test
    void everyProblemIsReportedNamingItsEntry() {
        List<PolicyProblem> p = RuleSet.check("""
                secrets: []
                rules:
                  - {name: a, hots: x.test, action: block}
                  - {name: b, host: "a b", action: block}
                  - {name: c, path: "repos/*", action: block}
                  - {name: d, path: "/a/x**/b", action: block}
                  - {name: e, git: {push-to: [main]}, action: block}
                  - {name: f, action: maybe}
                  - {host: x.test, action: block}
                  - {name: all, action: allow}
                  - {name: after, host: y.test, action: block}
                  - {name: After, host: z.test, action: block}
                presets: [git-safe, nope]
                """, "p.yaml");
        List<String> text = p.stream().map(PolicyProblem::toString).toList();
        assertThat(text).anySatisfy(s -> assertThat(s).contains("p.yaml: rules[0] 'a'").contains("unknown key 'hots'"));
        assertThat(text).anySatisfy(s -> assertThat(s).contains("rules[1] 'b'").contains("bad host glob").contains("'a b'"));
        assertThat(text).anySatisfy(s -> assertThat(s).contains("rules[2] 'c'").contains("must start with '/'"));
        assertThat(text).anySatisfy(s -> assertThat(s).contains("rules[3] 'd'").contains("'**' must be a whole segment"));
        assertThat(text).anySatisfy(s -> assertThat(s).contains("rules[4] 'e'").contains("bad ref glob 'main'"));
        assertThat(text).anySatisfy(s -> assertThat(s).contains("rules[5] 'f'").contains("unknown action 'maybe'"));
        assertThat(text).anySatisfy(s -> assertThat(s).contains("rules[6]").contains("needs a name"));
        assertThat(text).anySatisfy(s -> assertThat(s).contains("rules[8] 'after'").contains("unreachable: 'all' (rules[7])"));
        assertThat(text).anySatisfy(s -> assertThat(s).contains("preset git-safe 'git-safe.delete-ref'").contains("unreachable"));
        assertThat(text).anySatisfy(s -> assertThat(s).contains("rules[9] 'After'").contains("second rule with this name"));
        assertThat(text).anySatisfy(s -> assertThat(s).contains("presets[1]").contains("unknown preset 'nope'"));
        assertThatThrownBy(() -> RuleSet.parse("rules: [{name: a, hots: x, action: block}]", "p.yaml", List.of()))
                .isInstanceOf(RulesException.class).hasMessageContaining("p.yaml: rules[0] 'a': unknown key 'hots'");
        assertThat(RuleSet.check("rules: [{name: x, host: a.test, action: block}]\ncanaries: []", "ok.yaml")).isEmpty();
        assertThat(RuleSet.check("rules: {name: x}", "p.yaml").get(0).toString()).contains("rules: must be a list");
        assertThat(RuleSet.check("rules: [a: b", "p.yaml").get(0).toString()).contains("not valid YAML");
    }

    @Test
    void presetsParseAndApplyTheirHosts() throws Exception {
        for (String name : Presets.NAMES) {
            assertThat(RuleSet.ofPresets(List.of(name)).rules()).as(name).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.name()).startsWith(name + "."));
        }
        RuleSet k8s = RuleSet.parse("presets: [{name: k8s-read-only, hosts: [\"127.0.0.1\"]}]", "p.yaml", List.of("git-safe", "k8s-read-only"));
        assertThat(k8s.rules()).extracting(Rule::source).contains("preset k8s-read-only", "preset git-safe");
        assertThat(eval(k8s, "DELETE", "127.0.0.1", "/api/v1/namespaces/d/pods/p").ruleName()).isEqualTo("k8s-read-only.write");
        assertThat(eval(k8s, "GET", "127.0.0.1", "/api/v1/namespaces/d/pods/p/exec").ruleName()).isEqualTo("k8s-read-only.exec");
        assertThat(eval(k8s, "POST", "127.0.0.1", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews").action()).isEqualTo(Action.ALLOW);
        assertThat(eval(k8s, "GET", "127.0.0.1", "/api/v1/namespaces/d/pods").rule()).isNull();
        assertThat(eval(k8s, "DELETE", "kubernetes.default.svc", "/api/v1/namespaces/d/pods/p").rule()).isNull();
        RuleSet gh = RuleSet.ofPresets(List.of("github-read-mostly", "cloud-no-delete"));
        assertThat(eval(gh, "PUT", "api.github.com", "/repos/o/r/pulls/3/merge").ruleName()).isEqualTo("github-read-mostly.merge");
        assertThat(eval(gh, "PUT", "api.github.com", "/repos/o/r/actions/secrets/TOKEN").ruleName()).isEqualTo("github-read-mostly.secrets");
        assertThat(eval(gh, "PATCH", "api.github.com", "/repos/o/r").ruleName()).isEqualTo("github-read-mostly.settings");
        assertThat(eval(gh, "PUT", "api.github.com", "/repos/o/r/branches/main/protection").ruleName()).isEqualTo("github-read-mostly.admin");
        assertThat(eval(gh, "POST", "api.github.com", "/repos/o/r/issues/1/comments").rule()).isNull();
        assertThat(eval(gh, "POST", "api.github.com", "/repos/o/r/pulls").rule()).isNull();
        assertThat(eval(gh, "DELETE", "s3.us-east-1.amazonaws.com", "/bucket/key").ruleName()).isEqualTo("cloud-no-delete.aws-rest");
        assertThat(eval(gh, "DELETE", "compute.googleapis.com", "/compute/v1/projects/p/zones/z/instances/i").ruleName()).isEqualTo("cloud-no-delete.gcp");
        assertThat(eval(gh, "DELETE", "management.azure.com", "/subscriptions/s/resourceGroups/g").ruleName()).isEqualTo("cloud-no-delete.azure");
        assertThat(Presets.yaml("git-safe")).contains("git-safe.force-push");
        assertThatThrownBy(() -> RuleSet.ofPresets(List.of("nope"))).hasMessageContaining("unknown preset 'nope'");
    }

    private static Verdict eval(RuleSet rs, String method, String host, String path) {
        return rs.evaluate(RuleRequest.of(method, host, 443, path, null, List.of(), null, null), Action.ALLOW);
    }

    private static StageInput input(String method, String host, String path) {
        return new StageInput(new FlowRequest(method, "https", host, 443, path, null, "HTTP/1.1",
                List.of(new Header("Host", host)), null, null, null), "127.0.0.1:5", "s1", "f1");
    }

    @Test
    void theStageRefusesFlagsAlertsAndAudits() throws Exception {
        RuleSet rs = RuleSet.parse("""
                rules:
                  - {name: no-delete, methods: [DELETE], action: block, reason: "no deletes here"}
                  - {name: watch-put, methods: [PUT], action: alert}
                  - {name: note-patch, methods: [PATCH], action: flag}
                  - {name: reads, methods: [GET], action: allow}
                """, "p.yaml", List.of());
        List<Finding> alerted = new ArrayList<>();
        RulesStage s = new RulesStage(rs, RulesMode.ENFORCE, Action.ALLOW, (session, flow, f) -> alerted.add(f));
        StageOutcome del = s.decide(input("DELETE", "a.test", "/x"));
        assertThat(del.refused()).isTrue();
        assertThat(del.refusal().status()).isEqualTo(403);
        assertThat(del.refusal().rule()).isEqualTo("no-delete");
        assertThat(del.refusal().reason()).isEqualTo("blocked by request rule 'no-delete': no deletes here");
        assertThat(del.decisions()).containsExactly(new dev.traffic.model.Decision("rules", "no-delete", "block", "no deletes here"));
        StageOutcome put = s.decide(input("PUT", "a.test", "/x"));
        assertThat(put.refused()).isFalse();
        assertThat(put.findings()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("watch-put");
            assertThat(f.family()).isEqualTo("request-rule");
        });
        assertThat(alerted).hasSize(1);
        assertThat(s.decide(input("PATCH", "a.test", "/x")).decisions().get(0).action()).isEqualTo("flag");
        assertThat(alerted).hasSize(1);
        assertThat(s.decide(input("GET", "a.test", "/x")).decisions().get(0)).isEqualTo(new dev.traffic.model.Decision("rules", "reads", "allow", "allowed by rule reads"));
        assertThat(s.decide(input("OPTIONS", "a.test", "/x")).decisions().get(0))
                .isEqualTo(new dev.traffic.model.Decision("rules", null, "allow", "no rule matched"));

        RulesStage audit = new RulesStage(rs, RulesMode.AUDIT, Action.ALLOW, null);
        StageOutcome a = audit.decide(input("DELETE", "a.test", "/x"));
        assertThat(a.refused()).isFalse();
        assertThat(a.decisions().get(0).action()).isEqualTo("flag");
        assertThat(a.decisions().get(0).reason()).startsWith("audit mode, not enforced: would block: no deletes here");

        RulesStage closed = new RulesStage(rs, RulesMode.ENFORCE, Action.BLOCK, null);
        StageOutcome none = closed.decide(input("OPTIONS", "a.test", "/x"));
        assertThat(none.refused()).isTrue();
        assertThat(none.refusal().rule()).isEqualTo("default-action");
        closed.reload(RuleSet.EMPTY);
        assertThat(closed.decide(input("GET", "a.test", "/x")).refused()).isTrue();
    }
}
