package dev.traffic.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.traffic.model.Body;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import dev.traffic.model.Severity;
import dev.traffic.stage.StageInput;
import dev.traffic.stage.StageOutcome;
import dev.traffic.stage.StreamRewriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage in isolation: StageInput in, StageOutcome out, rewriters run by hand. */
class BrokerStageTest {
    static final String PH = "traffic-placeholder-gh";
    static final String REAL = "ghp_realRealReal0001";
    @TempDir Path dir;

    private BrokerStage stage(String extra, boolean block) {
        String yaml = """
                credentials:
                  - name: gh
                    valueFrom: {env: GH_REAL}
                    placeholder: %s
                    hosts: [api.github.com, "*.githubusercontent.com"]
                    methods: [GET, POST]
                    paths: ["/repos/acme/*", "/user"]
                %s""".formatted(PH, extra);
        List<CredentialSpec> specs = CredentialsConfig.parse(yaml, "p.yaml", dir);
        Vault v = Vault.load(specs, Map.of("GH_REAL", REAL)::get);
        return new BrokerStage(v, GitHubAppTokens.create(v), block);
    }

    private static FlowRequest req(String method, String host, String path, String query, List<Header> hs, String body, boolean truncated) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return new FlowRequest(method, "https", host, 443, path, query, "HTTP/1.1", hs, new Body(b.length, null, b, truncated), null, null);
    }

    private static StageOutcome run(BrokerStage s, FlowRequest r) {
        return s.apply(new StageInput(r, "127.0.0.1:1", "s", "f")).toCompletableFuture().join();
    }

    @Test
    void replacesThePlaceholderEverywhereForItsHosts() {
        String basic = Base64.getEncoder().encodeToString(("x-access-token:" + PH).getBytes());
        FlowRequest r = req("POST", "api.github.com", "/repos/acme/" + PH, "t=" + PH,
                List.of(new Header("Authorization", "Basic " + basic), new Header("X-Token", "token " + PH)), "{\"t\":\"" + PH + "\"}", false);
        StageOutcome o = run(stage("", false), r);
        assertThat(o.refused()).isFalse();
        FlowRequest f = o.forward();
        assertThat(f.path()).isEqualTo("/repos/acme/" + REAL);
        assertThat(f.query()).isEqualTo("t=" + REAL);
        assertThat(f.header("authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString(("x-access-token:" + REAL).getBytes()));
        assertThat(f.header("x-token")).isEqualTo("token " + REAL);
        assertThat(new String(f.body().recorded(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":\"" + REAL + "\"}");
        assertThat(o.credentials()).containsExactly("gh");
        assertThat(o.decisions()).anyMatch(d -> d.action().equals("inject") && d.rule().equals("gh"));
        // the input is untouched: the record keeps the placeholder
        assertThat(r.header("x-token")).isEqualTo("token " + PH);
    }

    @Test
    void userinfoBecomesBasicAndInjectSetsTheHeaderWithoutAPlaceholder() {
        FlowRequest r = req("GET", "api.github.com", "/user", null, List.of(), "", false).withUserinfo("x-access-token:" + PH);
        assertThat(run(stage("", false), r).forward().header("authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString(("x-access-token:" + REAL).getBytes()));
        BrokerStage inj = stage("    inject: {header: Authorization, format: \"Bearer {value}\"}\n", false);
        StageOutcome o = run(inj, req("GET", "api.github.com", "/user", null, List.of(), "", false));
        assertThat(o.forward().header("authorization")).isEqualTo("Bearer " + REAL);
    }

    @Test
    void outOfScopeIsAHighFindingAndNotReplaced() {
        FlowRequest r = req("GET", "evil.example", "/", null, List.of(new Header("Authorization", "Bearer " + PH)), "", false);
        StageOutcome o = run(stage("", false), r);
        assertThat(o.refused()).isFalse();
        assertThat(o.forward()).isNull();
        assertThat(o.findings()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo(BrokerStage.OUT_OF_SCOPE);
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.location()).isEqualTo("header:authorization");
            assertThat(f.detail()).doesNotContain(REAL);
        });
        StageOutcome b = run(stage("", true), r);
        assertThat(b.refused()).isTrue();
        assertThat(b.refusal().status()).isEqualTo(403);
        assertThat(b.refusal().reason()).isEqualTo("credential gh may not be sent to evil.example (credential-out-of-scope)");
    }

    @Test
    void narrowingRefusesMethodAndPath() {
        FlowRequest del = req("DELETE", "api.github.com", "/repos/x", null, List.of(new Header("Authorization", "Bearer " + PH)), "", false);
        StageOutcome o = run(stage("", false), del);
        assertThat(o.refused()).isTrue();
        assertThat(o.refusal().status()).isEqualTo(403);
        assertThat(o.refusal().reason()).isEqualTo("credential gh does not allow DELETE /repos/x (rule credentials.gh)");
        // no placeholder and no inject: the broker has nothing to do, nothing is refused
        assertThat(run(stage("", false), req("DELETE", "api.github.com", "/repos/x", null, List.of(), "", false))).isSameAs(StageOutcome.PROCEED);
    }

    @Test
    void aCompressedBodyIsForwardedUnchangedAndTheTraceSaysSo() {
        FlowRequest r = req("POST", "api.github.com", "/user", null,
                List.of(new Header("Authorization", "Bearer " + PH), new Header("Content-Encoding", "gzip")), "\u001f\u008b" + PH, false);
        StageOutcome o = run(stage("", false), r);
        assertThat(o.forward().body()).isSameAs(r.body());
        assertThat(o.decisions()).anyMatch(d -> d.action().equals("skip") && d.reason().contains("gzip"));
    }

    @Test
    void aPlaceholderSplitBetweenTheHeldPrefixAndTheTailIsReplaced() {
        String body = "x".repeat(100) + PH.substring(0, 10);
        FlowRequest r = req("POST", "api.github.com", "/user", null, List.of(), body, true);
        StageOutcome o = run(stage("", false), r);
        StreamRewriter tail = o.bodyTail();
        assertThat(tail).isNotNull();
        String sent = new String(o.forward().body().recorded(), StandardCharsets.UTF_8)
                + new String(tail.rewrite((PH.substring(10) + " end").getBytes(), true), StandardCharsets.UTF_8);
        assertThat(sent).isEqualTo("x".repeat(100) + REAL + " end");
    }

    @Test
    void responsesGetThePlaceholderBackInHeadersAndPlainAndGzipBodies() throws Exception {
        FlowRequest r = req("GET", "api.github.com", "/user", null, List.of(new Header("Authorization", "Bearer " + PH)), "", false);
        StageOutcome o = run(stage("", false), r);
        List<Header> resp = List.of(new Header("X-Echo", "Bearer " + REAL));
        assertThat(o.response().headers().apply(resp)).containsExactly(new Header("X-Echo", "Bearer " + PH));
        StreamRewriter plain = o.response().body().apply(resp);
        byte[] a = plain.rewrite(("{\"t\":\"" + REAL.substring(0, 5)).getBytes(), false);
        byte[] b = plain.rewrite((REAL.substring(5) + "\"}").getBytes(), true);
        assertThat(new String(a) + new String(b)).isEqualTo("{\"t\":\"" + PH + "\"}");

        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(z)) {
            g.write(("echo " + REAL).getBytes());
        }
        StreamRewriter gz = o.response().body().apply(List.of(new Header("Content-Encoding", "gzip")));
        byte[] zz = z.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(gz.rewrite(java.util.Arrays.copyOfRange(zz, 0, 7), false));
        out.writeBytes(gz.rewrite(java.util.Arrays.copyOfRange(zz, 7, zz.length), true));
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(out.toByteArray()))) {
            assertThat(new String(in.readAllBytes())).isEqualTo("echo " + PH);
        }
        StreamRewriter br = o.response().body().apply(List.of(new Header("Content-Encoding", "br")));
        assertThat(br.rewrite(REAL.getBytes(), true)).as("an unreadable coding is withheld").isEmpty();
    }

    @Test
    void configErrorsNameTheEntryAndSecretsAreRequiredAtStart() throws Exception {
        assertThatThrownBy(() -> CredentialsConfig.parse("credentials:\n  - name: aws\n    aws: {accessKeyIdFrom: {env: A}}\n    hosts: [x.amazonaws.com]\n",
                "p.yaml", dir)).hasMessage("policy p.yaml: credentials[0] (aws): aws.secretKeyFrom is required ({file: PATH} or {env: NAME})");
        assertThatThrownBy(() -> CredentialsConfig.parse("credentials:\n  - name: gh\n    valueFrom: {env: X}\n    hosts: [\"*\"]\n", "p.yaml", dir))
                .hasMessageContaining("credentials[0] (gh): hosts:");
        List<CredentialSpec> specs = CredentialsConfig.parse("credentials:\n  - name: gh\n    valueFrom: {file: tok}\n    hosts: [api.github.com]\n",
                "p.yaml", dir);
        assertThatThrownBy(() -> Vault.load(specs, k -> null)).hasMessage("credential gh: no such file " + dir.resolve("tok"));
        Files.writeString(dir.resolve("tok"), "  \n");
        assertThatThrownBy(() -> Vault.load(specs, k -> null)).hasMessage("credential gh: " + dir.resolve("tok") + " is empty");
        Files.writeString(dir.resolve("tok"), "one\n");
        Vault v = Vault.load(specs, k -> null);
        assertThat(v.get("gh").token()).isEqualTo("one");
        assertThat(v.get("gh").toString()).doesNotContain("one");
        Files.delete(dir.resolve("tok"));
        assertThat(v.reload()).isEmpty();
        assertThat(v.get("gh").token()).as("a failing re-read keeps the old value").isEqualTo("one");
        Files.writeString(dir.resolve("tok"), "two");
        assertThat(v.reload()).containsExactly("gh");
        assertThat(v.get("gh").token()).isEqualTo("two");
    }
}
