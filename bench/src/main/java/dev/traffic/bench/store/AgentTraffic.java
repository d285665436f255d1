package dev.traffic.bench.store;

import dev.traffic.model.Body;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * A generator of agent-like flows: LLM calls whose JSON prompt grows every turn (10-500 KB),
 * package downloads (incompressible tarballs), git fetches (binary packs) and small API calls.
 * Deterministic for a seed. {@link #small} makes metadata-only flows (no bodies) for rate tests.
 */
public final class AgentTraffic {
    private static final String[] WORDS = ("the agent reads the file and runs the tests then edits the function to handle "
            + "the error case returns a value from the cache writes a commit message explains the diff checks the build "
            + "install dependency lint format refactor module interface request response token stream").split(" ");
    private static final String[] HOSTS = {"api.anthropic.com", "api.openai.com", "registry.npmjs.org", "pypi.org",
        "files.pythonhosted.org", "github.com", "api.github.com", "objects.githubusercontent.com", "proxy.golang.org",
        "repo.maven.apache.org", "crates.io", "static.crates.io"};
    private final Random rnd;
    private final StringBuilder conversation = new StringBuilder();
    private Instant clock;
    private long n;

    public AgentTraffic(long seed, Instant start) {
        this.rnd = new Random(seed);
        this.clock = start;
    }

    public long generated() {
        return n;
    }

    /** The next mixed flow: ~50% LLM calls, 20% small API calls, 15% package downloads, 15% git fetches. */
    public Flow next() {
        int k = rnd.nextInt(100);
        if (k < 50) return llm();
        if (k < 70) return api();
        if (k < 85) return download();
        return git();
    }

    /** A metadata-only flow (no bodies): GET/POST to one of a dozen hosts, varied paths and statuses. */
    public Flow small() {
        String host = HOSTS[rnd.nextInt(HOSTS.length)];
        String method = rnd.nextInt(4) == 0 ? "POST" : "GET";
        int status = rnd.nextInt(20) == 0 ? 404 : rnd.nextInt(50) == 0 ? 503 : 200;
        return flow(method, host, "/v1/" + WORDS[rnd.nextInt(WORDS.length)] + "/" + rnd.nextInt(10000), status,
                Body.EMPTY, Body.EMPTY, "application/json", 5 + rnd.nextInt(200));
    }

    private static final Body SMALL_JSON = body(("{\"ok\":true,\"items\":[{\"id\":1,\"name\":\"alpha\"},{\"id\":2,\"name\":\"beta\"}],"
            + "\"note\":\"a small JSON answer of about two hundred bytes, like the proxy harness serves\",\"pad\":\"xxxxxxxxxxxx\"}")
            .getBytes(StandardCharsets.UTF_8));

    /**
     * A small HTTPS keep-alive exchange like the proxy harness makes: GET with 8 request headers,
     * 200 OK with 8 response headers and a ~200-byte JSON body (the same bytes every time).
     */
    public Flow smallHttps() {
        n++;
        clock = clock.plusMillis(1);
        Instant t = Instant.now();
        String host = HOSTS[rnd.nextInt(HOSTS.length)];
        String path = "/v1/" + WORDS[rnd.nextInt(WORDS.length)] + "/" + rnd.nextInt(10000);
        List<Header> rq = List.of(new Header("Host", host), new Header("User-Agent", "curl/8.5.0"),
                new Header("Accept", "*/*"), new Header("Accept-Encoding", "gzip, deflate"),
                new Header("Accept-Language", "en-US"), new Header("Connection", "keep-alive"),
                new Header("X-Request-Id", Long.toHexString(rnd.nextLong())), new Header("Cache-Control", "no-cache"));
        List<Header> rs = List.of(new Header("Content-Type", "application/json; charset=utf-8"),
                new Header("Content-Length", Long.toString(SMALL_JSON.size())), new Header("Date", "Thu, 26 Nov 2026 23:00:00 GMT"),
                new Header("Server", "nginx"), new Header("Cache-Control", "private, max-age=0"),
                new Header("ETag", "\"" + Long.toHexString(rnd.nextLong()) + "\""), new Header("Vary", "Accept-Encoding"),
                new Header("Strict-Transport-Security", "max-age=31536000"));
        return Flow.builder().client("127.0.0.1:" + (30000 + rnd.nextInt(16))).start(t).end(t.plusNanos(180_000))
                .request(new FlowRequest("GET", "https", host, 443, path, null, "HTTP/1.1", rq, Body.EMPTY, null, t.plusNanos(20_000)))
                .response(new FlowResponse(200, "OK", "HTTP/1.1", rs, SMALL_JSON, null, t.plusNanos(150_000), t.plusNanos(180_000)))
                .build();
    }

    private Flow llm() {
        // the prompt grows each turn (agents re-send the whole conversation), reset past 500 KB
        if (conversation.length() > 500_000 || conversation.length() == 0) {
            conversation.setLength(0);
            appendWords(conversation, 10_000);
        }
        appendWords(conversation, 2_000 + rnd.nextInt(20_000));
        String req = "{\"model\":\"claude\",\"max_tokens\":4096,\"messages\":[{\"role\":\"user\",\"content\":\""
                + conversation + "\"}]}";
        StringBuilder resp = new StringBuilder("{\"id\":\"msg_").append(n).append("\",\"content\":[{\"type\":\"text\",\"text\":\"");
        appendWords(resp, 500 + rnd.nextInt(4000));
        resp.append("\"}]}");
        return flow("POST", rnd.nextBoolean() ? "api.anthropic.com" : "api.openai.com", "/v1/messages", 200,
                body(req.getBytes(StandardCharsets.UTF_8)), body(resp.toString().getBytes(StandardCharsets.UTF_8)),
                "application/json", 500 + rnd.nextInt(20_000));
    }

    private Flow api() {
        StringBuilder resp = new StringBuilder("{\"items\":[");
        for (int i = 0, m = 5 + rnd.nextInt(30); i < m; i++) {
            resp.append("{\"id\":").append(rnd.nextInt(1_000_000)).append(",\"name\":\"").append(WORDS[rnd.nextInt(WORDS.length)]).append("\"},");
        }
        resp.append("{}]}");
        return flow("GET", "api.github.com", "/repos/acme/app/pulls/" + rnd.nextInt(500), 200, Body.EMPTY,
                body(resp.toString().getBytes(StandardCharsets.UTF_8)), "application/json", 20 + rnd.nextInt(300));
    }

    private Flow download() {
        byte[] tgz = new byte[50_000 + rnd.nextInt(1_000_000)];
        rnd.nextBytes(tgz);
        return flow("GET", "registry.npmjs.org", "/pkg-" + rnd.nextInt(200) + "/-/pkg-1.0." + rnd.nextInt(50) + ".tgz", 200,
                Body.EMPTY, body(tgz), "application/octet-stream", 50 + rnd.nextInt(2000));
    }

    private Flow git() {
        byte[] req = ("0032want " + HexFormat.of().formatHex(new byte[20]) + "\n00000009done\n").getBytes(StandardCharsets.UTF_8);
        byte[] pack = new byte[100_000 + rnd.nextInt(900_000)];
        rnd.nextBytes(pack);
        return flow("POST", "github.com", "/acme/app.git/git-upload-pack", 200, body(req), body(pack),
                "application/x-git-upload-pack-result", 200 + rnd.nextInt(3000));
    }

    private void appendWords(StringBuilder b, int bytes) {
        int target = b.length() + bytes;
        while (b.length() < target) b.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
    }

    private Flow flow(String method, String host, String path, int status, Body req, Body resp, String ctype, int millis) {
        n++;
        clock = clock.plusMillis(1 + rnd.nextInt(40));
        Instant t = clock;
        return Flow.builder().session("bench").client("10.0.0.2:" + (30000 + rnd.nextInt(30000))).start(t).end(t.plusMillis(millis))
                .request(new FlowRequest(method, "https", host, 443, path, null, "HTTP/1.1",
                        List.of(new Header("Host", host), new Header("User-Agent", "agent/1.0"), new Header("Accept", "*/*"),
                                new Header("Authorization", "Bearer sk-" + Long.toHexString(rnd.nextLong()))),
                        req, null, t.plusMillis(1)))
                .response(new FlowResponse(status, "OK", "HTTP/1.1",
                        List.of(new Header("Content-Type", ctype), new Header("Content-Length", Long.toString(resp.size()))),
                        resp, null, t.plusMillis(millis / 2), t.plusMillis(millis)))
                .build();
    }

    static Body body(byte[] b) {
        try {
            return new Body(b.length, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)), b, false);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
