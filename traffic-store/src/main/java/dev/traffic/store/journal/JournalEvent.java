package dev.traffic.store.journal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.traffic.store.FlowJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * EVENT record payloads (JSON): {@code open} (a writer started: session, pid), {@code close} (clean
 * shutdown), {@code retention} (segments removed: first/last seq gone). Readers print them as marker lines.
 */
public record JournalEvent(String event, Instant time, Map<String, Object> detail) {
    public static JournalEvent of(String event, Object... kv) {
        Map<String, Object> d = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) d.put((String) kv[i], kv[i + 1]);
        return new JournalEvent(event, Instant.now(), d);
    }

    public byte[] encode() {
        try {
            return FlowJson.mapper().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JournalEvent decode(byte[] payload) throws IOException {
        JsonNode n = FlowJson.mapper().readTree(payload);
        @SuppressWarnings("unchecked")
        Map<String, Object> d = n.has("detail") ? FlowJson.mapper().convertValue(n.get("detail"), Map.class) : Map.of();
        return new JournalEvent(n.path("event").asText(), Instant.parse(n.path("time").asText()), d);
    }

    public long longDetail(String key) {
        Object v = detail.get(key);
        return v instanceof Number num ? num.longValue() : -1;
    }
}
