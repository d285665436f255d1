package dev.traffic.cli;

import dev.traffic.store.FlowStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code traffic reindex}: rebuilds the Lucene index from the journal (the proxy must be stopped). */
@Command(name = "reindex", mixinStandardHelpOptions = true,
        description = "Rebuild the search index from the journal (the journal is the record; the index is derived).")
public final class ReindexCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DataDirOption data;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        boolean tty = Terminal.isStderrTerminal();
        long[] shown = {0};
        long last = FlowStore.reindex(data.storeDir(), seq -> {
            // a progress line on a terminal; otherwise one line per 100,000 flows
            if (tty) {
                err.print("\rindexed up to seq " + seq);
                err.flush();
            } else if (seq / 100_000 > shown[0]) {
                shown[0] = seq / 100_000;
                err.println("indexed up to seq " + seq);
                err.flush();
            }
        });
        if (tty) err.println();
        spec.commandLine().getOut().println("reindexed " + last + " flow(s) in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
