package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScanCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    private final String secret = InlineDetectionTest.githubToken(new Random(9));
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    private static String entry(String id, String method, String url, String headers, String postData) {
        return "{\"_id\":\"" + id + "\",\"_session\":\"s1\",\"startedDateTime\":\"2026-01-01T00:00:00Z\",\"time\":0,"
                + "\"request\":{\"method\":\"" + method + "\",\"url\":\"" + url + "\",\"httpVersion\":\"HTTP/1.1\","
                + "\"headers\":[" + headers + "],\"queryString\":[],\"cookies\":[],\"headersSize\":-1,\"bodySize\":-1"
                + (postData == null ? "" : ",\"postData\":" + postData) + "},"
                + "\"response\":{\"status\":200,\"statusText\":\"OK\",\"httpVersion\":\"HTTP/1.1\",\"headers\":[],\"cookies\":[],"
                + "\"content\":{\"size\":0,\"mimeType\":\"text/plain\"},\"redirectURL\":\"\",\"headersSize\":-1,\"bodySize\":0},"
                + "\"cache\":{},\"timings\":{\"send\":0,\"wait\":0,\"receive\":0}}";
    }

    private Path har(String... entries) throws Exception {
        Path p = dir.resolve("flows-" + entries.length + ".har");
        Files.writeString(p, "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"t\",\"version\":\"1\"},\"entries\":["
                + String.join(",", entries) + "]}}");
        return p;
    }

    @Test
    void jsonLinesExitOneAndNeverTheSecret() throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "secrets:\n  - name: GITHUB_TOKEN\n    value: \"" + secret + "\"\n");
        String b64 = Base64.getEncoder().encodeToString(("{\"t\":\"" + secret + "\"}").getBytes(StandardCharsets.UTF_8));
        Path har = har(
                entry("e0", "GET", "https://api.github.com/user", "{\"name\":\"Authorization\",\"value\":\"Bearer " + secret + "\"}", null),
                entry("e1", "GET", "https://example.org/?q=hello", "", null),
                entry("e2", "POST", "https://collector.example.net/i", "{\"name\":\"Content-Type\",\"value\":\"application/json\"}",
                        "{\"mimeType\":\"application/json\",\"encoding\":\"base64\",\"text\":\"" + b64 + "\"}"));
        int code = run("scan", har.toString(), "--policy", policy.toString(), "--json");
        assertThat(code).as(err.toString()).isEqualTo(1);
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.toString().split("\n")) if (!l.isBlank()) lines.add(JSON.readTree(l));
        assertThat(lines).hasSize(1);
        JsonNode f = lines.get(0);
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = f.fieldNames(); it.hasNext(); ) keys.add(it.next());
        assertThat(keys).containsExactly("entry", "flow", "rule", "family", "severity", "location", "host", "fingerprint", "encoding");
        assertThat(f.get("entry").asInt()).isEqualTo(2);
        assertThat(f.get("flow").asText()).isEqualTo("e2");
        assertThat(f.get("rule").asText()).isEqualTo("github-app-token");
        assertThat(f.get("severity").asText()).isEqualTo("critical");
        assertThat(f.get("location").asText()).isEqualTo("body-json");
        assertThat(f.get("host").asText()).isEqualTo("collector.example.net");
        assertThat(out.toString()).doesNotContain(secret.substring(4, 34));
    }

    @Test
    void userinfoInHarUrlsIsScannedAsUrlUserinfo() throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "destinations:\n  github: {hosts: [api.github.com, github.com], locations: [header:authorization, url-userinfo]}\n");
        Path har = har(
                entry("u0", "GET", "https://x-access-token:" + secret + "@github.com/org/repo.git/info/refs", "", null),
                entry("u1", "GET", "https://x-access-token:" + secret + "@git.attacker.example/org/repo.git/info/refs", "", null));
        int code = run("scan", har.toString(), "--policy", policy.toString(), "--json");
        assertThat(code).as(err.toString()).isEqualTo(1);
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.toString().split("\n")) if (!l.isBlank()) lines.add(JSON.readTree(l));
        assertThat(lines).singleElement().satisfies(f -> { // allowed to github.com, critical elsewhere
            assertThat(f.get("entry").asInt()).isEqualTo(1);
            assertThat(f.get("location").asText()).isEqualTo("url-userinfo");
            assertThat(f.get("severity").asText()).isEqualTo("critical");
            assertThat(f.get("host").asText()).isEqualTo("git.attacker.example");
        });
        assertThat(out.toString()).contains("\"location\":\"url-userinfo\"").doesNotContain(secret.substring(4, 34));
    }

    @Test
    void storeModeRescansRecordedFlows() throws Exception {
        Path home = dir.resolve("home");
        byte[] leak = ("{\"k\":\"" + secret + "\"}").getBytes(StandardCharsets.UTF_8);
        try (dev.traffic.store.FlowStore s = dev.traffic.store.FlowStore.open(home.resolve("store"),
                dev.traffic.store.StoreOptions.defaults())) {
            for (String host : List.of("collector.example.net", "example.org")) {
                boolean bad = host.startsWith("collector");
                byte[] body = bad ? leak : "{\"k\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
                dev.traffic.model.FlowRequest req = new dev.traffic.model.FlowRequest("POST", "https", host, 443,
                        "/i", null, "HTTP/1.1", List.of(new dev.traffic.model.Header("Content-Type", "application/json")),
                        new dev.traffic.model.Body(body.length, "0".repeat(64), body, false), List.of(), null);
                s.ended(dev.traffic.model.Flow.builder().session("s9").request(req).build());
            }
        }
        int code = run("scan", "--data-dir", home.toString(), "--store", "--json");
        assertThat(code).as(err.toString()).isEqualTo(1);
        JsonNode f = JSON.readTree(out.toString().lines().filter(l -> !l.isBlank()).findFirst().orElseThrow());
        assertThat(f.get("entry").isNull()).isTrue();
        assertThat(f.get("rule").asText()).isEqualTo("github-app-token");
        assertThat(f.get("host").asText()).isEqualTo("collector.example.net");
        out.getBuffer().setLength(0);
        assertThat(run("scan", "--data-dir", home.toString(), "--store", "host:example.org", "--json")).isZero();
    }

    /**
     * Issue 16 #8: the proxy redacts what it finds, so the stored text holds markers, not secrets; a
     * re-scan alone printed nothing and exited 0 on a store with 3 critical findings.
     */
    @Test
    void storeModeReportsTheFindingsRecordedOnRedactedFlows() throws Exception {
        Path home = dir.resolve("home-redacted");
        try (dev.traffic.store.FlowStore s = dev.traffic.store.FlowStore.open(home.resolve("store"),
                dev.traffic.store.StoreOptions.defaults())) {
            for (int i = 0; i < 3; i++) {
                byte[] body = ("{\"k\":\"[REDACTED:github-app-token:4f1c0a9b2e7" + i + ":ghs_..BLfe]\"}").getBytes(StandardCharsets.UTF_8);
                dev.traffic.model.FlowRequest req = new dev.traffic.model.FlowRequest("POST", "https", "paste.example", 443,
                        "/p" + i, null, "HTTP/1.1", List.of(new dev.traffic.model.Header("Content-Type", "application/json")),
                        StoreFixtures.body(body), List.of(), null);
                s.ended(dev.traffic.model.Flow.builder().session("s7").request(req)
                        .findings(List.of(new dev.traffic.model.Finding("github-app-token", "github",
                                dev.traffic.model.Severity.CRITICAL, "body-json", "paste.example", "4f1c0a9b2e7" + i + ":ghs_..BLfe",
                                "plain", "")))
                        .build());
            }
            s.ended(StoreFixtures.flow("GET", "example.org", "/", 200, "", "ok", false));
        }
        int code = run("scan", "--data-dir", home.toString(), "--store", "--json");
        assertThat(code).as(err.toString()).isEqualTo(1);
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.toString().lines().filter(l -> !l.isBlank()).toList()) lines.add(JSON.readTree(l));
        assertThat(lines).hasSize(3).allSatisfy(f -> {
            assertThat(f.get("severity").asText()).isEqualTo("critical");
            assertThat(f.get("rule").asText()).isEqualTo("github-app-token");
            assertThat(f.get("host").asText()).isEqualTo("paste.example");
        });
        out.getBuffer().setLength(0);
        assertThat(run("scan", "--data-dir", home.toString(), "--store")).isEqualTo(1);
        assertThat(out.toString().lines().filter(l -> l.startsWith("critical"))).hasSize(3);
        assertThat(run("scan", "--data-dir", home.toString(), "--store", "host:example.org")).isZero();
    }

    /** Issue 16 #8: "found something" (1) and "cannot read the input" (3) are different exit codes. */
    @Test
    void anUnreadableHarIsAnErrorNotAFinding() throws Exception {
        Path bad = dir.resolve("broken.har");
        Files.writeString(bad, "{\"log\": {\"entries\": [ {\"request\": ");
        assertThat(run("scan", bad.toString())).as(err.toString()).isEqualTo(ExitCodes.ERROR);
        assertThat(err.toString()).contains("broken.har");
        assertThat(run("scan", "--data-dir", dir.resolve("nowhere").toString(), "--store")).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void cleanFileExitsZeroAndUsageErrorsExitTwo() throws Exception {
        Path har = har(entry("a", "GET", "https://example.org/x?id=3761d288-3aa2-4269-b2ea-426082a253d7", "", null));
        assertThat(run("scan", har.toString(), "--json")).isZero();
        assertThat(out.toString()).isBlank();
        assertThat(run("scan", dir.resolve("missing.har").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("missing.har");
        assertThat(run("scan", har.toString(), "--min-severity", "loud")).isEqualTo(2);
        assertThat(run("scan")).isEqualTo(2);
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "secrets: [{name: X}]");
        assertThat(run("scan", har.toString(), "--policy", bad.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("bad.yaml");
    }
}
