package dev.traffic.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipper's small parts: cursor file, credentials, back-off, index names, sandbox identity, config checks. */
class ShipUnitsTest {
    @TempDir Path dir;

    @Test
    void cursorRoundTripsAndAFreshOneStartsAtZero() throws IOException {
        Path f = dir.resolve("ship/cursor");
        assertThat(ShipCursor.read(f)).isEqualTo(ShipCursor.START);
        ShipCursor c = new ShipCursor(42, Instant.parse("2026-12-08T01:02:03Z"), 40, 2, 1, 0, "abcd");
        c.write(f);
        assertThat(ShipCursor.read(f)).isEqualTo(c);
        assertThat(Files.list(f.getParent())).as("no temp file left behind").containsExactly(f);
    }

    @Test
    void aDamagedCursorIsAnErrorNamingTheFile() throws IOException {
        Path f = Files.writeString(dir.resolve("cursor"), "seq=12\n");
        assertThatThrownBy(() -> ShipCursor.read(f)).hasMessageContaining(f.toString()).hasMessageContaining("not a traffic ship cursor");
        Files.writeString(f, "traffic-ship-cursor v1 seq=x\n");
        assertThatThrownBy(() -> ShipCursor.read(f)).hasMessageContaining("damaged");
    }

    @Test
    void credentialsComeFromTheFileAndNeverShowInText() throws IOException {
        Path basic = Files.writeString(dir.resolve("basic"), "admin:s3cret\n");
        Auth a = Auth.parse("basic:" + basic);
        assertThat(a.header()).isEqualTo("Basic YWRtaW46czNjcmV0");
        assertThat(a.toString()).doesNotContain("s3cret");
        Path token = Files.writeString(dir.resolve("token"), "tok-123");
        assertThat(Auth.parse("bearer:" + token).header()).isEqualTo("Bearer tok-123");
        assertThat(Auth.parse("none").header()).isNull();
        assertThatThrownBy(() -> Auth.parse("digest:x")).hasMessageContaining("unknown auth kind 'digest'");
        assertThatThrownBy(() -> Auth.parse("basic:" + token).header()).hasMessageContaining("user:password").hasMessageNotContaining("tok-123");
        assertThatThrownBy(() -> Auth.parse("basic:" + dir.resolve("missing")).check()).hasMessageContaining("cannot read");
    }

    @Test
    void backOffGrowsIsJitteredAndStaysUnderItsCap() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        long prevCeiling = 0;
        for (int i = 0; i < 20; i++) {
            long ceiling = Math.min(2000, 100L << i);
            long w = b.next();
            assertThat(w).isBetween(ceiling / 2, ceiling);
            assertThat(ceiling).isGreaterThanOrEqualTo(prevCeiling);
            prevCeiling = ceiling;
        }
        b.reset();
        assertThat(b.next()).isBetween(50L, 100L);
    }

    @Test
    void indexNamesDependOnlyOnTheFlowsTime() {
        Instant t = Instant.parse("2026-12-08T23:59:59.999Z");
        assertThat(IndexPeriod.DAY.index("traffic", t)).isEqualTo("traffic-flows-2026.12.08");
        assertThat(IndexPeriod.HOUR.index("fleet", t)).isEqualTo("fleet-flows-2026.12.08.23");
        assertThat(IndexPeriod.pattern("fleet")).isEqualTo("fleet-flows-*");
    }

    @Test
    void sandboxIdentityFromOptionEnvironmentOrPod() {
        assertThat(Sandbox.fromEnvironment("given", Map.of("POD_NAME", "p")).id()).isEqualTo("given");
        Sandbox s = Sandbox.fromEnvironment(null, Map.of("POD_NAME", "agent-7", "POD_NAMESPACE", "team-a", "NODE_NAME", "n1"));
        assertThat(s).isEqualTo(new Sandbox("agent-7", "agent-7", "team-a", "n1"));
        assertThat(Sandbox.fromEnvironment(null, Map.of("TRAFFIC_SANDBOX_ID", "sb", "POD_NAME", "p")).id()).isEqualTo("sb");
    }

    @Test
    void aDocumentHasTheIndexFieldsOnceTextAsTokensAndTheFlowAsRecorded() throws Exception {
        dev.traffic.model.Flow f = dev.traffic.model.Flow.builder().seq(7).start(Instant.parse("2026-12-01T00:00:00Z"))
                .request(new dev.traffic.model.FlowRequest("POST", "https", "API.example.com", 443, "/v1/Upload", null, "HTTP/1.1",
                        java.util.List.of(new dev.traffic.model.Header("Authorization", "Bearer x")), dev.traffic.model.Body.EMPTY, null, null))
                .error("Connect timed-out").build();
        var out = new java.io.ByteArrayOutputStream();
        new ShippedDocument("abcd", new Sandbox("Pod-A", "pod-a", "ns", null), -1, "t", IndexPeriod.DAY).writeCreate(f, new byte[32], out);
        String[] lines = out.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n");
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(json.readTree(lines[0]).path("create").path("_id").asText()).isEqualTo("abcd-7");
        var doc = json.readTree(lines[1]);
        assertThat(doc.path("seq").isNumber()).as("one number, not the doc-values twin as text: " + doc.path("seq")).isTrue();
        assertThat(doc.path("time").asLong()).isEqualTo(1796083200000L);
        assertThat(doc.path("host").asText()).isEqualTo("api.example.com");
        assertThat(doc.path("header").asText()).isEqualTo("authorization:bearer x");
        assertThat(doc.path("error").asText()).isEqualTo("connect timed out");
        assertThat(doc.path("text").asText()).isEqualTo("post https api example com v1 upload connect timed out");
        assertThat(doc.path("sandbox").asText()).isEqualTo("pod-a");
        assertThat(doc.path("origin").path("namespace").asText()).isEqualTo("ns");
        assertThat(doc.path("leaf_index").asLong()).isEqualTo(6);
        assertThat(dev.traffic.store.FlowJson.fromJson(json.writeValueAsString(doc.path("flow")))).isEqualTo(f);
    }

    @Test
    void configRejectsCredentialsInTheUrlAndBadPrefixes() {
        Sandbox s = new Sandbox("x", null, null, null);
        assertThatThrownBy(() -> ShipConfig.of(URI.create("https://u:p@h:9200"), s, dir)).hasMessageContaining("not in the URL");
        assertThatThrownBy(() -> ShipConfig.of(URI.create("ftp://h"), s, dir)).hasMessageContaining("http(s)");
        assertThatThrownBy(() -> ShipConfig.of(URI.create("http://h:9200"), s, dir).withIndexPrefix("Bad*")).hasMessageContaining("index prefix");
    }
}
