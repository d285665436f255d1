package dev.traffic.cli;

import dev.traffic.store.FlowQuery;
import dev.traffic.store.StoreReader;
import dev.traffic.model.Finding;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code traffic stats [--since T]}: flows, bytes, top hosts, status classes, flags. */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Summarise recorded flows: counts, bytes, top hosts, status classes, flags.")
public final class StatsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DataDirOption data;
    @Mixin QueryOptions filter;

    @picocli.CommandLine.Option(names = {"-o", "--output"}, defaultValue = "short", paramLabel = "short|json",
            description = "short: a summary for people; json: one JSON object (default: ${DEFAULT-VALUE}).")
    String output;

    @Override
    public Integer call() throws Exception {
        String fmt = output.toLowerCase(java.util.Locale.ROOT);
        if (!fmt.equals("short") && !fmt.equals("json")) throw new UsageException("-o: expected short or json, got '" + output + "'");
        FlowQuery q = filter.query(null);
        long[] totals = new long[4]; // flows, request bytes, response bytes, flagged
        Map<String, Long> hosts = new HashMap<>();
        Map<String, Long> classes = new TreeMap<>();
        Map<String, Long> flags = new HashMap<>();
        Map<String, Long> sessions = new HashMap<>();
        try (StoreReader r = StoreReader.open(data.storeDir())) {
            r.scan(q, false, f -> {
                totals[0]++;
                if (f.request() != null) {
                    totals[1] += f.request().body().size();
                    hosts.merge(f.request().host(), 1L, Long::sum);
                }
                if (f.response() != null) totals[2] += f.response().body().size();
                String cls = f.response() == null ? (f.error() != null ? "error" : "none") : (f.response().status() / 100) + "xx";
                classes.merge(cls, 1L, Long::sum);
                if (!f.findings().isEmpty()) totals[3]++;
                for (Finding x : f.findings()) flags.merge((x.severity() == null ? "?" : x.severity().label()) + " " + x.rule(), 1L, Long::sum);
                if (f.session() != null) sessions.merge(f.session(), 1L, Long::sum);
            });
            SearchCommand.warn(r, spec.commandLine().getErr());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (fmt.equals("json")) {
            out.println(json(totals, sessions.size(), classes, hosts, flags));
            out.flush();
            return 0;
        }
        out.println("flows          " + totals[0] + (totals[3] > 0 ? " (" + totals[3] + " flagged)" : ""));
        out.println("bytes          " + FlowFormat.size(totals[1]) + " sent, " + FlowFormat.size(totals[2]) + " received");
        out.println("sessions       " + sessions.size());
        out.println("status         " + classes);
        out.println("top hosts");
        top(hosts, 10, out);
        if (!flags.isEmpty()) {
            out.println("flags");
            top(flags, 20, out);
        }
        out.flush();
        return 0;
    }

    /** The same summary as one JSON object; host names and rule ids are recorded text, escaped as JSON. */
    static String json(long[] totals, int sessions, Map<String, Long> classes, Map<String, Long> hosts, Map<String, Long> flags) {
        com.fasterxml.jackson.databind.node.ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        o.put("flows", totals[0]).put("flagged", totals[3]).put("bytesSent", totals[1]).put("bytesReceived", totals[2]).put("sessions", sessions);
        com.fasterxml.jackson.databind.node.ObjectNode st = o.putObject("status");
        classes.forEach(st::put);
        com.fasterxml.jackson.databind.node.ArrayNode th = o.putArray("topHosts");
        sorted(hosts).limit(10).forEach(e -> th.addObject().put("host", e.getKey()).put("flows", e.getValue()));
        com.fasterxml.jackson.databind.node.ArrayNode fl = o.putArray("flags");
        sorted(flags).forEach(e -> {
            int sp = e.getKey().indexOf(' ');
            fl.addObject().put("severity", e.getKey().substring(0, sp)).put("rule", e.getKey().substring(sp + 1)).put("findings", e.getValue());
        });
        return TerminalText.json(o.toString());
    }

    private static java.util.stream.Stream<Map.Entry<String, Long>> sorted(Map<String, Long> m) {
        return m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    }

    private static void top(Map<String, Long> m, int n, PrintWriter out) {
        m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(n).forEach(e -> out.printf("  %8d  %s%n", e.getValue(), TerminalText.field(e.getKey())));
    }
}
