package dev.traffic.cli;

import static dev.traffic.cli.CaCommandsTest.traffic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.TlsInfo;
import dev.traffic.model.TunnelInfo;
import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16 #11: {@code show} and {@code stats} speak JSON; tunnels show no empty TLS fields; show pages on a terminal. */
class ShowStatsOutputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    String home() {
        return tmp.resolve("home").toString();
    }

    @BeforeEach
    void record() throws Exception {
        try (FlowStore s = FlowStore.open(tmp.resolve("home/store"), StoreOptions.defaults())) {
            s.ended(StoreFixtures.flow("GET", "registry.npmjs.org", "/left-pad", 200, "", "{}", false));
            s.ended(StoreFixtures.flow("POST", "paste.example", "/p", 500, "x", "{}", true));
            Instant t = Instant.now();
            s.ended(Flow.builder().session("test").client("127.0.0.1:40001").start(t).end(t.plusMillis(30))
                    .request(new FlowRequest("CONNECT", "https", "pinned.example", 443, null, null, "HTTP/1.1", List.of(),
                            StoreFixtures.body(new byte[0]), null, t))
                    .tls(new TlsInfo("pinned.example", null, null, null, null, null, null, null, null, null))
                    .tunnel(new TunnelInfo(517, 4096, true, "closed"))
                    .build());
        }
    }

    @Test
    void statsSpeaksJson() throws Exception {
        CaCommandsTest.Run r = traffic("stats", "--data-dir", home(), "-o", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode s = JSON.readTree(r.out());
        assertThat(s.get("flows").asLong()).isEqualTo(3);
        assertThat(s.get("flagged").asLong()).isEqualTo(1);
        assertThat(s.at("/status/5xx").asLong()).isEqualTo(1);
        assertThat(s.get("topHosts")).hasSize(3);
        assertThat(s.at("/flags/0/rule").asText()).isEqualTo("aws-key");
        assertThat(s.at("/flags/0/severity").asText()).isEqualTo("critical");
    }

    @Test
    void showSpeaksJson() throws Exception {
        CaCommandsTest.Run r = traffic("show", "--data-dir", home(), "-o", "json", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode f = JSON.readTree(r.out());
        assertThat(f.at("/request/host").asText()).isEqualTo("paste.example");
        assertThat(f.get("seq").asLong()).isEqualTo(2);
    }

    @Test
    void aTunnelShowsOnlyTheTlsFactsItHas() {
        CaCommandsTest.Run r = traffic("show", "--data-dir", home(), "3");
        assertThat(r.exit()).as(r.err()).isZero();
        String tls = r.out().lines().filter(l -> l.startsWith("tls")).findFirst().orElseThrow();
        assertThat(tls).isEqualTo("tls      sni pinned.example");
        assertThat(r.out()).doesNotContain("alpn=").doesNotContain("(issuer )").contains("passthrough");
    }

    @Test
    void aTerminalPagesThroughPagerAndAPipeDoesNot() throws Exception {
        assertThat(Pager.command(false, Map.of("PAGER", "less"))).isNull();
        assertThat(Pager.command(true, Map.of())).containsExactly("less", "-R");
        assertThat(Pager.command(true, Map.of("PAGER", "cat"))).isNull();
        assertThat(Pager.command(true, Map.of("PAGER", ""))).isNull();
        Path paged = tmp.resolve("paged.txt");
        StringWriter direct = new StringWriter();
        try (Pager p = Pager.open(true, Map.of("PAGER", "cat > '" + paged + "'"), new PrintWriter(direct))) {
            p.writer().println("through the pager");
        }
        assertThat(Files.readString(paged)).isEqualTo("through the pager\n");
        assertThat(direct.toString()).isEmpty();
        try (Pager p = Pager.open(false, Map.of("PAGER", "cat > '" + paged + "'"), new PrintWriter(direct))) {
            p.writer().println("piped");
        }
        assertThat(direct.toString()).isEqualTo("piped\n");
    }
}
