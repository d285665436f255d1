package dev.traffic.cli;

import static dev.traffic.cli.CaCommandsTest.traffic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.traffic.model.Decision;
import dev.traffic.model.Flow;
import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decision trace and brokered credential names through search, show, tail and export. */
class DecisionTraceCommandsTest {
    @TempDir Path tmp;

    String home() {
        return tmp.resolve("home").toString();
    }

    @BeforeEach
    void record() throws Exception {
        try (FlowStore s = FlowStore.open(tmp.resolve("home/store"), StoreOptions.defaults())) {
            s.ended(StoreFixtures.flow("POST", "git.test", "/r.git/git-receive-pack", 403, "", "", false).toBuilder()
                    .decisions(List.of(new Decision("rules", "protect-main", "block", "main is protected"))).build());
            s.ended(StoreFixtures.flow("GET", "api.github.com", "/user", 200, "", "{}", false).toBuilder()
                    .decisions(List.of(new Decision("credentials", "github", "inject", null))).credentials(List.of("github")).build());
            s.ended(StoreFixtures.flow("GET", "registry.npmjs.org", "/x", 200, "", "{}", false));
        }
    }

    @Test
    void searchByRuleActionAndCredential() {
        assertThat(traffic("search", "--data-dir", home(), "--count", "rule:protect-main").out().trim()).isEqualTo("1");
        assertThat(traffic("search", "--data-dir", home(), "--count", "action:block").out().trim()).isEqualTo("1");
        assertThat(traffic("search", "--data-dir", home(), "--count", "credential:github").out().trim()).isEqualTo("1");
        CaCommandsTest.Run line = traffic("search", "--data-dir", home(), "action:block");
        assertThat(line.out()).contains("POST https://git.test/r.git/git-receive-pack 403").contains("block=protect-main");
        assertThat(traffic("search", "--data-dir", home(), "credential:github").out()).contains("creds=github");
    }

    @Test
    void showPrintsTheTraceAndExportCarriesIt() throws Exception {
        CaCommandsTest.Run show = traffic("show", "--data-dir", home(), "1");
        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains("decision rules rule protect-main: block - main is protected");
        assertThat(traffic("show", "--data-dir", home(), "2").out())
                .contains("decision credentials rule github: inject").contains("brokered github");
        Path har = tmp.resolve("out.har");
        assertThat(traffic("export", "--data-dir", home(), "--format", "har", "--out", har.toString()).exit()).isZero();
        JsonNode entries = new ObjectMapper().readTree(har.toFile()).get("log").get("entries");
        assertThat(entries.get(0).get("_decision").get(0).get("reason").asText()).isEqualTo("main is protected");
        assertThat(entries.get(1).get("_credentials").get(0).asText()).isEqualTo("github");
    }
}
