package dev.traffic.cli;

import dev.traffic.store.StoreLayout;
import dev.traffic.store.StoreOptions;
import dev.traffic.store.index.Indexer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code traffic index --follow}: the proxy's indexing companion, a separate low-priority process
 * that builds the Lucene index from the journal while {@code traffic proxy} records (see
 * {@link IndexCompanion}, which starts it). Its stdin carries one line per fsync,
 * {@code durable SEQ}: it indexes only flows that are durable, so an index commit never covers a
 * flow a crash could still take back. End of stdin (the proxy stopped or died) makes it index what
 * is durable, commit and exit. On stdout it reports {@code indexed SEQ COMMITTED} lines (at most
 * ten a second) for the proxy's {@code /metrics}.
 */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Build the search index from the journal as a companion process of `traffic proxy`, which starts it",
                "(reads 'durable SEQ' lines on stdin, stops at end of input)."})
public final class IndexCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DataDirOption data;

    @Option(names = "--follow", required = true, description = "Follow the journal while the proxy records (the only mode).")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        StoreLayout layout = new StoreLayout(data.storeDir().toAbsolutePath());
        if (!Files.isDirectory(layout.journalDir())) throw new UsageException("no flow store at " + data.storeDir());
        layout.checkVersion();
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.US_ASCII);
        Indexer indexer = Indexer.start(layout, StoreOptions.DEFAULTS.maxIndexedBodyBytes());
        Thread reporter = new Thread(() -> report(indexer, out), "traffic-index-report");
        reporter.setDaemon(true);
        reporter.start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("durable ")) {
                    try {
                        indexer.durable(Long.parseLong(line.substring(8).trim()));
                    } catch (NumberFormatException e) {
                        spec.commandLine().getErr().println("traffic index: ignoring malformed line '" + line + "'");
                    }
                }
            }
        } finally {
            indexer.close(); // indexes what is durable, commits
            out.println("indexed " + indexer.indexedSeq() + " " + indexer.committedSeq());
        }
        return 0;
    }

    /** Progress lines for the proxy's metrics, when the progress changed, at most every 100 ms. */
    private static void report(Indexer indexer, PrintStream out) {
        long shownIndexed = -1;
        long shownCommitted = -1;
        while (true) {
            long i = indexer.indexedSeq();
            long c = indexer.committedSeq();
            if (i != shownIndexed || c != shownCommitted) {
                out.println("indexed " + i + " " + c);
                shownIndexed = i;
                shownCommitted = c;
            }
            try {
                Thread.sleep(100); // a reporting period, not a wait for a condition
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
