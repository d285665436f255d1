package dev.traffic.detect;

import dev.traffic.model.Body;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Replaces secret bytes in a request's headers, userinfo, path, query and recorded body with
 * {@code [REDACTED:<rule>:<fingerprint>]} before the flow reaches the store. The body's size and
 * SHA-256 stay those of the original bytes (the record proves what was sent without keeping it);
 * where a secret sat inside an encoded or compressed layer, the whole encoded literal is replaced.
 * Returns new immutable objects; the inputs are not modified.
 */
public final class Redactor {
    private Redactor() {}

    public static Flow redact(Flow flow, ScanResult result) {
        if (flow.request() == null || result.redactions().isEmpty()) return flow;
        return flow.toBuilder().request(redact(flow.request(), result)).build();
    }

    public static FlowRequest redact(FlowRequest req, ScanResult result) {
        Map<String, String> red = result.redactions();
        if (red.isEmpty()) return req;
        List<Map.Entry<String, String>> order = order(red);
        List<Header> headers = new ArrayList<>(req.headers().size());
        for (Header h : req.headers()) headers.add(new Header(h.name(), apply(h.value(), order)));
        Body b = req.body();
        Body body = b;
        if (b.recorded().length > 0) {
            String text = new String(b.recorded(), StandardCharsets.ISO_8859_1);
            String out = apply(text, order);
            if (!out.equals(text)) body = new Body(b.size(), b.sha256(), out.getBytes(StandardCharsets.ISO_8859_1), b.truncated());
        }
        return new FlowRequest(req.method(), req.scheme(), req.host(), req.port(), apply(req.path(), order),
                apply(req.query(), order), req.httpVersion(), headers, body, req.trailers(), req.end(),
                apply(req.userinfo(), order));
    }

    /** The payload (a WebSocket message) with each secret replaced; the input itself when nothing changes. */
    public static byte[] redact(byte[] payload, ScanResult result) {
        if (result.redactions().isEmpty() || payload.length == 0) return payload;
        String text = new String(payload, StandardCharsets.ISO_8859_1);
        String out = apply(text, order(result.redactions()));
        return out.equals(text) ? payload : out.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<Map.Entry<String, String>> order(Map<String, String> red) {
        List<Map.Entry<String, String>> order = new ArrayList<>(red.entrySet());
        order.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
        return order;
    }

    static String apply(String s, List<Map.Entry<String, String>> order) {
        if (s == null || s.isEmpty()) return s;
        String out = s;
        for (Map.Entry<String, String> e : order) {
            if (out.contains(e.getKey())) out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }
}
