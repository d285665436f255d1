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

    @Override
    public Integer call() throws Exception {
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

    private static void top(Map<String, Long> m, int n, PrintWriter out) {
        m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(n).forEach(e -> out.printf("  %8d  %s%n", e.getValue(), TerminalText.field(e.getKey())));
    }
}
