package dev.traffic.ship.it;

import dev.traffic.model.Body;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.Severity;
import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Harness-like flows with enough variety for 30 different queries: hosts, methods, statuses, headers, bodies, findings, errors. */
final class FleetFlows {
    static final Instant BASE = Instant.parse("2026-12-01T00:00:00Z");
    private static final String[] HOSTS = {"api.github.com", "pypi.org", "registry.npmjs.org", "api.openai.com",
        "files.pythonhosted.org", "example.com", "evil.example.net"};
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    private static final int[] STATUS = {200, 200, 200, 201, 204, 301, 404, 403, 500, 503};

    private FleetFlows() {}

    static Flow flow(int i) {
        String host = HOSTS[i % HOSTS.length];
        String method = METHODS[(i / 7) % METHODS.length];
        Instant t = BASE.plusMillis(i * 10L);
        List<Header> rq = new ArrayList<>(List.of(new Header("Host", host), new Header("User-Agent", i % 3 == 0 ? "pip/24.0" : "curl/8.5")));
        if (i % 5 == 0) rq.add(new Header("Authorization", "Bearer [REDACTED]"));
        if (i % 11 == 0) rq.add(new Header("X-Trace", "trace-" + (i % 97)));
        String path = "/v" + (i % 3) + "/repos/item" + (i % 50) + (i % 9 == 0 ? "/upload" : "");
        String query = i % 4 == 0 ? "page=" + (i % 10) + "&q=search" : null;
        Body reqBody = Body.EMPTY;
        if (method.equals("POST") || method.equals("PUT")) {
            String b = i % 13 == 0 ? "{\"key\":\"-----BEGIN PRIVATE KEY----- [REDACTED]\"}" : "{\"name\":\"pkg" + (i % 20) + "\",\"version\":\"1." + (i % 4) + "\"}";
            reqBody = body(b);
            rq.add(new Header("Content-Type", "application/json"));
        }
        Flow.Builder f = Flow.builder().session("sess-" + (i % 3)).client("10.0.0." + (2 + i % 4) + ":" + (40000 + i % 1000))
                .start(t).end(t.plusMillis(5 + i % 300))
                .request(new FlowRequest(method, "https", host, 443, path, query, i % 2 == 0 ? "HTTP/2" : "HTTP/1.1", rq, reqBody, null, t.plusMillis(1)));
        if (i % 17 == 0) {
            f.error(i % 34 == 0 ? "connect timed out to upstream" : "TLS handshake failed: unknown certificate");
        } else {
            int st = STATUS[(i / 3) % STATUS.length];
            String text = st >= 400 ? "{\"error\":\"not allowed here\",\"code\":" + st + "}" : "{\"ok\":true,\"items\":[\"alpha\",\"beta" + (i % 7) + "\"]}";
            f.response(new FlowResponse(st, "X", i % 2 == 0 ? "HTTP/2" : "HTTP/1.1",
                    List.of(new Header("Content-Type", i % 6 == 0 ? "text/html; charset=utf-8" : "application/json"), new Header("Server", "nginx")),
                    body(text), null, t.plusMillis(2), t.plusMillis(5 + i % 300)));
        }
        if (i % 19 == 0) {
            f.policy(new PolicyDecision(PolicyDecision.Action.FLAG, "aws-key"));
            f.findings(List.of(new Finding("aws-key", "aws", Severity.CRITICAL, "header:authorization", host, "fp" + i, "plain", "AWS key")));
        } else if (i % 23 == 0) {
            f.findings(List.of(new Finding("github-token", "github", Severity.HIGH, "body", host, "gh" + i, "plain", "GitHub token")));
        }
        if (host.equals("evil.example.net") && i % 2 == 1) f.policy(new PolicyDecision(PolicyDecision.Action.BLOCK, "deny-evil"));
        return f.build();
    }

    static Body body(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        try {
            return new Body(b.length, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)), b, false);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Appends flows {@code from..to-1} to the store at {@code dir} and waits until they are durable and indexed. */
    static void record(Path dir, int from, int to) throws Exception {
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults())) {
            for (int i = from; i < to; i++) {
                Flow f = flow(i);
                s.started(f);
                s.ended(f);
                if (i % 2000 == 1999) s.flush(); // the store's queue never blocks: keep it bounded
            }
            s.flush();
        }
    }
}
