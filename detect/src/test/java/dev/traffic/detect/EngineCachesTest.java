package dev.traffic.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.FlowRequest;
import dev.traffic.model.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a long-lived detector remembers between requests (header values found clean, the hits of
 * header values that only held hits, fingerprints, host facts) never changes a result: a sequence
 * of requests scanned by one detector gives, request by request, the findings and redactions (in
 * order) that a fresh detector per request gives, with the session state advanced alike.
 */
class EngineCachesTest {
    private final Tokens tk = new Tokens(21);
    private final String hf = tk.huggingface();
    private final String policy = """
            secrets:
              - name: HF_TOKEN
                value: "%s"
            """.formatted(hf);

    private Detector fresh() {
        return new Detector(Policy.parse(policy, "test.yaml", Path.of("."), k -> null));
    }

    private static FlowRequest call(String url, String header, String value, String json) {
        return Requests.post(url).header("Host", java.net.URI.create(url).getHost()).header(header, value)
                .header("User-Agent", "agent/1.0").body("application/json", json).build();
    }

    @Test
    void aLongLivedDetectorAnswersAsFreshOnes() {
        String key = tk.anthropic();
        String ghp = tk.github("ghp_");
        String piece = hf.substring(12, 26);
        String json = "{\"items\":[{\"id\":\"f55d400b-c910\",\"name\":\"item 1\",\"v\":\"" + ghp + "\"},"
                + "{\"id\":\"f55d400b-c910\",\"name\":\"item 1\",\"v\":\"" + ghp + "\"},{\"name\":\"item 2\",\"p\":\"" + piece + "\"}]}";
        List<FlowRequest> seq = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            seq.add(call("https://api.example.com/v2/items", "x-api-key", key, json)); // the key to the wrong host
            seq.add(call("https://api.example.com/v2/items", "X-Api-Key", key, "{\"a\":\"item 1\"}"));
            seq.add(call("https://api.anthropic.com/v1/messages", "x-api-key", key, "{\"a\":\"item 1\"}")); // its own host
            seq.add(call("https://webhook.site/abc", "x-api-key", key, "{\"a\":\"item 1\"}")); // a sink
            seq.add(call("https://api.example.com/v2/items", "x-debug", ghp + ":" + piece, "{}")); // hit + fragment: not remembered
            seq.add(call("https://api.example.com/v2/items", "x-debug", ghp + " " + tk.github("ghp_"), "{}")); // two hits
            seq.add(call("https://api.example.com/v2/items", "x-token", hf, "{}")); // the policy's own secret
            seq.add(call("https://api.example.com/v2/items", "x-token", hf.substring(0, 20), "{}")); // first piece...
            seq.add(call("https://api.example.com/v2/items", "x-token", hf.substring(20), "{}")); // ...then the next
        }
        Detector longLived = fresh();
        SessionState a = new SessionState();
        SessionState b = new SessionState();
        List<ScanResult> results = new ArrayList<>();
        for (FlowRequest r : seq) {
            ScanResult got = longLived.inspect(r, ScanContext.of("s1", a));
            ScanResult want = fresh().inspect(r, ScanContext.of("s1", b));
            assertThat(got.findings()).isEqualTo(want.findings());
            assertThat(new ArrayList<>(got.redactions().entrySet())).isEqualTo(new ArrayList<>(want.redactions().entrySet()));
            results.add(got);
        }
        // not vacuous: the key to the wrong host is critical (both rounds), to its own host nothing
        for (int round = 0; round < 2; round++) {
            int o = round * 9;
            assertThat(results.get(o).findings()).anySatisfy(f -> {
                assertThat(f.location()).isEqualTo("header:x-api-key");
                assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            });
            assertThat(results.get(o).findings()).anySatisfy(f -> assertThat(f.location()).isEqualTo("body-json"));
            assertThat(results.get(o + 1).findings()).anySatisfy(f -> assertThat(f.location()).isEqualTo("header:x-api-key"));
            assertThat(results.get(o + 2).findings()).isEmpty();
            assertThat(results.get(o + 2).redactions()).isNotEmpty();
            assertThat(results.get(o + 4).findings()).anySatisfy(f -> assertThat(f.detail()).contains("HF_TOKEN"));
            assertThat(results.get(o + 8).findings()).anySatisfy(f -> assertThat(f.rule()).isEqualTo("split-secret"));
        }
    }
}
