package dev.traffic.ship.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.traffic.model.Flow;
import dev.traffic.ship.IndexPeriod;
import dev.traffic.ship.opensearch.OpenSearchHttp;
import dev.traffic.store.FlowJson;
import dev.traffic.store.FlowQuery;
import dev.traffic.store.index.FlowFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code search --opensearch}: runs a store query against every sandbox's shipped flows, newest
 * first like the local search (time, then seq), and returns each hit as the flow it was recorded
 * as plus the sandbox that recorded it.
 */
public final class FleetSearch {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final OpenSearchHttp http;
    private final String indices;

    /** A shipped flow and the sandbox it came from. */
    public record Hit(String sandbox, Flow flow) {}

    public FleetSearch(OpenSearchHttp http, String indexPrefix) {
        this.http = http;
        this.indices = IndexPeriod.pattern(indexPrefix);
    }

    public List<Hit> search(FlowQuery q, int limit) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.set("query", QueryTranslator.translate(q));
        body.put("size", Math.max(1, limit));
        body.put("track_total_hits", false);
        var sort = body.putArray("sort");
        sort.addObject().putObject(FlowFields.TIME).put("order", "desc");
        sort.addObject().putObject(FlowFields.SEQ).put("order", "desc");
        body.putArray("_source").add("flow").add("origin.sandbox");
        JsonNode answer = http.json("POST", indices + "/_search?ignore_unavailable=true&allow_no_indices=true", body);
        List<Hit> out = new ArrayList<>();
        for (JsonNode h : answer.path("hits").path("hits")) {
            JsonNode src = h.path("_source");
            Flow f = FlowJson.fromJson(JSON.writeValueAsString(src.path("flow")));
            out.add(new Hit(src.path("origin").path("sandbox").asText(null), f));
        }
        return out;
    }

    public long count(FlowQuery q) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.set("query", QueryTranslator.translate(q));
        return http.json("POST", indices + "/_count?ignore_unavailable=true&allow_no_indices=true", body).path("count").asLong();
    }
}
