package dev.traffic.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.traffic.detect.Detector;
import dev.traffic.detect.Policy;
import dev.traffic.detect.ScanContext;
import dev.traffic.detect.SessionState;
import dev.traffic.store.har.HarReader;
import dev.traffic.store.model.Finding;
import dev.traffic.store.model.Flow;
import dev.traffic.store.model.Severity;
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
 * {@code traffic scan}: re-scans a HAR file (or the store) with the detector. Exit 0 when nothing at
 * or above {@code --min-severity} was found, 1 when something was, 2 on usage errors.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Scan recorded requests (a HAR 1.2 file or the store) for token exfiltration.")
public final class ScanCommand implements Callable<Integer> {
    private static final JsonFactory JSON = new JsonFactory();

    @Spec CommandSpec spec;
    @Mixin DataDirOption data;

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
        if (storeQuery != null) {
            throw new IllegalStateException("scan --store needs the store's query API, which is not built yet; "
                    + "export the flows to HAR and scan that file");
        }
        if (!Files.isRegularFile(har)) throw new UsageException("no such file: " + har);
        Policy policy = loadPolicy();
        Detector detector = new Detector(policy);
        SessionState sessions = new SessionState();
        PrintWriter out = spec.commandLine().getOut();
        int[] reported = {0};
        List<HarReader.Entry> entries;
        try {
            entries = HarReader.readAll(har);
        } catch (IOException e) {
            throw new IOException("cannot read " + har + ": " + e.getMessage(), e);
        }
        // pass 1 records which pieces of known secrets each session carried (split secrets)
        for (HarReader.Entry e : entries) {
            Flow f = e.flow();
            if (f.request() != null) detector.prime(f.request(), context(e, sessions));
        }
        StringBuilder buf = new StringBuilder();
        for (HarReader.Entry e : entries) {
            Flow f = e.flow();
            if (f.request() == null) continue;
            ScanContext ctx = context(e, sessions);
            for (Finding finding : detector.scan(f.request(), ctx)) {
                if (!finding.severity().atLeast(min)) continue;
                reported[0]++;
                buf.append(json ? jsonLine(e.index(), f.id(), finding) : textLine(e.index(), f.id(), finding)).append('\n');
            }
        }
        out.print(buf);
        out.flush();
        return reported[0] > 0 ? 1 : 0;
    }

    private static ScanContext context(HarReader.Entry e, SessionState sessions) {
        String session = e.flow().session();
        return ScanContext.of(session == null ? "entry-" + e.index() : session, sessions);
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
