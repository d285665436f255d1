package dev.traffic.bench.detect;

import dev.traffic.detect.Detector;
import dev.traffic.detect.Policy;
import dev.traffic.detect.ScanContext;
import dev.traffic.detect.SessionState;
import dev.traffic.model.Body;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Inline scanning cost of realistic request bodies: LLM prompts (JSON, prose + code + digests +
 * ids, 10-500 KB), a 20 KB prompt (the "typical request" of the latency target), a JSON API call
 * and a form post, under a policy with 12 provisioned secrets and 2 canaries. Single-threaded:
 * MB/s per core = body bytes / average time. p99 from {@code -bm sample}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DetectBench {
    /**
     * {@code json-api} and {@code form} carry an Anthropic key to the wrong host (every request is a
     * critical finding: an exfiltrating call); the {@code -clean} variants are the same requests
     * without that header (a typical clean call).
     */
    @Param({"llm-10k", "llm-20k", "llm-100k", "llm-500k", "json-api", "form", "json-api-clean", "form-clean"})
    public String body;

    private Detector detector;
    private FlowRequest request;
    private SessionState state;

    @Setup
    public void setup() {
        Random rnd = new Random(1);
        StringBuilder yaml = new StringBuilder("secrets:\n");
        String[] prefixes = {"ghs_", "npm_", "hf_", "sk-ant-api03-", "sk_live_", "xoxb-1-2-", "", "AKIA", "", "", "", ""};
        for (int i = 0; i < prefixes.length; i++) {
            yaml.append("  - name: S").append(i).append("\n    value: \"").append(prefixes[i]).append(rand(rnd, 36)).append("\"\n");
        }
        yaml.append("canaries:\n  - name: C1\n    value: \"ghp_").append(rand(rnd, 36)).append("\"\n")
                .append("  - name: C2\n    value: \"").append(rand(rnd, 40)).append("\"\n");
        detector = new Detector(Policy.parse(yaml.toString(), "bench", Path.of("."), k -> null));
        state = new SessionState();
        boolean clean = body.endsWith("-clean");
        String kind = clean ? body.substring(0, body.length() - "-clean".length()) : body;
        String text = switch (kind) {
            case "llm-10k" -> llmPrompt(rnd, 10_000);
            case "llm-20k" -> llmPrompt(rnd, 20_000);
            case "llm-100k" -> llmPrompt(rnd, 100_000);
            case "llm-500k" -> llmPrompt(rnd, 500_000);
            case "json-api" -> jsonApi(rnd);
            default -> form(rnd);
        };
        String ct = kind.equals("form") ? "application/x-www-form-urlencoded" : "application/json";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<Header> headers = new ArrayList<>(List.of(new Header("Host", "api.anthropic.com"),
                new Header("x-api-key", "sk-ant-api03-" + rand(rnd, 93) + "AA"),
                new Header("anthropic-version", "2023-06-01"), new Header("Content-Type", ct),
                new Header("User-Agent", "claude-cli/1.0.0 (external, cli)"), new Header("Accept", "application/json"),
                new Header("Content-Length", Integer.toString(bytes.length))));
        if (clean) headers.remove(1); // the same request without the key (drawn all the same: identical bodies)
        request = new FlowRequest("POST", "https", kind.startsWith("llm") ? "api.anthropic.com" : "api.example.com", 443,
                kind.startsWith("llm") ? "/v1/messages" : "/v2/items", kind.equals("json-api") ? "page=2&per_page=50" : null, "HTTP/1.1",
                List.copyOf(headers), new Body(bytes.length, null, bytes, false), List.of(), null);
    }

    public int bodyBytes() {
        return request.body().recorded().length;
    }

    @Benchmark
    public Object scan() {
        return detector.scan(request, ScanContext.of("bench", state));
    }

    private static final String[] WORDS = ("the a to of and in is for that this with on it as be are function return value "
            + "error test file path config build module import class public private static void string int list map null "
            + "request response server client token user data index update create delete fix bug why does fail expected "
            + "actual output line code change commit branch merge review please explain how can I make work faster").split(" ");

    static String rand(Random r, int n) {
        String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append(a.charAt(r.nextInt(a.length())));
        return sb.toString();
    }

    private static String hex(Random r, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append("0123456789abcdef".charAt(r.nextInt(16)));
        return sb.toString();
    }

    /** Prose, fenced code with identifiers, commit SHAs, sha256 digests, UUIDs: JSON-escaped in a messages array. */
    static String llmPrompt(Random r, int size) {
        StringBuilder content = new StringBuilder();
        while (content.length() < size - 200) {
            int kind = r.nextInt(10);
            if (kind < 6) {
                for (int i = 0; i < 40; i++) content.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
                content.append(".\\n");
            } else if (kind < 9) {
                content.append("```java\\nfinal var resultBuffer").append(r.nextInt(100)).append(" = service.fetchUserConfiguration(\\\"")
                        .append(WORDS[r.nextInt(WORDS.length)]).append("\\\", ").append(r.nextInt(1000)).append(");\\n")
                        .append("assertEquals(\\\"").append(hex(r, 64)).append("\\\", digest(resultBuffer));\\n```\\n");
            } else {
                content.append("commit ").append(hex(r, 40)).append(" id ").append(hex(r, 8)).append('-').append(hex(r, 4))
                        .append("-4").append(hex(r, 3)).append("-a").append(hex(r, 3)).append('-').append(hex(r, 12)).append("\\n");
            }
        }
        return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":4096,\"messages\":[{\"role\":\"user\",\"content\":\""
                + content + "\"}]}";
    }

    static String jsonApi(Random r) {
        StringBuilder sb = new StringBuilder("{\"items\":[");
        for (int i = 0; i < 20; i++) {
            if (i > 0) sb.append(',');
            sb.append("{\"id\":\"").append(hex(r, 8)).append("-").append(hex(r, 4)).append("\",\"name\":\"item ").append(i)
                    .append("\",\"tags\":[\"a\",\"b\"],\"updated\":\"2026-01-0").append(i % 9 + 1).append("T00:00:00Z\",\"count\":")
                    .append(r.nextInt(1000)).append("}");
        }
        return sb.append("]}").toString();
    }

    static String form(Random r) {
        StringBuilder sb = new StringBuilder("grant_type=authorization_code&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb");
        sb.append("&code=").append(rand(r, 40)).append("&code_verifier=").append(rand(r, 64)).append("&state=").append(rand(r, 22));
        for (int i = 0; i < 20; i++) sb.append("&field").append(i).append('=').append(WORDS[r.nextInt(WORDS.length)]);
        return sb.toString();
    }
}
