package dev.traffic.cli;

import dev.traffic.store.FlowJson;
import dev.traffic.store.FlowQuery;
import dev.traffic.store.JournalFollower;
import dev.traffic.store.StoreReader;
import dev.traffic.store.StoreOptions;
import dev.traffic.store.index.FlowMatcher;
import dev.traffic.model.Flow;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code traffic tail}: journalctl-like. Lists the last flows, then with {@code -f} follows the
 * journal files (polling every 200 ms; the journal, not the index, feeds it), across proxy
 * restarts, reporting retention gaps.
 */
@Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show the last recorded flows; -f follows new ones as they are recorded.")
public final class TailCommand implements Callable<Integer> {
    private static final long POLL_MILLIS = 200;

    @Spec CommandSpec spec;
    @Mixin DataDirOption data;
    @Mixin QueryOptions filter;

    @Option(names = {"-f", "--follow"}, description = "Keep printing flows as they are recorded (Ctrl-C stops).")
    boolean follow;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", description = "How many of the last matching flows to show first (default: 10; with --since: all).")
    Integer lines;

    @Parameters(arity = "0..*", paramLabel = "QUERY", description = "Only flows matching QUERY, as for search: fields (host:x status:>=400) or a ~ filter (~d x & !~c 200).")
    List<String> words = new ArrayList<>();

    @Option(names = {"-q", "--query"}, paramLabel = "QUERY", description = "Same as the positional QUERY (kept for scripts).")
    String query;

    @Option(names = "--cursor-file", paramLabel = "FILE", description = "Resume after the last flow printed by a previous run, and record it here.")
    Path cursorFile;

    @Option(names = {"-o", "--output"}, defaultValue = "short", paramLabel = "short|json", description = "Line format (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--json", description = "Same as -o json.")
    boolean json;

    private boolean asJson;
    private boolean colour;

    @Override
    public Integer call() throws Exception {
        asJson = json || switch (output.toLowerCase(Locale.ROOT)) {
            case "short" -> false;
            case "json" -> true;
            default -> throw new UsageException("-o: expected short or json, got '" + output + "'");
        };
        if (lines != null && lines < 0) throw new UsageException("-n: must be >= 0, got " + lines);
        if (query != null && !words.isEmpty()) throw new UsageException("give the query once: positionally or with -q, not both");
        FlowQuery q = filter.query(query != null ? query : String.join(" ", words));
        colour = !asJson && Terminal.isStdoutTerminal();
        PrintWriter out = spec.commandLine().getOut();
        long after;
        try (StoreReader r = StoreReader.open(data.storeDir())) {
            Long resume = readCursor();
            if (resume != null) {
                after = resume;
                if (r.firstSeq() > after + 1) {
                    out.println("-- gap: flows " + (after + 1) + ".." + (r.firstSeq() - 1) + " were removed by retention before being shown --");
                }
            } else {
                long journalLast = r.lastSeq();
                List<Flow> first;
                boolean all = lines == null && filter.since != null;
                int n = lines == null ? 10 : lines;
                if (q.matchesAll()) {
                    first = n == 0 ? List.of() : r.last(all ? Integer.MAX_VALUE : n, asJson);
                } else {
                    first = n == 0 && !all ? List.of() : new ArrayList<>(r.search(q, all ? Integer.MAX_VALUE - 1 : n));
                    Collections.reverse(first);
                }
                SearchCommand.warn(r, spec.commandLine().getErr());
                long maxPrinted = 0;
                for (Flow f : first) {
                    print(f, out);
                    maxPrinted = Math.max(maxPrinted, f.seq());
                }
                out.flush();
                writeCursor(maxPrinted);
                after = Math.max(journalLast, maxPrinted);
            }
            if (resume == null && !follow) return 0;
        }
        try (JournalFollower fol = new JournalFollower(new dev.traffic.store.StoreLayout(data.storeDir()), after, asJson || !q.matchesAll())) {
            do {
                List<JournalFollower.Event> evs = fol.poll();
                List<Flow> batch = new ArrayList<>();
                for (JournalFollower.Event e : evs) {
                    if (e instanceof JournalFollower.FlowEvent fe) {
                        batch.add(fe.flow());
                        continue;
                    }
                    emit(batch, q, out);
                    batch.clear();
                    if (!asJson) out.println(TerminalText.field(((JournalFollower.Marker) e).text()));
                }
                emit(batch, q, out);
                out.flush();
                if (!evs.isEmpty()) writeCursor(fol.lastSeq());
                if (follow && evs.isEmpty()) Thread.sleep(POLL_MILLIS);
                if (out.checkError()) return 0; // the reader went away (a closed pipe)
            } while (follow);
        }
        return 0;
    }

    private void emit(List<Flow> batch, FlowQuery q, PrintWriter out) throws IOException {
        if (batch.isEmpty()) return;
        List<Flow> show = q.matchesAll() ? batch : FlowMatcher.filter(batch, q, StoreOptions.DEFAULTS.maxIndexedBodyBytes());
        for (Flow f : show) print(f, out);
    }

    private void print(Flow f, PrintWriter out) {
        out.println(asJson ? TerminalText.json(FlowJson.toJson(f)) : FlowFormat.shortLine(f, colour));
    }

    private Long readCursor() throws IOException {
        if (cursorFile == null || !Files.exists(cursorFile)) return null;
        String s = Files.readString(cursorFile, StandardCharsets.UTF_8).trim();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new UsageException("--cursor-file " + cursorFile + ": expected a sequence number, found '" + s + "'");
        }
    }

    private void writeCursor(long seq) throws IOException {
        if (cursorFile == null || seq <= 0) return;
        Path tmp = cursorFile.resolveSibling(cursorFile.getFileName() + ".tmp");
        Files.writeString(tmp, seq + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, cursorFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
