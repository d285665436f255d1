package dev.traffic.ship;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.traffic.store.index.FieldAnalyzer;
import dev.traffic.store.index.FlowFields;
import java.util.List;
import java.util.Map;

/**
 * The composable index template the shipper installs ({@code PUT _index_template/<prefix>-flows}):
 * the local index's fields with the same analysis: keywords arrive lower-cased and capped; text
 * fields arrive as the tokens {@link FieldAnalyzer} made of them, space-separated, and the cluster
 * only splits them on the spaces (the built-in {@code whitespace} analyzer: no analysis plugin
 * needed, and no chance of tokenizing differently); numbers as numbers, {@code time} a date, plus the sandbox identity and Merkle fields, and {@code flow} (the
 * whole record) kept in {@code _source} only. New string fields map to keywords, so a field another
 * version adds to the local index is searchable without a template change.
 */
public final class IndexTemplate {
    /** Bumped when the mapping changes, so {@code ship} replaces an older template it installed. */
    public static final int VERSION = 2;
    private static final List<String> KEYWORDS = List.of(FlowFields.ID, FlowFields.SESSION, FlowFields.KIND,
            FlowFields.CLIENT, FlowFields.METHOD, FlowFields.SCHEME, FlowFields.HOST, FlowFields.PATH, FlowFields.QUERY,
            FlowFields.VERSION, FlowFields.HEADER, FlowFields.CTYPE, FlowFields.REQ_CTYPE, FlowFields.POLICY,
            FlowFields.FLAG, FlowFields.SEVERITY, FlowFields.RULE, "sandbox", "leaf_hash");

    private static final java.util.Set<String> NO_DOC_VALUES = java.util.Set.of(FlowFields.ID, FlowFields.HEADER,
            FlowFields.PATH, FlowFields.QUERY, FlowFields.SESSION, "leaf_hash");

    private IndexTemplate() {}

    public static String name(String prefix) {
        return prefix + "-flows";
    }

    public static ObjectNode body(String prefix) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.putArray("index_patterns").add(IndexPeriod.pattern(prefix));
        root.put("priority", 100);
        root.put("version", VERSION);
        root.putObject("_meta").put("managed_by", "traffic ship");
        ObjectNode template = root.putObject("template");
        // shipped flows are searched, not read-your-writes: fewer refreshes leave the cores to indexing
        template.putObject("settings").putObject("index").put("refresh_interval", "5s");
        ObjectNode mappings = template.putObject("mappings");
        ArrayNode dyn = mappings.putArray("dynamic_templates");
        dyn.addObject().putObject("strings_as_keywords").put("match_mapping_type", "string").putObject("mapping").put("type", "keyword");
        ObjectNode props = mappings.putObject("properties");
        for (String k : KEYWORDS) {
            ObjectNode f = props.putObject(k).put("type", "keyword");
            // doc values serve sorting and aggregations (Dashboards); these are only ever matched
            if (NO_DOC_VALUES.contains(k)) f.put("doc_values", false);
        }
        for (String t : FieldAnalyzer.TEXT_FIELDS) {
            if (t.equals(FlowFields.URL)) continue; // url: queries search text (see FlowQuery)
            props.putObject(t).put("type", "text").put("analyzer", "whitespace").put("norms", false); // filters, never scored
        }
        for (Map.Entry<String, Class<? extends Number>> e : FlowFields.NUMERIC.entrySet()) {
            if (e.getKey().equals(FlowFields.TIME)) continue;
            props.putObject(e.getKey()).put("type", e.getValue() == Integer.class ? "integer" : "long");
        }
        props.putObject(FlowFields.TIME).put("type", "date").put("format", "epoch_millis");
        props.putObject("leaf_index").put("type", "long");
        ObjectNode origin = props.putObject("origin").putObject("properties");
        for (String k : List.of("sandbox", "pod", "namespace", "node", "store")) origin.putObject(k).put("type", "keyword");
        props.putObject("flow").put("type", "object").put("enabled", false);
        return root;
    }
}
