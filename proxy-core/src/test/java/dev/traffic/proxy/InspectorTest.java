package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.Cmd;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestUpstream;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.Severity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inspection seam with a fake inspector: flag, block (403 with rule and flow id), redaction,
 * scan window, 503 when the inspector fails; small requests inline on the event loop, larger held
 * windows on the inspection executor.
 */
class InspectorTest {
    @TempDir static Path dir;
    static ProxyFixture proxy;
    static TestUpstream tls;
    static final List<FlowRequest> seen = new CopyOnWriteArrayList<>();
    static final List<String> threads = new CopyOnWriteArrayList<>();

    static CompletableFuture<Inspection> fake(FlowRequest r) {
        seen.add(r);
        threads.add(r.query() + "|" + Thread.currentThread().getName());
        String body = new String(r.body().recorded(), StandardCharsets.ISO_8859_1);
        if (body.contains("EXPLODE")) throw new IllegalStateException("inspector exploded");
        if (body.contains("SECRET")) {
            return CompletableFuture.completedFuture(new Inspection(List.of(finding("fake-secret", Severity.CRITICAL)),
                    true, "fake-secret", null));
        }
        if (r.header("X-Token") != null) {
            FlowRequest redacted = r.withHeaders(List.of(new dev.traffic.model.Header("X-Token", "[REDACTED:fake-token]")));
            return CompletableFuture.completedFuture(new Inspection(List.of(finding("fake-token", Severity.HIGH)), false, null, redacted));
        }
        return CompletableFuture.completedFuture(Inspection.CLEAN);
    }

    static Finding finding(String rule, Severity s) {
        return new Finding(rule, "generic", s, "body", "localhost", "abcd", "plain", null);
    }

    @BeforeAll
    static void start() throws Exception {
        proxy = new ProxyFixture(dir, b -> b.inspector(InspectorTest::fake).scanWindow(4096).inlineInspectionLimit(2048));
        tls = TestUpstream.tls(TestPki.serverContext(proxy.pki.upstreamCa, "localhost"));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        tls.close();
    }

    static Cmd.Result curl(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "20", "-x", proxy.proxyUrl(),
                "--cacert", proxy.pki.proxyCaPem().toString()));
        argv.addAll(List.of(args));
        return Cmd.run(argv, null, null, 30);
    }

    @Test
    void blockingInspectionAnswers403AndNeverReachesUpstream() throws Exception {
        int before = tls.requests.size();
        Cmd.Result r = curl("--http1.1", "--data", "token=SECRET", "https://localhost:" + tls.port() + "/sink");
        assertThat(r.out()).as(r.toString()).contains("HTTP/1.1 403").contains("blocked by policy rule fake-secret (flow ");
        Flow f = proxy.sink.await(fl -> fl.policy().action() == PolicyDecision.Action.BLOCK);
        assertThat(r.out()).contains(f.id());
        assertThat(f.findings()).extracting(Finding::rule).contains("fake-secret");
        assertThat(tls.requests.size()).isEqualTo(before);
    }

    @Test
    void smallRequestsAreInspectedOnTheEventLoopLargeOnesOffIt() throws Exception {
        Path file = dir.resolve("mid.txt");
        Files.write(file, "b".repeat(3000).getBytes(StandardCharsets.US_ASCII));
        assertThat(curl("--http1.1", "--data", "x=1", "https://localhost:" + tls.port() + "/sink?small").out()).contains("HTTP/1.1 200");
        assertThat(curl("--http1.1", "--data-binary", "@" + file, "https://localhost:" + tls.port() + "/sink?mid").out())
                .contains("HTTP/1.1 200");
        assertThat(threads).filteredOn(t -> t.startsWith("small|")).singleElement().asString().startsWith("small|traffic-io");
        assertThat(threads).filteredOn(t -> t.startsWith("mid|")).singleElement().asString().startsWith("mid|traffic-inspect");
    }

    @Test
    void failingInspectorAnswers503InlineAndOffloaded() throws Exception {
        int before = tls.requests.size();
        Cmd.Result small = curl("--http1.1", "--data", "EXPLODE", "https://localhost:" + tls.port() + "/sink?boom-small");
        assertThat(small.out()).as(small.toString()).contains("HTTP/1.1 503").contains("request inspection failed")
                .contains("inspector exploded");
        Path file = dir.resolve("boom.txt");
        Files.write(file, ("EXPLODE" + "c".repeat(10_000)).getBytes(StandardCharsets.US_ASCII));
        Cmd.Result big = curl("--http1.1", "--data-binary", "@" + file, "https://localhost:" + tls.port() + "/sink?boom-big");
        assertThat(big.out()).as(big.toString()).contains("HTTP/1.1 503").contains("inspector exploded");
        assertThat(threads).anyMatch(t -> t.startsWith("boom-small|traffic-io"))
                .anyMatch(t -> t.startsWith("boom-big|traffic-inspect"));
        assertThat(tls.requests.size()).isEqualTo(before);
        // a request that could not be inspected is recorded without its query, header values or body bytes
        Flow failed = proxy.sink.await(fl -> fl.error() != null && fl.error().contains("inspection failed"));
        assertThat(failed.request().query()).isEqualTo("[REDACTED:unscanned]");
        assertThat(failed.request().headers()).allSatisfy(h -> assertThat(h.value()).isEqualTo("[REDACTED:unscanned]"));
        assertThat(failed.request().body().recorded()).isEmpty();
        assertThat(failed.findings()).anySatisfy(x -> assertThat(x.rule()).isEqualTo("unscanned-withheld"));
    }

    @Test
    void flaggingInspectionForwardsAndRecordsRedacted() throws Exception {
        Cmd.Result r = curl("--http1.1", "-H", "X-Token: real-value", "https://localhost:" + tls.port() + "/headers");
        assertThat(r.out()).as(r.toString()).contains("HTTP/1.1 200").contains("X-Token: real-value");
        Flow f = proxy.sink.await(fl -> fl.policy().action() == PolicyDecision.Action.FLAG);
        assertThat(f.policy().rule()).isEqualTo("fake-token");
        assertThat(f.request().header("X-Token")).isEqualTo("[REDACTED:fake-token]");
    }

    @Test
    void bodiesBeyondTheWindowAreScannedInPartAndMarked() throws Exception {
        Path file = dir.resolve("big.txt");
        Files.write(file, "a".repeat(100_000).getBytes(StandardCharsets.US_ASCII));
        Cmd.Result r = curl("--data-binary", "@" + file, "https://localhost:" + tls.port() + "/sink?big");
        assertThat(r.out()).as(r.toString()).contains("HTTP/1.1 200").contains("size=100000");
        FlowRequest inspected = seen.stream().filter(x -> "big".equals(x.query())).findFirst().orElseThrow();
        assertThat(inspected.body().recorded().length).isEqualTo(4096);
        assertThat(inspected.body().truncated()).isTrue();
        Flow f = proxy.sink.await(fl -> "big".equals(fl.request().query()));
        assertThat(f.findings()).extracting(Finding::rule).contains("scan-window-exceeded");
        assertThat(f.request().body().size()).isEqualTo(100_000);
    }
}
