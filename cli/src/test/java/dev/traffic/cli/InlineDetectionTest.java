package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.traffic.ca.CaOptions;
import dev.traffic.ca.CertificateAuthority;
import dev.traffic.ca.LeafKeyManager;
import dev.traffic.ca.LeafMinter;
import dev.traffic.detect.Alerter;
import dev.traffic.detect.internal.Checksums;
import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.ProxyServer;
import dev.traffic.store.FlowSink;
import dev.traffic.model.Flow;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: curl sends a provisioned secret through the real proxy (inline detection wired by
 * {@link DetectOptions}) to a loopback upstream; a loopback webhook receiver gets the alert; the
 * recorded flow carries the findings and redacted bytes. In block mode the upstream never sees it.
 */
class InlineDetectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    private HttpServer upstream;
    private HttpServer webhook;
    private final BlockingQueue<String> upstreamBodies = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> upstreamAuth = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> startedJson = new LinkedBlockingQueue<>(); // write-ahead records
    private final BlockingQueue<String[]> alerts = new LinkedBlockingQueue<>();
    private final BlockingQueue<Flow> flows = new LinkedBlockingQueue<>();
    private final String secret = githubToken(new Random(5));

    static String githubToken(Random rnd) {
        return githubToken("ghs_", rnd);
    }

    /** A format-valid (CRC32-checksummed) GitHub token with {@code prefix}, random from {@code rnd}. */
    static String githubToken(String prefix, Random rnd) {
        String a = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 30; i++) sb.append(a.charAt(rnd.nextInt(62)));
        CRC32 crc = new CRC32();
        crc.update(sb.toString().getBytes(StandardCharsets.US_ASCII));
        return prefix + sb + Checksums.base62(crc.getValue(), 6);
    }

    @BeforeEach
    void servers() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", ex -> {
            upstreamBodies.add(read(ex.getRequestBody()));
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (ex.getRequestURI().getPath().startsWith("/userinfo")) upstreamAuth.add(auth == null ? "none" : auth);
            byte[] ok = "stored".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        upstream.start();
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", ex -> {
            alerts.add(new String[] {ex.getRequestHeaders().getFirst("Authorization"), read(ex.getRequestBody())});
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        webhook.start();
    }

    @AfterEach
    void stop() {
        upstream.stop(0);
        webhook.stop(0);
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private record Running(ProxyServer server, Alerter alerter) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            if (alerter != null) alerter.close();
        }
    }

    private Running proxy(String onFinding) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "secrets:\n  - name: GITHUB_TOKEN\n    value: \"" + secret + "\"\n");
        Path tokenFile = dir.resolve("alert-token");
        Files.writeString(tokenFile, "hook-bearer-123\n");
        DetectOptions o = new DetectOptions();
        o.policy = policy;
        o.onFinding = onFinding;
        o.findingSeverity = "medium";
        o.alertWebhook = URI.create("http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook");
        o.alertTokenFile = tokenFile;
        o.alertFormat = "notify";
        o.scanWindow = 1L << 20;
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), CaOptions.defaults());
        ProxyConfig.Builder b = ProxyConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .interceptKeys(new LeafKeyManager(new LeafMinter(ca)).asFactory())
                .sink(new FlowSink() {
                    @Override public void started(Flow head) { startedJson.add(dev.traffic.store.FlowJson.toJson(head)); }
                    @Override public void ended(Flow flow) { flows.add(flow); }
                });
        Alerter alerter = o.apply(b);
        return new Running(ProxyServer.start(b.build()), alerter);
    }

    private String[] curl(int proxyPort, String body) throws Exception {
        String url = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/upload";
        ProcessBuilder pb = new ProcessBuilder("curl", "-sS", "--max-time", "20", "-x", "http://127.0.0.1:" + proxyPort,
                "-H", "Content-Type: application/json", "--data-binary", body, "-w", "\n%{http_code}", url);
        pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
        Process p = pb.start();
        String out = read(p.getInputStream());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int nl = out.lastIndexOf('\n');
        return new String[] {out.substring(nl + 1).trim(), out.substring(0, Math.max(0, nl))};
    }

    @Test
    void flagForwardsAlertsAndRecordsRedacted() throws Exception {
        try (Running r = proxy("flag")) {
            String[] resp = curl(r.server().address().getPort(), "{\"note\":\"deploy key " + secret + "\"}");
            assertThat(resp[0]).isEqualTo("200");
            assertThat(upstreamBodies.poll(20, TimeUnit.SECONDS)).contains(secret); // flag forwards unchanged

            String[] alert = alerts.poll(20, TimeUnit.SECONDS);
            assertThat(alert).as("alert received").isNotNull();
            assertThat(alert[0]).isEqualTo("Bearer hook-bearer-123");
            JsonNode a = JSON.readTree(alert[1]);
            assertThat(a.get("level").asText()).isEqualTo("critical");
            assertThat(a.get("source").asText()).isEqualTo("traffic");
            assertThat(a.get("title").asText()).contains("github-app-token");
            assertThat(a.get("message").asText()).contains("127.0.0.1").contains("body-json");
            assertThat(alert[1]).doesNotContain(secret.substring(4, 34));

            Flow f = flows.poll(20, TimeUnit.SECONDS);
            assertThat(f).isNotNull();
            assertThat(f.findings()).anySatisfy(x -> {
                assertThat(x.rule()).isEqualTo("github-app-token");
                assertThat(x.severity()).isEqualTo(Severity.CRITICAL);
            });
            assertThat(f.policy().action()).isEqualTo(PolicyDecision.Action.FLAG);
            // the alert names the flow, so the operator can `traffic show <id>`; it names the session's fingerprint only
            assertThat(a.get("message").asText()).contains("flow " + f.id())
                    .contains(f.findings().stream().filter(x -> x.rule().equals("github-app-token")).findFirst().orElseThrow().fingerprint());
            String recorded = new String(f.request().body().recorded(), StandardCharsets.UTF_8);
            assertThat(recorded).doesNotContain(secret).contains("[REDACTED:github-app-token:");
            assertThat(f.request().body().sha256()).isNotEqualTo(sha256(recorded));

            // the same fingerprint in the same session alerts once
            curl(r.server().address().getPort(), "{\"again\":\"" + secret + "\"}");
            assertThat(flows.poll(20, TimeUnit.SECONDS)).isNotNull();
            assertThat(alerts.poll(1, TimeUnit.SECONDS)).isNull();
        }
    }

    @Test
    void blockAnswers403AndNeverForwards() throws Exception {
        try (Running r = proxy("block")) {
            String[] resp = curl(r.server().address().getPort(), "{\"x\":\"" + secret + "\"}");
            assertThat(resp[0]).isEqualTo("403");
            Flow f = flows.poll(20, TimeUnit.SECONDS);
            assertThat(f).isNotNull();
            assertThat(resp[1]).contains("github-app-token").contains(f.id());
            assertThat(f.policy().action()).isEqualTo(PolicyDecision.Action.BLOCK);
            assertThat(upstreamBodies).isEmpty();
            // clean requests still pass
            assertThat(curl(r.server().address().getPort(), "{\"x\":\"hello\"}")[0]).isEqualTo("200");
            assertThat(upstreamBodies.poll(20, TimeUnit.SECONDS)).isEqualTo("{\"x\":\"hello\"}");
        }
    }

    @Test
    void urlCredentialsFromCurlBecomeAuthorizationAndAreFlagged() throws Exception {
        try (Running r = proxy("flag")) {
            String url = "http://x-access-token:" + secret + "@127.0.0.1:" + upstream.getAddress().getPort() + "/userinfo-curl";
            ProcessBuilder pb = new ProcessBuilder("curl", "-sS", "--max-time", "20", "-x",
                    "http://127.0.0.1:" + r.server().address().getPort(), "-o", "/dev/null", "-w", "%{http_code}", url);
            pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
            Process p = pb.start();
            String code = read(p.getInputStream()).trim();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(code).isEqualTo("200");
            String auth = upstreamAuth.poll(20, TimeUnit.SECONDS);
            assertThat(auth).startsWith("Basic "); // curl moved the URL's credentials into Authorization
            Flow f = flows.poll(20, TimeUnit.SECONDS);
            assertThat(f.request().userinfo()).isNull();
            assertThat(f.findings()).anySatisfy(x -> {
                assertThat(x.location()).isEqualTo("header:authorization");
                assertThat(x.severity()).isEqualTo(Severity.CRITICAL);
            });
            assertThat(f.request().header("Authorization")).doesNotContain(auth.substring(6));
            assertThat(startedJson).isNotEmpty().allSatisfy(j -> assertThat(j).doesNotContain(auth.substring(6)));
        }
    }

    @Test
    void userinfoInARawAbsoluteUriIsFlaggedRedactedAndNotForwarded() throws Exception {
        try (Running r = proxy("flag")) {
            String up = "127.0.0.1:" + upstream.getAddress().getPort();
            String req = "GET http://x-access-token:" + secret + "@" + up + "/userinfo-raw HTTP/1.1\r\nHost: " + up
                    + "\r\nConnection: close\r\n\r\n";
            String answer;
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", r.server().address().getPort())) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                answer = read(s.getInputStream());
            }
            assertThat(answer).startsWith("HTTP/1.1 200");
            assertThat(upstreamAuth.poll(20, TimeUnit.SECONDS)).isEqualTo("none"); // no userinfo, no Authorization upstream
            Flow f = flows.poll(20, TimeUnit.SECONDS);
            assertThat(f.findings()).anySatisfy(x -> {
                assertThat(x.location()).isEqualTo("url-userinfo");
                assertThat(x.rule()).isEqualTo("github-app-token");
                assertThat(x.severity()).isEqualTo(Severity.CRITICAL);
            });
            assertThat(f.request().userinfo()).startsWith("x-access-token:[REDACTED:github-app-token:").doesNotContain(secret);
            String[] alert = alerts.poll(20, TimeUnit.SECONDS);
            assertThat(alert[1]).contains("url-userinfo").contains(f.id()).doesNotContain(secret.substring(4, 34));
            // the write-ahead record the store gets before the flow ends is redacted too
            assertThat(startedJson).anySatisfy(j -> assertThat(j).contains(f.id()).contains("[REDACTED:github-app-token:"));
            assertThat(startedJson).allSatisfy(j -> assertThat(j).doesNotContain(secret));
        }
    }

    private static String sha256(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
