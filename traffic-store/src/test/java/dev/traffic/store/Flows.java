package dev.traffic.store;

import dev.traffic.store.internal.Hashing;
import dev.traffic.model.Body;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.Severity;
import dev.traffic.model.TlsInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Test fixtures: varied flows with ordered/duplicate headers, binary and truncated bodies. */
public final class Flows {
    private Flows() {}

    public static Body body(byte[] bytes) {
        return new Body(bytes.length, Hashing.sha256Hex(bytes), bytes, false);
    }

    public static Body text(String s) {
        return body(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A body of {@code full} of which only the first {@code cap} bytes were recorded. */
    public static Body truncated(byte[] full, int cap) {
        return new Body(full.length, Hashing.sha256Hex(full), Arrays.copyOf(full, cap), true);
    }

    public static Flow get(String host, String path, int status, String respBody) {
        Instant t = Instant.parse("2026-11-26T10:00:00.123456Z");
        return Flow.builder().session("s1").client("127.0.0.1:5000").start(t).end(t.plusMillis(42))
                .request(new FlowRequest("GET", "https", host, 443, path, null, "HTTP/1.1",
                        List.of(new Header("Host", host), new Header("Accept", "*/*")), Body.EMPTY, null, t.plusMillis(1)))
                .response(new FlowResponse(status, "OK", "HTTP/1.1",
                        List.of(new Header("Content-Type", "application/json")), text(respBody), null,
                        t.plusMillis(20), t.plusMillis(42)))
                .build();
    }

    /** A flow with everything: duplicate headers, binary request body, truncated response, findings, TLS. */
    public static Flow rich(int i) {
        Random r = new Random(i);
        byte[] bin = new byte[300];
        r.nextBytes(bin);
        byte[] big = new byte[5000];
        Arrays.fill(big, (byte) 'x');
        Instant t = Instant.parse("2026-11-26T10:00:00Z").plusMillis(i * 1000L + 7);
        return Flow.builder().session("sess-" + (i % 2)).client("10.0.0.2:" + (40000 + i)).start(t).end(t.plusMillis(300))
                .request(new FlowRequest("POST", "https", "api.example.com", 8443, "/v1/upload", "a=1&b=%20x&a=2",
                        "HTTP/2", List.of(new Header("Content-Type", "application/octet-stream"),
                                new Header("X-Dup", "one"), new Header("x-dup", "two"),
                                new Header("Authorization", "Bearer t0k3n-" + i)),
                        body(bin), List.of(new Header("grpc-status", "0")), t.plusMillis(10)))
                .response(new FlowResponse(503, "Service Unavailable", "HTTP/2",
                        List.of(new Header("Content-Type", "text/plain"), new Header("Set-Cookie", "a=b; Path=/"),
                                new Header("Set-Cookie", "c=d")),
                        truncated(big, 1000), null, t.plusMillis(100), t.plusMillis(300)))
                .tls(new TlsInfo("api.example.com", "TLSv1.3", "TLS_AES_128_GCM_SHA256", "h2", "TLSv1.3",
                        "TLS_AES_256_GCM_SHA384", "h2", "CN=api.example.com", "CN=Test CA", "ab12"))
                .policy(new PolicyDecision(PolicyDecision.Action.FLAG, "aws-key"))
                .findings(List.of(new Finding("aws-key", "aws", Severity.CRITICAL, "header:authorization",
                        "api.example.com", "abcd1234:AKIA..WXYZ", "plain", "AWS access key")))
                .build();
    }
}
