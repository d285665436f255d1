package dev.traffic.cli;

import static dev.traffic.cli.CaCommandsTest.traffic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.traffic.store.FlowJson;
import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import dev.traffic.store.har.HarReader;
import dev.traffic.model.Flow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** search, show, export, stats, verify, reindex through Main.commandLine() on a store written via the API. */
class StoreCommandsTest {
    @TempDir Path tmp;
    final List<Flow> written = new ArrayList<>();

    String home() {
        return tmp.resolve("home").toString();
    }

    @BeforeEach
    void record() throws Exception {
        try (FlowStore s = FlowStore.open(tmp.resolve("home/store"), StoreOptions.defaults())) {
            for (int i = 1; i <= 12; i++) {
                Flow f = i % 3 == 0
                        ? StoreFixtures.flow("POST", "api.github.com", "/graphql", 500, "{\"q\":\"BEGIN PRIVATE KEY " + i + "\"}", "{}", true)
                        : StoreFixtures.flow("GET", "registry.npmjs.org", "/left-pad", 200, "", "{\"name\":\"left-pad\",\"n\":" + i + "}", false);
                s.ended(f);
                written.add(f.withSeq(i));
            }
        }
    }

    @Test
    void searchFindsKeywordNumericPhraseAndHeaderQueries() {
        assertThat(traffic("search", "--data-dir", home(), "--count", "method:POST").out().trim()).isEqualTo("4");
        assertThat(traffic("search", "--data-dir", home(), "--count", "host:api.github.com", "status:>=500").out().trim()).isEqualTo("4");
        assertThat(traffic("search", "--data-dir", home(), "--count", "body:\"begin private key\"").out().trim()).isEqualTo("4");
        assertThat(traffic("search", "--data-dir", home(), "--count", "header.authorization:*").out().trim()).isEqualTo("12");
        assertThat(traffic("search", "--data-dir", home(), "--count", "flag:critical").out().trim()).isEqualTo("4");
        CaCommandsTest.Run r = traffic("search", "--data-dir", home(), "-n", "3", "host:registry.npmjs.org");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).hasSize(3).allMatch(l -> l.contains("GET https://registry.npmjs.org/left-pad 200"));
        assertThat(r.out().lines().findFirst().orElseThrow()).startsWith("#11 "); // newest first
        CaCommandsTest.Run facet = traffic("search", "--data-dir", home(), "--facet", "host");
        assertThat(facet.out()).contains("8  registry.npmjs.org").contains("4  api.github.com");
    }

    @Test
    void searchJsonAndShowGiveTheFlowBack() throws Exception {
        CaCommandsTest.Run r = traffic("search", "--data-dir", home(), "-o", "json", "-n", "1", "seq:3");
        assertThat(FlowJson.fromJson(r.out().trim())).isEqualTo(written.get(2));
        CaCommandsTest.Run show = traffic("show", "--data-dir", home(), written.get(2).id());
        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains("> POST https://api.github.com/graphql").contains("> X-Dup: 1\n> X-Dup: 2")
                .contains("\"q\" : \"BEGIN PRIVATE KEY 3\"").contains("critical aws-key");
        assertThat(traffic("show", "--data-dir", home(), "3").out()).isEqualTo(show.out());
        assertThat(traffic("show", "--data-dir", home(), "999").exit()).isEqualTo(2);
    }

    @Test
    void badQueryIsAUsageErrorWithThePosition() {
        CaCommandsTest.Run r = traffic("search", "--data-dir", home(), "host:(a OR");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("traffic: bad query").contains("position");
    }

    @Test
    void exportHarAndNdjsonRoundTrip() throws Exception {
        Path har = tmp.resolve("out.har");
        CaCommandsTest.Run r = traffic("export", "--data-dir", home(), "--format", "har", "--out", har.toString());
        assertThat(r.exit()).isZero();
        JsonNode log = new ObjectMapper().readTree(har.toFile()).get("log");
        assertThat(log.get("version").asText()).isEqualTo("1.2");
        List<Flow> back = new ArrayList<>();
        for (HarReader.Entry e : HarReader.readAll(har)) back.add(e.flow());
        assertThat(back).containsExactlyElementsOf(written);
        Path nd = tmp.resolve("out.ndjson");
        assertThat(traffic("export", "--data-dir", home(), "--format", "ndjson", "--out", nd.toString(), "method:POST").exit()).isZero();
        List<String> lines = Files.readAllLines(nd);
        assertThat(lines).hasSize(4);
        assertThat(FlowJson.fromJson(lines.get(0))).isEqualTo(written.get(2));
        assertThat(tmp.resolve(".out.ndjson.partial")).doesNotExist();
    }

    @Test
    void statsVerifyAndReindex() {
        CaCommandsTest.Run st = traffic("stats", "--data-dir", home());
        assertThat(st.out()).contains("flows          12 (4 flagged)").contains("8  registry.npmjs.org").contains("critical aws-key");
        CaCommandsTest.Run v = traffic("verify", "--data-dir", home());
        assertThat(v.exit()).isZero();
        assertThat(v.out()).contains("flows verified:       12").contains("OK");
        assertThat(v.out()).contains("WARNING signatures checked against the store's own store.pub");
        CaCommandsTest.Run strict = traffic("verify", "--data-dir", home(), "--strict");
        assertThat(strict.exit()).as("--strict fails on the own-key warning").isEqualTo(1);
        CaCommandsTest.Run keyed = traffic("verify", "--data-dir", home(), "--strict",
                "--key", java.nio.file.Path.of(home(), "store", "store.pub").toString());
        assertThat(keyed.exit()).as(keyed.out()).isZero();
        assertThat(keyed.out()).contains("OK: the record is intact").doesNotContain("WARNING");
        CaCommandsTest.Run ri = traffic("reindex", "--data-dir", home());
        assertThat(ri.exit()).isZero();
        assertThat(ri.out()).contains("reindexed 12 flow(s)");
        assertThat(traffic("search", "--data-dir", home(), "--count").out().trim()).isEqualTo("12");
    }

    @Test
    void tailPrintsTheLastFlowsAndResumesFromACursor() throws Exception {
        CaCommandsTest.Run t = traffic("tail", "--data-dir", home(), "-n", "2");
        assertThat(t.out().lines()).hasSize(2);
        assertThat(t.out().lines().toList().get(1)).startsWith("#12 ");
        Path cursor = tmp.resolve("cursor");
        Files.writeString(cursor, "10\n");
        CaCommandsTest.Run c = traffic("tail", "--data-dir", home(), "--cursor-file", cursor.toString(), "-o", "json");
        assertThat(c.out().lines()).hasSize(2);
        assertThat(Files.readString(cursor).trim()).isEqualTo("12");
        CaCommandsTest.Run q = traffic("tail", "--data-dir", home(), "-q", "method:POST", "-n", "10");
        assertThat(q.out().lines()).hasSize(4).allMatch(l -> l.contains("POST"));
    }
}
