package dev.traffic.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every row of the request table against the table policy, through the rule engine alone (the proxy runs it too: cli RulesThroughProxyTest). */
class RequestTableTest {
    @Test
    void everyRowIsDecidedByTheExpectedRule() throws Exception {
        RuleSet rules = RuleSet.parse(RequestTable.policy(), "table-policy.yaml", List.of());
        List<RequestTable.Row> rows = RequestTable.rows();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(80);
        for (RequestTable.Row r : rows) {
            RuleRequest q = RuleRequest.of(r.method(), r.host(), r.port(), r.url().getRawPath(), r.url().getRawQuery(),
                    r.headers(), r.body(), null);
            Verdict v = rules.evaluate(q, Action.ALLOW);
            assertThat(v.rule() == null ? "-" : v.rule().name()).as(r.toString()).isEqualTo(r.expected());
        }
    }
}
