package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.Cmd;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestUpstream;
import dev.traffic.model.Flow;
import dev.traffic.model.PolicyDecision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --allow/--deny, link-local refusal, own-port refusal and resolved-address checks, through curl. */
class PolicyTest {
    @TempDir static Path dir;
    static TestUpstream upstream;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.plain();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    static Cmd.Result curl(ProxyFixture p, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "20", "-x", p.proxyUrl(),
                "--cacert", p.pki.proxyCaPem().toString()));
        argv.addAll(List.of(args));
        return Cmd.run(argv, null, null, 30);
    }

    @Test
    void denyRuleRefusesHttpAndConnectAndNamesTheRule() throws Exception {
        try (ProxyFixture p = new ProxyFixture(dir.resolve("a"), b -> b.hostRules(HostRules.builder().deny("*.blocked.test").build()))) {
            Cmd.Result r = curl(p, "http://api.blocked.test/x");
            assertThat(r.out()).as(r.toString()).startsWith("HTTP/1.1 403").contains("--deny *.blocked.test");
            Cmd.Result s = curl(p, "https://api.blocked.test/x");
            assertThat(s.out() + s.err()).as(s.toString()).contains("403").doesNotContain("200 Connection established");
            Flow f = p.sink.await(fl -> "CONNECT".equals(fl.request().method()));
            assertThat(f.policy().action()).isEqualTo(PolicyDecision.Action.BLOCK);
            assertThat(f.policy().rule()).isEqualTo("--deny *.blocked.test");
            // allowed host still works
            Cmd.Result ok = curl(p, "http://127.0.0.1:" + upstream.port() + "/small");
            assertThat(ok.out()).as(ok.toString()).startsWith("HTTP/1.1 200").endsWith("hello");
        }
    }

    @Test
    void linkLocalAndMetadataAreRefusedBeforeConnecting() throws Exception {
        try (ProxyFixture p = new ProxyFixture(dir.resolve("b"), b -> {})) {
            Cmd.Result r = curl(p, "http://169.254.169.254/latest/meta-data/");
            assertThat(r.out()).as(r.toString()).startsWith("HTTP/1.1 403").contains("link-local");
            Cmd.Result s = curl(p, "https://169.254.169.254/");
            assertThat(s.out() + s.err()).as(s.toString()).contains("403");
            Cmd.Result v6 = curl(p, "http://[fe80::1]/");
            assertThat(v6.out()).as(v6.toString()).startsWith("HTTP/1.1 403");
            Flow f = p.sink.await(fl -> fl.request() != null && "169.254.169.254".equals(fl.request().host()));
            assertThat(f.policy().rule()).isEqualTo("link-local");
        }
    }

    @Test
    void theProxysOwnPortIsRefused() throws Exception {
        try (ProxyFixture p = new ProxyFixture(dir.resolve("c"), b -> {})) {
            Cmd.Result r = curl(p, "http://127.0.0.1:" + p.port() + "/loop");
            assertThat(r.out()).as(r.toString()).startsWith("HTTP/1.1 403").contains("own port");
            Cmd.Result s = curl(p, "http://localhost:" + p.port() + "/loop");
            assertThat(s.out()).as(s.toString()).startsWith("HTTP/1.1 403");
        }
    }

    @Test
    void allowListDeniesEverythingElse() throws Exception {
        try (ProxyFixture p = new ProxyFixture(dir.resolve("d"), b -> b.hostRules(HostRules.builder().allow("localhost").build()))) {
            Cmd.Result ok = curl(p, "http://localhost:" + upstream.port() + "/small");
            assertThat(ok.out()).as(ok.toString()).startsWith("HTTP/1.1 200");
            Cmd.Result no = curl(p, "http://127.0.0.1:" + upstream.port() + "/small");
            assertThat(no.out()).as(no.toString()).startsWith("HTTP/1.1 403").contains("default deny");
        }
    }

    @Test
    void resolvedAddressIsCheckedAgainstAddressRules() throws Exception {
        try (ProxyFixture p = new ProxyFixture(dir.resolve("e"), b -> b.hostRules(HostRules.builder().deny("127.0.0.0/8").build()))) {
            Cmd.Result r = curl(p, "http://localhost:" + upstream.port() + "/small");
            assertThat(r.out()).as(r.toString()).startsWith("HTTP/1.1 403").contains("127.0.0.0/8");
        }
    }

    @Test
    void failClosedAnswers503WhenTheSinkIsUnhealthy() throws Exception {
        try (ProxyFixture p = new ProxyFixture(dir.resolve("f"), b -> {})) {
            p.sink.healthy = false;
            Cmd.Result r = curl(p, "http://127.0.0.1:" + upstream.port() + "/small");
            assertThat(r.out()).as(r.toString()).startsWith("HTTP/1.1 503").contains("recording unavailable");
            p.sink.healthy = true;
            Cmd.Result ok = curl(p, "http://127.0.0.1:" + upstream.port() + "/small");
            assertThat(ok.out()).as(ok.toString()).startsWith("HTTP/1.1 200");
        }
    }
}
