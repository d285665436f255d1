package dev.traffic.detect.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.detect.Policy;
import dev.traffic.detect.SessionState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-host-name facts an engine caches give the answers computing them again gives. */
class HostFactsTest {
    private final Policy policy = Policy.parse("""
            sinks:
              - drop.example
              - "*.bins.example"
              - hooks.example/api/in
            """, "test", Path.of("."), k -> null);

    @Test
    void sinkAnswersMatchThePolicyBeforeAndAfterCaching() {
        HostFacts facts = new HostFacts(policy);
        List<String> hosts = List.of("drop.example", "a.drop.example", "x.bins.example", "bins.example", "hooks.example",
                "api.github.com", "webhook.site", "", "a.b.c.d.e.example");
        List<String> paths = List.of("/", "/api/in/abc", "/API/IN", "/other");
        for (int round = 0; round < 2; round++) { // the second round answers from the cache
            for (String h : hosts) {
                for (String p : paths) assertThat(facts.isSink(h, p)).as(h + p).isEqualTo(policy.isSink(h, p));
                assertThat(facts.isSink(h, null)).as(h).isEqualTo(policy.isSink(h, null));
            }
        }
        assertThat(facts.isSink(null, "/")).isFalse();
    }

    @Test
    void aNameCachedWithoutASessionStillContinuesDnsExfiltrationInOne() {
        Engine engine = Engine.compile(policy);
        String continuation = "mfrg.1-ab.sink.exfil.test";
        RequestScan first = engine.begin(continuation, "/", null, null);
        HostScan.scan(first, continuation); // cached as quiet without a session
        first.finish();
        assertThat(first.findings()).isEmpty();

        SessionState state = new SessionState();
        String hex = HexFormat.of().formatHex("token=some exfiltrated text".getBytes(StandardCharsets.UTF_8));
        String loud = hex.substring(0, 40) + "." + hex.substring(40) + ".0-ab.sink.exfil.test";
        RequestScan exfil = engine.begin(loud, "/", "s", state);
        HostScan.scan(exfil, loud);
        assertThat(exfil.findings()).anyMatch(f -> f.rule().equals("dns-exfil"));

        for (int k = 0; k < 2; k++) {
            RequestScan next = engine.begin(continuation, "/", "s", state);
            HostScan.scan(next, continuation);
            assertThat(next.findings()).anyMatch(f -> f.rule().equals("dns-exfil"));
        }
        assertThat(engine.hosts().of(continuation).dnsQuietWithoutSession()).isTrue();
        assertThat(engine.hosts().of(loud).dnsQuietWithoutSession()).isFalse();
    }
}
