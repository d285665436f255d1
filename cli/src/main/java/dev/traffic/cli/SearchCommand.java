package dev.traffic.cli;

import dev.traffic.store.FlowJson;
import dev.traffic.store.FlowQuery;
import dev.traffic.store.StoreReader;
import dev.traffic.store.har.HarWriter;
import dev.traffic.model.Flow;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code traffic search QUERY}: newest matching flows, a count, or counts per value. */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Search recorded flows, newest first.",
            "QUERY: host:api.github.com method:POST status:>=400 status:[500 TO 599] body:\"BEGIN PRIVATE KEY\"",
            "       flag:true severity:critical header.authorization:* session:ID since:1h, plus free words;",
            "   or a mitmproxy filter expression: '~d github.com & ~m POST', '!~c 200', '~b \"BEGIN PRIVATE KEY\"'",
            "   (quote it for the shell). See docs/reference/query-language.md."})
public final class SearchCommand implements Callable<Integer> {
    /** Lines the human format prints without {@code -n}. */
    static final int DEFAULT_LIMIT = 20;

    @Spec CommandSpec spec;
    @Mixin DataDirOption data;
    @Mixin QueryOptions filter;
    @Mixin OutputOptions output;
    @Mixin FleetSearchOptions fleet;

    @Parameters(arity = "0..*", paramLabel = "QUERY", description = "Query words (ANDed); none: every flow.")
    List<String> words = new ArrayList<>();

    @Option(names = "--count", description = "Print only the number of matching flows (exact).")
    boolean count;

    @Option(names = "--facet", paramLabel = "host|status|method|client", description = "Print the number of matching flows per value.")
    String facet;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (fleet.enabled()) {
            var split = fleet.split(String.join(" ", words));
            return fleet.search(filter.query(split.query()), split.sandboxes(), count, facet, output, out);
        }
        FlowQuery q = filter.query(String.join(" ", words));
        try (StoreReader r = StoreReader.open(data.storeDir())) {
            if (count) {
                long n = r.count(q);
                warn(r, err);
                out.println(n);
            } else if (facet != null) {
                Map<String, Long> counts;
                try {
                    counts = r.facet(q, facet);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--facet: " + e.getMessage());
                }
                warn(r, err);
                for (Map.Entry<String, Long> e : counts.entrySet()) out.printf("%8d  %s%n", e.getValue(), TerminalText.field(e.getKey()));
            } else if (output.format().machine() && !output.limited()) {
                // evidence: a machine format gets every match, streamed (issue 16 #4: 515 matched, 20 written)
                java.io.OutputStream os = new java.io.BufferedOutputStream(new WriterOutputStream(out), 1 << 16);
                ExportCommand.stream(r, q, output.format() == OutputOptions.Format.HAR ? "har" : "ndjson", os, () -> { });
                if (output.format() == OutputOptions.Format.HAR) os.write('\n');
                os.flush();
                warn(r, err);
            } else {
                int limit = output.limit(DEFAULT_LIMIT);
                List<Flow> flows = r.search(q, limit);
                warn(r, err);
                print(flows, output.format(), out);
                if (!output.format().machine() && flows.size() >= limit) {
                    long total = r.count(q);
                    if (total > flows.size()) {
                        err.println("traffic: showing the newest " + flows.size() + " of " + total + " matching flows;"
                                + " -n " + total + " shows them all, -o ndjson or -o har writes every match");
                        err.flush();
                    }
                }
            }
        }
        out.flush();
        return 0;
    }

    static void warn(StoreReader r, PrintWriter err) {
        for (String w : r.warnings()) err.println("traffic: warning: " + w);
        err.flush();
    }

    static void print(List<Flow> flows, OutputOptions.Format format, PrintWriter out) throws java.io.IOException {
        switch (format) {
            case SHORT -> {
                boolean colour = Terminal.isStdoutTerminal();
                for (Flow f : flows) out.println(FlowFormat.shortLine(f, colour));
            }
            case JSON -> {
                for (Flow f : flows) out.println(TerminalText.json(FlowJson.toJson(f)));
            }
            case HAR -> {
                java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
                HarWriter.write(flows, buf);
                out.println(TerminalText.json(buf.toString(java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        out.flush();
    }
}
