package dev.traffic.cli;

import dev.traffic.ship.IndexPeriod;
import dev.traffic.ship.Sandbox;
import dev.traffic.ship.ShipConfig;
import dev.traffic.ship.ShipCursor;
import dev.traffic.ship.ShipStatus;
import dev.traffic.ship.Shipper;
import dev.traffic.ship.RetentionWatch;
import dev.traffic.store.StoreLayout;
import dev.traffic.store.StoreReader;
import dev.traffic.model.Flow;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traffic ship --to URL}: ships the store's flows to OpenSearch until stopped (a second
 * container in the pod, or a DaemonSet reading the stores); {@code --status} prints how far it got.
 */
@Command(name = "ship", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Ship every recorded flow to OpenSearch (exactly once in effect), following the journal.",
            "Runs until SIGTERM; `--status` prints the shipper's position and lag and exits."})
public final class ShipCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DataDirOption data;
    @Mixin ClusterOptions cluster;

    @Option(names = "--to", paramLabel = "URL", description = "The cluster, e.g. https://opensearch:9200 (required unless --status).")
    String to;

    @Option(names = "--sandbox-id", paramLabel = "ID",
            description = "Sandbox id shipped with every flow (default: $TRAFFIC_SANDBOX_ID, else $POD_NAME, else the host name).")
    String sandboxId;

    @Option(names = "--ship-max-body", paramLabel = "SIZE",
            description = "Bytes of each body shipped (default: the recorded prefix, redacted as stored).")
    String maxBody;

    @Option(names = "--index-period", defaultValue = "day", paramLabel = "day|hour",
            description = "One index per day or per hour of the flows' start (default: ${DEFAULT-VALUE}).")
    String period;

    @Option(names = "--batch-flows", defaultValue = "2000", paramLabel = "N",
            description = "Flows per _bulk request, at most (default: ${DEFAULT-VALUE}; a batch also stops at about 8 MiB).")
    int batchFlows;

    @Option(names = "--cursor", paramLabel = "FILE", description = "The shipper's position (default: <data-dir>/ship/cursor).")
    Path cursor;

    @Option(names = "--retain", paramLabel = "DURATION", description = "The proxy's --retain, to warn before retention deletes unshipped flows.")
    String retain;

    @Option(names = "--max-store-size", paramLabel = "SIZE", description = "The proxy's --max-store-size, for the same warning.")
    String maxStoreSize;

    @Option(names = "--exit-when-caught-up", description = "Exit 0 once everything in the journal now is shipped (batch or cron use).")
    boolean once;

    @Option(names = "--status", description = "Print the position, lag and counters of the shipper of this store, and exit.")
    boolean status;

    @Option(names = "--verify", description = "Check the cluster against the last signed checkpoint: every flow it covers shipped once, "
            + "unaltered (their Merkle root is the checkpoint's). Exit 0 when it holds, 1 when not.")
    boolean verify;

    @Option(names = "--key", paramLabel = "FILE", description = "With --verify: the store's public key kept elsewhere (default: the store's store.pub).")
    Path key;

    @Option(names = "--checkpoints", paramLabel = "FILE", description = "With --verify: checkpoint lines, e.g. the proxy's log (default: the store's checkpoints file).")
    Path checkpoints;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path cursorFile = cursorFile(data, cursor);
        if (status) return printStatus(out, cursorFile);
        if (to == null) throw new UsageException("ship: --to URL is required (or --status)");
        if (verify) return verify(out);
        ShipConfig cfg = config(ClusterOptions.url("--to", to), cluster, sandboxId, maxBody, period, cursorFile);
        if (retain != null || maxStoreSize != null) {
            try {
                cfg = cfg.withRetention(retain == null ? null : dev.traffic.store.StoreOptions.parseDuration(retain),
                        maxStoreSize == null ? 0 : dev.traffic.store.StoreOptions.parseSize(maxStoreSize));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        if (batchFlows < 1) throw new UsageException("--batch-flows: must be >= 1, got " + batchFlows);
        cfg = cfg.withBatch(batchFlows, 0);
        StoreLayout layout = new StoreLayout(data.storeDir());
        if (!layout.exists()) throw new UsageException("ship: no flow store at " + data.storeDir() + " (start the proxy first)");
        Shipper shipper = new Shipper(layout, cfg, null);
        if (once) {
            shipper.exitWhenCaughtUp().run();
        } else {
            CountDownLatch done = new CountDownLatch(1);
            ShutdownSignals.install(() -> {
                shipper.close();
                done.countDown();
            });
            spec.commandLine().getErr().flush();
            shipper.run();
        }
        if (shipper.failure() != null) {
            spec.commandLine().getErr().println("traffic: ship: " + shipper.failure().getMessage());
            return 1;
        }
        return 0;
    }

    private int verify(PrintWriter out) throws Exception {
        StoreLayout layout = new StoreLayout(data.storeDir());
        Path pub = key != null ? key : layout.publicKey();
        Path cps = checkpoints != null ? checkpoints : layout.checkpointsFile();
        if (!java.nio.file.Files.isReadable(pub)) throw new UsageException("--key: cannot read " + pub);
        if (!java.nio.file.Files.isReadable(cps)) throw new UsageException("--checkpoints: cannot read " + cps);
        dev.traffic.store.Checkpoint last = null;
        for (String line : java.nio.file.Files.readAllLines(cps)) {
            if (!line.contains("traffic-checkpoint v1")) continue;
            try {
                last = dev.traffic.store.Checkpoint.parse(line);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--checkpoints " + cps + ": " + e.getMessage() + ": " + line);
            }
        }
        if (last == null) throw new UsageException("--checkpoints: no checkpoint line in " + cps);
        String storeId = dev.traffic.ship.StoreIdentity.ofPublicKey(pub);
        String problem = dev.traffic.ship.FleetVerifier.check(cluster.client(ClusterOptions.url("--to", to)), cluster.indexPrefix, storeId,
                last, dev.traffic.store.internal.StoreKey.loadPublic(pub));
        if (problem != null) {
            out.println("NOT VERIFIED: store " + storeId + ", checkpoint size=" + last.size() + " time=" + last.time() + ": " + problem);
            out.flush();
            return 1;
        }
        out.println("verified: the cluster holds flows 1.." + last.size() + " of store " + storeId + " exactly once, and their Merkle root"
                + " is the one the store signed at " + last.time());
        out.flush();
        return 0;
    }

    static Path cursorFile(DataDirOption data, Path cursor) {
        return cursor != null ? cursor.toAbsolutePath() : data.dataDir().resolve("ship").resolve("cursor");
    }

    static ShipConfig config(java.net.URI url, ClusterOptions cluster, String sandboxId, String maxBody, String period, Path cursorFile) {
        IndexPeriod p;
        try {
            p = IndexPeriod.valueOf(period.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--index-period: expected day or hour, got '" + period + "'");
        }
        try {
            return ShipConfig.of(url, Sandbox.fromEnvironment(sandboxId, System.getenv()), cursorFile)
                    .withIndexPrefix(cluster.indexPrefix).withAuth(cluster.auth()).withCa(cluster.ca)
                    .withMaxBody(maxBody == null ? -1 : Values.size("--ship-max-body", maxBody)).withPeriod(p);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private int printStatus(PrintWriter out, Path cursorFile) throws Exception {
        ShipCursor c = ShipCursor.read(cursorFile);
        try (StoreReader r = StoreReader.open(data.storeDir())) {
            long head = r.lastSeq();
            long lagFlows = Math.max(0, head - c.seq());
            double lagSeconds = 0;
            if (lagFlows > 0) {
                Optional<Flow> next = r.bySeq(Math.max(c.seq() + 1, r.firstSeq()));
                if (next.isPresent()) {
                    Instant t = next.get().end() != null ? next.get().end() : next.get().start();
                    lagSeconds = Math.max(0, Duration.between(t, Instant.now()).toMillis() / 1000.0);
                }
            }
            out.printf(Locale.ROOT, "shipped through seq %d of %d (lag: %d flows, %.1f s)%n", c.seq(), head, lagFlows, lagSeconds);
            out.println("last acknowledged batch: " + (c.shippedAt() == null ? "never" : c.shippedAt()));
            out.printf(Locale.ROOT, "shipped %d, already there %d, parked %d%s, lost to retention %d%n", c.shipped(), c.duplicates(),
                    c.parked(), c.parked() > 0 ? " (see " + cursorFile + ".parked)" : "", c.lost());
            if (c.store() != null) out.println("store identity: " + c.store());
            String risk = RetentionWatch.check(r.layout(), retain == null ? null : dev.traffic.store.StoreOptions.parseDuration(retain),
                    maxStoreSize == null ? 0 : dev.traffic.store.StoreOptions.parseSize(maxStoreSize), c.seq(), Instant.now());
            if (risk != null) out.println("WARNING: " + risk);
        }
        out.flush();
        return 0;
    }

    /** The status line pieces the proxy logs (kept here so both read the same). */
    static String summary(ShipStatus s) {
        return String.format(Locale.ROOT, "seq %d of %d, lag %d flows / %.1f s, shipped %d, parked %d, lost %d",
                s.shippedSeq(), s.headSeq(), s.lagFlows(), s.lagSeconds(), s.shipped(), s.parked(), s.lost());
    }
}
