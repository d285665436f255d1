package dev.traffic.cli;

import dev.traffic.model.Body;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import dev.traffic.model.Severity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/** Small flows for the store command tests. */
final class StoreFixtures {
    private StoreFixtures() {}

    static Body body(byte[] b) {
        try {
            return new Body(b.length, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)), b, false);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Flow flow(String method, String host, String path, int status, String reqBody, String respBody, boolean flagged) {
        Instant t = Instant.now();
        return Flow.builder().session("test").client("127.0.0.1:40000").start(t).end(t.plusMillis(12))
                .request(new FlowRequest(method, "https", host, 443, path, null, "HTTP/1.1",
                        List.of(new Header("Host", host), new Header("Authorization", "Bearer x"), new Header("X-Dup", "1"), new Header("X-Dup", "2")),
                        body(reqBody.getBytes(StandardCharsets.UTF_8)), null, t.plusMillis(1)))
                .response(new FlowResponse(status, "OK", "HTTP/1.1", List.of(new Header("Content-Type", "application/json")),
                        body(respBody.getBytes(StandardCharsets.UTF_8)), null, t.plusMillis(5), t.plusMillis(12)))
                .findings(flagged ? List.of(new Finding("aws-key", "aws", Severity.CRITICAL, "body", host, "fp", "plain", "test")) : List.of())
                .build();
    }
}
