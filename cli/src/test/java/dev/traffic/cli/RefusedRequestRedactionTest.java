package dev.traffic.cli;

import static dev.traffic.cli.CaCommandsTest.traffic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.ca.CaOptions;
import dev.traffic.ca.CertificateAuthority;
import dev.traffic.ca.LeafKeyManager;
import dev.traffic.ca.LeafMinter;
import dev.traffic.detect.Alerter;
import dev.traffic.proxy.HostRules;
import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.ProxyServer;
import dev.traffic.store.FlowJson;
import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests the proxy refuses before inline inspection (a host denied by policy, a malformed head)
 * still go through detection before they reach the store: the real proxy records into a real
 * {@link FlowStore}, and {@code traffic search}/{@code traffic show} read the flow back with the
 * credentials replaced and the findings attached. Nothing is forwarded (there is no upstream).
 */
class RefusedRequestRedactionTest {
    @TempDir Path dir;
    private final Random rnd = new Random(11);
    private final String headerToken = github("ghp_");
    private final String queryToken = github("ghs_");
    private final String bodyToken = github("gho_");

    private String github(String prefix) {
        return InlineDetectionTest.githubToken(prefix, rnd);
    }

    private String home() {
        return dir.resolve("home").toString();
    }

    /** Runs the proxy (detection on, redaction default, *.denied.test denied) over a real store, then closes both. */
    private void withProxy(boolean storeSecrets, ProxyAction action) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "secrets:\n  - name: OTHER\n    value: \"" + github("ghu_") + "\"\n");
        DetectOptions o = new DetectOptions();
        o.policy = policy;
        o.onFinding = "flag";
        o.findingSeverity = "medium";
        o.alertFormat = "notify";
        o.scanWindow = 1L << 20;
        o.storeSecrets = storeSecrets;
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), CaOptions.defaults());
        try (FlowStore store = FlowStore.open(dir.resolve("home/store"), StoreOptions.defaults())) {
            ProxyConfig.Builder b = ProxyConfig.builder()
                    .listen(new InetSocketAddress("127.0.0.1", 0))
                    .interceptKeys(new LeafKeyManager(new LeafMinter(ca)).asFactory())
                    .hostRules(HostRules.builder().deny("*.denied.test").build())
                    .session(store.session())
                    .sink(store);
            Alerter alerter = o.apply(b);
            try (ProxyServer server = ProxyServer.start(b.build())) {
                action.run(server.address().getPort());
                // the flow is ended once the refusal went out; wait for it to be written
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (store.writtenSeq() < 1 && System.nanoTime() < deadline) java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            } finally {
                if (alerter != null) alerter.close();
            }
        }
    }

    @FunctionalInterface
    private interface ProxyAction {
        void run(int port) throws Exception;
    }

    private List<Flow> storedFlows() throws Exception {
        CaCommandsTest.Run r = traffic("search", "--data-dir", home(), "-o", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().lines().filter(l -> !l.isBlank()).map(FlowJson::fromJson).toList();
    }

    /** Every byte the store wrote, as text: a raw token must not be anywhere in it. */
    private String storeBytes() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir.resolve("home/store"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) sb.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }

    private static String readAll(java.io.InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void deniedHostIsRecordedRedactedWithFindings() throws Exception {
        String[] code = new String[1];
        withProxy(false, port -> {
            ProcessBuilder pb = new ProcessBuilder("curl", "-sS", "--max-time", "20", "-x", "http://127.0.0.1:" + port,
                    "-H", "Authorization: Bearer " + headerToken, "-H", "Content-Type: application/json",
                    "--data-binary", "{\"note\":\"" + bodyToken + "\"}", "-o", "/dev/null", "-w", "%{http_code}",
                    "http://upload.denied.test/v1/items?access_token=" + queryToken + "&page=2");
            pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
            Process p = pb.start();
            code[0] = readAll(p.getInputStream()).trim();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        });
        assertThat(code[0]).isEqualTo("403");

        List<Flow> flows = storedFlows();
        assertThat(flows).hasSize(1);
        Flow f = flows.get(0);
        assertThat(f.policy().action()).isEqualTo(PolicyDecision.Action.BLOCK);
        assertThat(f.policy().rule()).contains("denied.test");
        assertThat(f.request().header("Authorization")).startsWith("Bearer [REDACTED:github-");
        assertThat(f.request().query()).contains("access_token=[REDACTED:github-").contains("page=2");
        assertThat(f.findings()).extracting(Finding::location).contains("header:authorization", "query:access_token");
        assertThat(f.findings()).filteredOn(x -> x.location().startsWith("header:") || x.location().startsWith("query:"))
                .allSatisfy(x -> assertThat(x.severity()).isEqualTo(Severity.CRITICAL));
        String body = f.request().body() == null ? "" : new String(f.request().body().recorded(), StandardCharsets.ISO_8859_1);
        assertThat(body).doesNotContain(bodyToken);

        String shown = traffic("show", "--data-dir", home(), f.id()).out();
        assertThat(shown).contains("[REDACTED:github-").contains("critical");
        for (String t : List.of(headerToken, queryToken, bodyToken)) {
            assertThat(shown).doesNotContain(t);
            assertThat(FlowJson.toJson(f)).doesNotContain(t);
            assertThat(storeBytes()).doesNotContain(t);
        }
    }

    @Test
    void malformedHeadIsRecordedRedacted() throws Exception {
        String[] answer = new String[1];
        withProxy(false, port -> {
            // HTTP/1.1 without Host: parsed, then answered 400 before any exchange or inspection exists
            String req = "GET http://127.0.0.1:9/x?key=" + queryToken + " HTTP/1.1\r\n"
                    + "Authorization: Bearer " + headerToken + "\r\n\r\n";
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                answer[0] = readAll(s.getInputStream());
            }
        });
        assertThat(answer[0]).startsWith("HTTP/1.1 400");
        List<Flow> flows = storedFlows();
        assertThat(flows).hasSize(1);
        Flow f = flows.get(0);
        assertThat(f.error()).contains("missing Host header");
        assertThat(f.request().header("Authorization")).startsWith("Bearer [REDACTED:github-");
        assertThat(f.request().path()).contains("[REDACTED:github-");
        assertThat(f.findings()).extracting(Finding::location).contains("header:authorization");
        String json = FlowJson.toJson(f);
        assertThat(json).doesNotContain(headerToken).doesNotContain(queryToken);
        assertThat(storeBytes()).doesNotContain(headerToken).doesNotContain(queryToken);
    }

    @Test
    void storeSecretsKeepsARefusedRequestRawButStillRecordsTheFindings() throws Exception {
        withProxy(true, port -> {
            String req = "GET http://api.denied.test/x?key=" + queryToken + " HTTP/1.1\r\nHost: api.denied.test\r\n"
                    + "Connection: close\r\n\r\n";
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 403");
            }
        });
        Flow f = storedFlows().get(0);
        assertThat(f.request().query()).isEqualTo("key=" + queryToken);
        assertThat(f.findings()).extracting(Finding::location).contains("query:key");
    }
}
