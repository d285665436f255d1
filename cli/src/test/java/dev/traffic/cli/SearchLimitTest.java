package dev.traffic.cli;

import static dev.traffic.cli.CaCommandsTest.traffic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 #4: {@code search} silently stopped at 20, also with {@code -o har} (515 matched, 20
 * written). Machine formats write every match unless {@code -n}; the human format says how many more.
 */
class SearchLimitTest {
    static final int MATCHING = 27;
    @TempDir Path tmp;

    String home() {
        return tmp.resolve("home").toString();
    }

    @BeforeEach
    void record() throws Exception {
        try (FlowStore s = FlowStore.open(tmp.resolve("home/store"), StoreOptions.defaults())) {
            for (int i = 0; i < MATCHING; i++) {
                s.ended(StoreFixtures.flow("POST", "leak.example", "/k" + i, 200, "-----BEGIN PRIVATE KEY----- " + i, "{}", false));
            }
            s.ended(StoreFixtures.flow("GET", "other.example", "/", 200, "", "{}", false));
        }
    }

    @Test
    void harWritesEveryMatchWithoutDashN() throws Exception {
        CaCommandsTest.Run r = traffic("search", "--data-dir", home(), "host:leak.example", "-o", "har");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode har = new ObjectMapper().readTree(r.out());
        assertThat(har.at("/log/entries").size()).isEqualTo(MATCHING);
        assertThat(r.err()).doesNotContain("showing");
    }

    @Test
    void jsonAndNdjsonWriteEveryMatchWithoutDashNAndHonourIt() {
        for (String fmt : new String[] {"json", "ndjson"}) {
            CaCommandsTest.Run r = traffic("search", "--data-dir", home(), "host:leak.example", "-o", fmt);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out().lines().filter(l -> l.startsWith("{"))).as(fmt).hasSize(MATCHING);
        }
        assertThat(traffic("search", "--data-dir", home(), "--json").out().lines()).hasSize(MATCHING + 1);
        CaCommandsTest.Run five = traffic("search", "--data-dir", home(), "host:leak.example", "-o", "ndjson", "-n", "5");
        assertThat(five.out().lines()).hasSize(5);
    }

    @Test
    void theHumanFormatSaysHowManyMoreMatchedAndHowToSeeThem() {
        CaCommandsTest.Run r = traffic("search", "--data-dir", home(), "host:leak.example");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).hasSize(20);
        assertThat(r.err()).contains("showing the newest 20 of " + MATCHING + " matching flows")
                .contains("-n " + MATCHING).contains("-o ndjson");
        CaCommandsTest.Run all = traffic("search", "--data-dir", home(), "host:leak.example", "-n", "" + MATCHING);
        assertThat(all.out().lines()).hasSize(MATCHING);
        assertThat(all.err()).doesNotContain("showing");
    }

    @Test
    void exportTakesDashO() throws Exception {
        Path out = tmp.resolve("leak.ndjson");
        CaCommandsTest.Run r = traffic("export", "--data-dir", home(), "host:leak.example", "-o", "ndjson", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(java.nio.file.Files.readAllLines(out)).hasSize(MATCHING);
    }
}
