package dev.traffic.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.traffic.ship.search.FleetSearch;
import dev.traffic.store.FlowJson;
import dev.traffic.store.FlowQuery;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code search --opensearch URL}: the same query (either language) against every sandbox's shipped
 * flows; each result prints exactly like a local one, preceded by the sandbox id ({@code -o json}:
 * a {@code sandbox} member first).
 */
public final class FleetSearchOptions {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--opensearch", paramLabel = "URL", description = "Search the fleet's shipped flows in this OpenSearch cluster instead of the local store.")
    String url;

    @Mixin ClusterOptions cluster;

    boolean enabled() {
        return url != null;
    }

    /** Takes the fleet-only {@code sandbox:ID} terms out before the store's parser sees the query. */
    FleetSearch.Split split(String text) {
        return FleetSearch.splitSandboxes(text);
    }

    int search(FlowQuery q, List<String> sandboxes, boolean count, String facet, OutputOptions output, PrintWriter out) throws Exception {
        if (facet != null) throw new UsageException("--facet is not available with --opensearch yet (use OpenSearch Dashboards)");
        FleetSearch fleet = new FleetSearch(cluster.client(ClusterOptions.url("--opensearch", url)), cluster.indexPrefix);
        try {
            if (count) {
                out.println(fleet.count(q, sandboxes));
                out.flush();
                return 0;
            }
            List<FleetSearch.Hit> hits = fleet.search(q, sandboxes, output.limit(20));
            print(hits, output.format(), out);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--opensearch: " + e.getMessage());
        }
        out.flush();
        return 0;
    }

    /** A sandbox id as one terminal-safe word (ids come from the cluster: any shipper could have sent them). */
    static String printable(String s) {
        if (s == null) return "-";
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) || Character.isWhitespace(c) ? '?' : c));
        return b.toString();
    }

    static void print(List<FleetSearch.Hit> hits, OutputOptions.Format format, PrintWriter out) throws java.io.IOException {
        switch (format) {
            case SHORT -> {
                boolean colour = Terminal.isStdoutTerminal();
                for (FleetSearch.Hit h : hits) out.println(printable(h.sandbox()) + " " + FlowFormat.shortLine(h.flow(), colour));
            }
            case JSON -> {
                for (FleetSearch.Hit h : hits) {
                    ObjectNode o = JSON.createObjectNode().put("sandbox", h.sandbox());
                    o.setAll((ObjectNode) JSON.readTree(FlowJson.toJson(h.flow())));
                    out.println(JSON.writeValueAsString(o));
                }
            }
            case HAR -> {
                List<dev.traffic.model.Flow> flows = new ArrayList<>();
                for (FleetSearch.Hit h : hits) flows.add(h.flow());
                SearchCommand.print(flows, format, out);
            }
        }
    }
}
