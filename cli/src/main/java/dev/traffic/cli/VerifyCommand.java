package dev.traffic.cli;

import dev.traffic.store.Checkpoint;
import dev.traffic.store.RetentionMark;
import dev.traffic.store.Verifier;
import dev.traffic.store.internal.StoreKey;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code traffic verify}: recomputes the Merkle log from the journal; exit 0 only when all is well. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prove the record: recompute every flow's hash from the journal, check sequence numbers,",
            "body hashes, every signed checkpoint and retention mark. Exit 0 when nothing is altered or missing",
            "(warnings say what could not be proved: pass --key and --checkpoints copies kept outside the store), 1 otherwise."})
public final class VerifyCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DataDirOption data;

    @Option(names = "--key", paramLabel = "FILE", description = "Trusted public key (a copy of store.pub kept elsewhere); default: the store's own.")
    Path key;

    @Option(names = "--checkpoints", paramLabel = "FILE", description = "Also check the checkpoint lines in FILE (e.g. the proxy's log kept outside the pod; other lines are ignored). Repeatable.")
    List<Path> checkpointFiles = new ArrayList<>();

    @Option(names = "--strict", description = "Fail (exit 1) on warnings too: signatures checked only against the store's own key, or flows not yet covered by a checkpoint.")
    boolean strict;

    @Override
    public Integer call() throws Exception {
        PublicKey trusted = null;
        if (key != null) {
            if (!Files.isReadable(key)) throw new UsageException("--key: cannot read " + key);
            trusted = StoreKey.loadPublic(key);
        }
        List<Checkpoint> extra = new ArrayList<>();
        List<RetentionMark> marks = new ArrayList<>();
        for (Path f : checkpointFiles) {
            if (!Files.isReadable(f)) throw new UsageException("--checkpoints: cannot read " + f);
            for (String line : Files.readAllLines(f)) {
                try {
                    if (line.contains("traffic-checkpoint v1 ")) extra.add(Checkpoint.parse(line));
                    else if (RetentionMark.isMark(line)) marks.add(RetentionMark.parse(line));
                } catch (RuntimeException e) {
                    throw new UsageException("--checkpoints " + f + ": bad signed line: " + e.getMessage());
                }
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        boolean tty = Terminal.isStderrTerminal();
        Verifier.Report r = Verifier.verify(data.storeDir(), trusted, extra, marks, n -> {
            if (tty) {
                err.print("\rverified " + n + " flows");
                err.flush();
            }
        });
        if (tty) err.print("\r" + " ".repeat(40) + "\r");
        PrintWriter out = spec.commandLine().getOut();
        long gaps = r.problems().stream().filter(p -> p.what().contains("missing")).count();
        long altered = r.problems().stream().filter(p -> p.what().contains("altered")).count();
        out.println("flows verified:       " + r.flowsVerified());
        out.println("expired (hash only):  " + r.expired());
        out.println("last seq:             " + r.lastSeq());
        out.println("gaps in sequence:     " + gaps);
        out.println("records altered:      " + altered);
        out.println("checkpoints checked:  " + r.checkpointsChecked());
        for (Verifier.Problem p : r.problems()) out.println("PROBLEM " + p);
        for (String w : r.warnings()) out.println("WARNING " + w);
        boolean pass = r.ok() && (!strict || r.warnings().isEmpty());
        if (!pass) out.println("FAILED: " + r.problems().size() + " problem(s)" + (strict ? ", " + r.warnings().size() + " warning(s)" : ""));
        else if (r.warnings().isEmpty()) out.println("OK: the record is intact");
        else out.println("OK, with " + r.warnings().size() + " warning(s): nothing altered or missing, but see the WARNING lines for what this run could not prove");
        out.flush();
        return pass ? 0 : 1;
    }
}
