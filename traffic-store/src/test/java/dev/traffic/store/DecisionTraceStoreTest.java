package dev.traffic.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.traffic.model.Decision;
import dev.traffic.model.Flow;
import dev.traffic.store.har.HarReader;
import dev.traffic.store.har.HarWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decision trace and brokered credential names: journal, index (rule:/action:/stage:/credential:), HAR. */
class DecisionTraceStoreTest {
    @TempDir Path dir;

    static Flow blocked(int i) {
        return Flows.get("github.test", "/repo.git/git-receive-pack", 403, "{}").toBuilder()
                .decisions(List.of(new Decision("rules", "protect-main", "block", "main is protected (push to refs/heads/main)")))
                .build();
    }

    static Flow brokered(int i) {
        return Flows.get("api.github.com", "/user", 200, "{}").toBuilder()
                .decisions(List.of(new Decision("rules", "gh-delete", "flag", "deletes are reviewed"),
                        new Decision("credentials", "github", "inject", null)))
                .credentials(List.of("github", "GitHub-App"))
                .build();
    }

    @Test
    void traceAndCredentialsSurviveTheJournalAndAreSearchable() throws Exception {
        List<Flow> written = new ArrayList<>();
        try (FlowStore store = FlowStore.open(dir, StoreOptions.defaults())) {
            for (int i = 1; i <= 9; i++) {
                Flow f = i % 3 == 0 ? blocked(i) : i % 3 == 1 ? brokered(i) : Flows.rich(i);
                store.ended(f);
                written.add(f.withSeq(i));
            }
            store.flush();
        }
        try (StoreReader r = StoreReader.open(dir)) {
            List<Flow> all = r.search(FlowQuery.all(), 100);
            all.sort(Comparator.comparingLong(Flow::seq));
            assertThat(all).containsExactlyElementsOf(written);
            assertThat(r.show("3").orElseThrow().decisions()).containsExactly(
                    new Decision("rules", "protect-main", "block", "main is protected (push to refs/heads/main)"));
            assertThat(r.count(FlowQuery.parse("rule:protect-main"))).isEqualTo(3);
            assertThat(r.count(FlowQuery.parse("action:block"))).isEqualTo(3);
            assertThat(r.count(FlowQuery.parse("action:BLOCK"))).isEqualTo(3);
            assertThat(r.count(FlowQuery.parse("action:flag"))).isEqualTo(3);
            assertThat(r.count(FlowQuery.parse("action:inject stage:credentials"))).isEqualTo(3);
            assertThat(r.count(FlowQuery.parse("stage:rules"))).isEqualTo(6);
            assertThat(r.count(FlowQuery.parse("credential:github"))).isEqualTo(3);
            assertThat(r.count(FlowQuery.parse("credential:github-app"))).isEqualTo(3);
            assertThat(r.count(FlowQuery.parse("credential:gitlab"))).isZero();
            assertThat(r.count(FlowQuery.parse("rule:gh-delete AND host:api.github.com"))).isEqualTo(3);
            // rule: still finds finding rules (Flows.rich carries an aws-key finding)
            assertThat(r.count(FlowQuery.parse("rule:aws-key"))).isEqualTo(3);
            // the rule's name is a free word too
            assertThat(r.count(FlowQuery.parse("protect"))).isEqualTo(3);

            List<Flow> exported = new ArrayList<>();
            r.scan(FlowQuery.all(), true, exported::add);
            ByteArrayOutputStream har = new ByteArrayOutputStream();
            HarWriter.write(exported, har);
            JsonNode entries = FlowJson.mapper().readTree(har.toByteArray()).get("log").get("entries");
            JsonNode blocked = entries.get(2);
            assertThat(blocked.get("_decision").get(0).get("rule").asText()).isEqualTo("protect-main");
            assertThat(blocked.get("_decision").get(0).get("action").asText()).isEqualTo("block");
            assertThat(blocked.get("_decision").get(0).get("stage").asText()).isEqualTo("rules");
            assertThat(blocked.has("_credentials")).isFalse();
            assertThat(entries.get(0).get("_credentials").toString()).isEqualTo("[\"github\",\"GitHub-App\"]");
            assertThat(entries.get(1).has("_decision")).isFalse();
            List<Flow> back = new ArrayList<>();
            HarReader.forEach(new ByteArrayInputStream(har.toByteArray()), e -> back.add(e.flow()));
            assertThat(back).containsExactlyElementsOf(written);
        }
    }

    /**
     * A flow record written before the trace existed has neither key; one without a trace is still
     * written byte for byte as before (empty lists are left out), so old and new journals read both ways.
     */
    @Test
    void recordsWithoutATraceAreUnchangedAndOldRecordsReadBack() throws Exception {
        Flow plain = Flows.get("a.test", "/", 200, "x");
        String json = FlowJson.toJson(plain);
        assertThat(json).doesNotContain("decisions").doesNotContain("credentials");
        String old = "{\"id\":\"f1\",\"seq\":7,\"session\":\"s\",\"kind\":\"HTTP\",\"start\":\"2026-11-26T10:00:00Z\","
                + "\"request\":{\"method\":\"GET\",\"scheme\":\"https\",\"host\":\"a.test\",\"port\":443,\"path\":\"/\"},"
                + "\"policy\":{\"action\":\"ALLOW\"}}";
        Flow f = FlowJson.fromJson(old);
        assertThat(f.decisions()).isEmpty();
        assertThat(f.credentials()).isEmpty();
        assertThat(f.seq()).isEqualTo(7);
        // and a reader of a newer record with a field it does not know yet keeps going
        Flow future = FlowJson.fromJson(old.replace("\"seq\":7", "\"seq\":7,\"decisions\":[{\"stage\":\"rules\",\"action\":\"block\",\"x\":1}],\"later\":[1]"));
        assertThat(future.decisions()).containsExactly(new Decision("rules", null, "block", null));
        assertThat(new String(FlowJson.toBytes(brokered(1)), StandardCharsets.UTF_8))
                .contains("\"decisions\":[{\"stage\":\"rules\",\"rule\":\"gh-delete\",\"action\":\"flag\",\"reason\":\"deletes are reviewed\"},"
                        + "{\"stage\":\"credentials\",\"rule\":\"github\",\"action\":\"inject\"}],\"credentials\":[\"github\",\"GitHub-App\"]}");
    }
}
