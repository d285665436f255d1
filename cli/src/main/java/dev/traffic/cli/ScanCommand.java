package dev.traffic.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.traffic.detect.Detector;
import dev.traffic.detect.Policy;
import dev.traffic.detect.ScanContext;
import dev.traffic.detect.SessionState;
import dev.traffic.store.FlowQuery;
import dev.traffic.store.StoreReader;
import dev.traffic.store.har.HarReader;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.Severity;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code traffic scan}: re-scans a HAR file or the flow store ({@code --store [QUERY]}, with
 * {@code --since/--until/--session}) with the detector. Exit 0 when nothing at or above
 * {@code --min-severity} was found, 1 when something was, 2 on usage errors, 3 when the input cannot be
 * read. A stored flow also reports the findings recorded on it by the proxy: its stored text has each
 * secret replaced by a redaction marker, so a re-scan alone would find nothing there.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Scan recorded requests (a HAR 1.2 file or the store) for token exfiltration.")
public final class ScanCommand implements Callable<Integer> {
    private static final JsonFactory JSON = new JsonFactory();

    @Spec CommandSpec spec;
    @Mixin DataDirOption data;
    @Mixin QueryOptions filter;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE.har", description = "HAR 1.2 file to scan.")
    Path har;

    @Option(names = "--store", arity = "0..1", fallbackValue = "", paramLabel = "QUERY",
            description = "Scan flows from the store (optionally only those matching QUERY) instead of a file.")
    String storeQuery;

    @Option(names = "--policy", paramLabel = "FILE", description = "Policy YAML (secrets, canaries, destinations, sinks).")
    Path policyFile;

    @Option(names = "--json", description = "One JSON object per finding per line.")
    boolean json;

    @Option(names = "--min-severity", defaultValue = "medium", paramLabel = "LEVEL",
            description = "Report (and exit 1 on) findings at or above: low, medium, high, critical (default: ${DEFAULT-VALUE}).")
    String minSeverity;

    @Override
    public Integer call() throws Exception {
        Severity min;
        try {
            min = Severity.parse(minSeverity);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--min-severity must be low, medium, high or critical, not '" + minSeverity + "'");
        }
        if ((har == null) == (storeQuery == null)) throw new UsageException("give a HAR file or --store (not both)");
        Policy policy = loadPolicy();
        Detector detector = new Detector(policy);
        SessionState sessions = new SessionState();
        StringBuilder buf = new StringBuilder();
        int[] reported = {0};
        if (storeQuery != null) {
            scanStore(detector, sessions, min, buf, reported);
        } else {
            scanHar(detector, sessions, min, buf, reported);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(buf);
        out.flush();
        return reported[0] > 0 ? ExitCodes.FOUND : ExitCodes.OK;
    }

    private void scanHar(Detector detector, SessionState sessions, Severity min, StringBuilder buf, int[] reported)
            throws IOException {
        if (!Files.isRegularFile(har)) throw new UsageException("no such file: " + har);
        List<HarReader.Entry> entries;
        try {
            entries = HarReader.readAll(har);
        } catch (IOException e) {
            throw new IOException("cannot read " + har + ": " + e.getMessage(), e);
        }
        // pass 1 records which pieces of known secrets each session carried (split secrets)
        for (HarReader.Entry e : entries) {
            Flow f = e.flow();
            if (f.request() != null) detector.prime(f.request(), context(e.flow(), "entry-" + e.index(), sessions));
        }
        for (HarReader.Entry e : entries) {
            Flow f = e.flow();
            if (f.request() == null) continue;
            report(e.index(), f, findings(detector, f, context(f, "entry-" + e.index(), sessions)), min, buf, reported);
        }
    }

    /** Re-scans stored flows (new rules over old traffic), in seq order, two passes like a HAR file. */
    private void scanStore(Detector detector, SessionState sessions, Severity min, StringBuilder buf, int[] reported)
            throws IOException {
        FlowQuery q = filter.query(storeQuery);
        if (!Files.isDirectory(data.storeDir())) throw new UsageException("no flow store at " + data.storeDir());
        try (StoreReader r = StoreReader.open(data.storeDir())) {
            r.scan(q, true, f -> {
                if (f.request() != null) detector.prime(f.request(), context(f, f.id(), sessions));
            });
            IOException[] failure = {null};
            r.scan(q, true, f -> {
                if (failure[0] != null) return;
                if (f.request() == null) {
                    try {
                        report(null, f, f.findings(), min, buf, reported);
                    } catch (IOException e) {
                        failure[0] = e;
                    }
                    return;
                }
                try {
                    report(null, f, withRecorded(f, findings(detector, f, context(f, f.id(), sessions))), min, buf, reported);
                } catch (IOException e) {
                    failure[0] = e;
                }
            });
            if (failure[0] != null) throw failure[0];
            for (String w : r.warnings()) spec.commandLine().getErr().println("traffic: warning: " + w);
        }
    }

    /** The request's findings plus those of its client-to-server WebSocket messages (location "ws"). */
    private static List<Finding> findings(Detector detector, Flow f, ScanContext ctx) {
        List<Finding> out = new java.util.ArrayList<>(detector.scan(f.request(), ctx));
        for (dev.traffic.model.WsMessage m : f.messages()) {
            if (m.direction() != dev.traffic.model.WsMessage.Direction.CLIENT_TO_SERVER) continue;
            out.addAll(detector.inspectMessage(f.request().host(), f.request().path(), m, ctx).findings());
        }
        return out;
    }

    /**
     * The findings the proxy recorded on the flow, then those of the re-scan that are new: a finding is
     * the same when rule, location and fingerprint are.
     */
    static List<Finding> withRecorded(Flow f, List<Finding> rescanned) {
        java.util.Map<String, Finding> all = new java.util.LinkedHashMap<>();
        for (Finding x : f.findings()) all.putIfAbsent(x.rule() + '\0' + x.location() + '\0' + x.fingerprint(), x);
        for (Finding x : rescanned) all.putIfAbsent(x.rule() + '\0' + x.location() + '\0' + x.fingerprint(), x);
        return List.copyOf(all.values());
    }

    private void report(Integer entry, Flow f, List<Finding> findings, Severity min, StringBuilder buf, int[] reported)
            throws IOException {
        for (Finding finding : findings) {
            if (!finding.severity().atLeast(min)) continue;
            reported[0]++;
            buf.append(json ? jsonLine(entry, f.id(), finding) : textLine(entry, f.id(), finding)).append('\n');
        }
    }

    private static ScanContext context(Flow f, String fallback, SessionState sessions) {
        return ScanContext.of(f.session() == null ? fallback : f.session(), sessions);
    }

    private Policy loadPolicy() throws IOException {
        if (policyFile == null) return Policy.defaults();
        if (!Files.isRegularFile(policyFile)) throw new UsageException("no such policy file: " + policyFile);
        try {
            return Policy.load(policyFile);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static String jsonLine(Integer entry, String flow, Finding f) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            if (entry == null) g.writeNullField("entry");
            else g.writeNumberField("entry", entry);
            g.writeStringField("flow", flow);
            g.writeStringField("rule", f.rule());
            g.writeStringField("family", f.family());
            g.writeStringField("severity", f.severity().label());
            g.writeStringField("location", f.location());
            g.writeStringField("host", f.host());
            g.writeStringField("fingerprint", f.fingerprint());
            g.writeStringField("encoding", f.encoding());
            g.writeEndObject();
        }
        return w.toString();
    }

    static String textLine(Integer entry, String flow, Finding f) {
        return String.format("%-8s %-26s %s %s/%s at %s to %s [%s] %s%s", f.severity().label(),
                entry == null ? flow : "#" + entry + " " + flow, "", f.rule(), f.family(), f.location(), f.host(),
                f.encoding(), f.fingerprint(), f.detail().isEmpty() ? "" : " (" + f.detail() + ")");
    }
}
