package dev.traffic.ship.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.traffic.model.Flow;
import dev.traffic.ship.IndexPeriod;
import dev.traffic.ship.opensearch.OpenSearchHttp;
import dev.traffic.store.FlowJson;
import dev.traffic.store.FlowQuery;
import dev.traffic.store.index.FlowDocument;
import dev.traffic.store.index.FlowFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code search --opensearch}: runs a store query against every sandbox's shipped flows, newest
 * first like the local search (time, then seq; then the store, for flows of different sandboxes at
 * the same instant), and returns each hit as the flow it was recorded as plus the sandbox that
 * recorded it. When the store's query is only a superset in index terms (some mitmproxy filters),
 * the cluster's candidates are tested one by one with the same per-flow test the local search uses.
 */
public final class FleetSearch {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SANDBOX_TERM = Pattern.compile("(?<![\\S])sandbox:(\\S+)");
    private static final int PAGE = 1000;
    private final OpenSearchHttp http;
    private final String indices;

    /** A shipped flow and the sandbox it came from. */
    public record Hit(String sandbox, Flow flow) {}

    /** A query text without its {@code sandbox:ID} terms (fleet-only), and those ids. */
    public record Split(String query, List<String> sandboxes) {}

    public FleetSearch(OpenSearchHttp http, String indexPrefix) {
        this.http = http;
        this.indices = IndexPeriod.pattern(indexPrefix) + "/";
    }

    /**
     * Takes the {@code sandbox:ID} terms out of a query (the local store has no such field, so its
     * parser would refuse them); several are ORed.
     */
    public static Split splitSandboxes(String text) {
        List<String> ids = new ArrayList<>();
        Matcher m = SANDBOX_TERM.matcher(text == null ? "" : text);
        StringBuilder rest = new StringBuilder();
        while (m.find()) {
            ids.add(m.group(1).replaceAll("^\"|\"$", ""));
            m.appendReplacement(rest, "");
        }
        m.appendTail(rest);
        return new Split(rest.toString().trim(), ids);
    }

    public List<Hit> search(FlowQuery q, List<String> sandboxes, int limit) throws IOException {
        List<Hit> out = new ArrayList<>();
        int page = q.filter() == null ? Math.max(1, limit) : Math.max(limit, PAGE);
        JsonNode after = null;
        while (out.size() < limit) {
            ObjectNode body = JSON.createObjectNode();
            body.set("query", query(q, sandboxes));
            body.put("size", page);
            body.put("track_total_hits", false);
            ArrayNode sort = body.putArray("sort");
            sort.addObject().putObject(FlowFields.TIME).put("order", "desc");
            sort.addObject().putObject(FlowFields.SEQ).put("order", "desc");
            sort.addObject().putObject("origin.store").put("order", "desc");
            body.putArray("_source").add("flow").add("origin.sandbox");
            if (after != null) body.set("search_after", after);
            JsonNode hits = http.json("POST", indices + "_search?ignore_unavailable=true&allow_no_indices=true", body).path("hits").path("hits");
            for (JsonNode h : hits) {
                after = h.path("sort");
                Flow f = flow(h);
                if (q.accepts(f) && out.size() < limit) out.add(new Hit(h.path("_source").path("origin").path("sandbox").asText(null), f));
            }
            if (hits.size() < page) break;
        }
        return out;
    }

    public long count(FlowQuery q, List<String> sandboxes) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.set("query", query(q, sandboxes));
        if (q.filter() == null) {
            return http.json("POST", indices + "_count?ignore_unavailable=true&allow_no_indices=true", body).path("count").asLong();
        }
        long n = 0;
        JsonNode after = null;
        body.put("size", PAGE);
        body.put("track_total_hits", false);
        ArrayNode sort = body.putArray("sort");
        sort.addObject().putObject(FlowFields.TIME).put("order", "desc");
        sort.addObject().putObject(FlowFields.SEQ).put("order", "desc");
        sort.addObject().putObject("origin.store").put("order", "desc");
        body.putArray("_source").add("flow");
        while (true) {
            if (after != null) body.set("search_after", after);
            JsonNode hits = http.json("POST", indices + "_search?ignore_unavailable=true&allow_no_indices=true", body).path("hits").path("hits");
            for (JsonNode h : hits) {
                after = h.path("sort");
                if (q.accepts(flow(h))) n++;
            }
            if (hits.size() < PAGE) return n;
        }
    }

    private static ObjectNode query(FlowQuery q, List<String> sandboxes) {
        ObjectNode translated = QueryTranslator.translate(q);
        if (sandboxes.isEmpty()) return translated;
        ObjectNode bool = JSON.createObjectNode();
        ObjectNode b = bool.putObject("bool");
        b.putArray("must").add(translated);
        ArrayNode ids = b.putArray("filter").addObject().putObject("terms").putArray("sandbox");
        for (String s : sandboxes) ids.add(FlowDocument.keywordTerm(s));
        return bool;
    }

    private static Flow flow(JsonNode hit) throws IOException {
        return FlowJson.fromJson(JSON.writeValueAsString(hit.path("_source").path("flow")));
    }
}
