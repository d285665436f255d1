package dev.traffic.cli;

import dev.traffic.store.FlowJson;
import dev.traffic.store.FlowQuery;
import dev.traffic.store.StoreReader;
import dev.traffic.store.har.HarWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
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
 * {@code traffic export [QUERY] --format har|ndjson [--out FILE]}: matching flows in seq order.
 * A file is written beside its target and renamed at the end (never half-written); a progress bar
 * goes to stderr when stderr is a terminal and the export is long.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Export recorded flows as HAR 1.2 (Chrome DevTools, Charles) or NDJSON (jq), oldest first.")
public final class ExportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DataDirOption data;
    @Mixin QueryOptions filter;

    @Parameters(arity = "0..*", paramLabel = "QUERY", description = "Query words (ANDed); none: every flow.")
    List<String> words = new ArrayList<>();

    @Option(names = {"-o", "--format"}, defaultValue = "har", paramLabel = "har|ndjson|json",
            description = "Output format: a HAR 1.2 log, or one JSON object per line (ndjson; json is the same) (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of stdout.")
    Path outFile;

    @Override
    public Integer call() throws Exception {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("har") && !fmt.equals("ndjson") && !fmt.equals("json")) {
            throw new UsageException("-o/--format: expected har, ndjson or json, got '" + format + "'");
        }
        FlowQuery q = filter.query(String.join(" ", words));
        PrintWriter err = spec.commandLine().getErr();
        Path tmp = null;
        OutputStream os;
        if (outFile != null) {
            Path abs = outFile.toAbsolutePath();
            if (abs.getParent() != null && !Files.isDirectory(abs.getParent())) throw new UsageException("--out: directory " + abs.getParent() + " does not exist");
            tmp = abs.resolveSibling("." + abs.getFileName() + ".partial");
            os = new BufferedOutputStream(openPrivate(tmp), 1 << 16);
        } else {
            spec.commandLine().getOut().flush();
            os = new BufferedOutputStream(System.out, 1 << 16);
        }
        long[] done = {0};
        try (StoreReader r = StoreReader.open(data.storeDir())) {
            long total = Terminal.isStderrTerminal() ? r.count(q) : -1;
            Progress progress = new Progress(err, total);
            stream(r, q, fmt, os, () -> progress.step(++done[0]));
            progress.end();
            SearchCommand.warn(r, err);
            os.flush();
            if (tmp != null) {
                os.close();
                Files.move(tmp, outFile.toAbsolutePath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                err.println("exported " + done[0] + " flow(s) to " + outFile);
                err.flush();
            }
        } catch (IOException | RuntimeException e) {
            if (tmp != null) {
                os.close();
                Files.deleteIfExists(tmp);
            }
            throw e;
        }
        return 0;
    }

    /**
     * Writes every flow matching {@code q}, oldest first, as HAR ({@code har}) or one JSON object per
     * line ({@code ndjson}, {@code json}), streaming: memory does not grow with the number of flows.
     */
    static void stream(StoreReader r, FlowQuery q, String fmt, OutputStream os, Runnable each) throws IOException {
        if (fmt.equals("har")) {
            try (HarWriter w = new HarWriter(os, false)) {
                r.scan(q, true, f -> {
                    try {
                        w.write(f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    each.run();
                });
            }
        } else {
            r.scan(q, true, f -> {
                try {
                    os.write(TerminalText.json(FlowJson.toJson(f)).getBytes(StandardCharsets.UTF_8));
                    os.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                each.run();
            });
        }
        os.flush();
    }

    /** A one-line progress bar on stderr, only when it is a terminal and there are over 1000 flows. */
    static final class Progress {
        private final PrintWriter err;
        private final long total;
        private long shown = -1;

        Progress(PrintWriter err, long total) {
            this.err = err;
            this.total = total;
        }

        void step(long n) {
            if (total < 1000 || n % 500 != 0) return;
            long pct = n * 100 / total;
            if (pct == shown) return;
            shown = pct;
            int bars = (int) (pct / 4);
            err.print("\r[" + "#".repeat(bars) + " ".repeat(25 - Math.min(25, bars)) + "] " + n + "/" + total);
            err.flush();
        }

        void end() {
            if (shown >= 0) {
                err.print("\r" + " ".repeat(60) + "\r");
                err.flush();
            }
        }
    }

    /**
     * Creates the temporary file 0600 with O_EXCL, so it never follows a link someone planted at its
     * name (which would make us overwrite the link's target) and never lets other users read the
     * export. A stale partial file from an interrupted export is replaced; a symlink is refused.
     */
    static OutputStream openPrivate(Path tmp) throws IOException {
        if (Files.isSymbolicLink(tmp)) {
            throw new UsageException("--out: refusing to write through " + tmp + ": it is a symbolic link (remove it if you made it)");
        }
        Files.deleteIfExists(tmp);
        java.util.Set<java.nio.file.OpenOption> opts = java.util.Set.of(java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        java.nio.channels.SeekableByteChannel ch;
        try {
            ch = Files.newByteChannel(tmp, opts, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            ch = Files.newByteChannel(tmp, opts);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new UsageException("--out: " + tmp + " appeared while exporting (another export, or a planted file); not overwriting it");
        }
        return java.nio.channels.Channels.newOutputStream(ch);
    }
}
