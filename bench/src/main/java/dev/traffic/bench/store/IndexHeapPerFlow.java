package dev.traffic.bench.store;

import dev.traffic.store.StoreOptions;
import dev.traffic.store.index.FlowDocument;
import dev.traffic.store.index.Indexer;
import dev.traffic.model.Flow;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.store.FSDirectory;

/**
 * The memory side of indexing: heap the indexer's RAM buffer keeps for flows added but not yet
 * committed (the proxy commits every 5 s while busy), and the CPU per flow it costs, for RAM buffer
 * sizes given on the command line. One thread does everything (merges included, through a serial
 * merge scheduler), with the store's own {@link Indexer#config()} and {@link FlowDocument} mapping.
 * Per size: add {@code N} small HTTPS flows ({@link AgentTraffic#smallHttps}) without committing,
 * then {@code System.gc()} and compare used heap with the heap before (N flows buffered vs none);
 * then commit. Run:
 * {@code java -XX:+UseSerialGC -cp bench/target/benchmarks.jar dev.traffic.bench.store.IndexHeapPerFlow [N [MB ...]]}
 * (default 25,000 flows, i.e. 5 s at 5,000 flows/s, for the configured size and 16, 8, 4 MB).
 */
public final class IndexHeapPerFlow {
    private IndexHeapPerFlow() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 25_000;
        double configured = Indexer.config().getRAMBufferSizeMB();
        double[] sizes = args.length > 1 ? new double[args.length - 1] : new double[] {configured, 16, 8, 4};
        for (int i = 1; i < args.length; i++) sizes[i - 1] = Double.parseDouble(args[i]);
        int maxBody = StoreOptions.defaults().maxIndexedBodyBytes();
        AgentTraffic gen = new AgentTraffic(7, Instant.now());
        run(gen, 30_000, configured, maxBody, false); // warm-up: let the JIT compile the path
        System.out.printf(Locale.ROOT, "%d flows buffered (not committed) per run; index mapping format %s, configured RAM buffer %.0f MB%n",
                n, Indexer.FORMAT, configured);
        for (int round = 0; round < 2; round++) {
            for (double mb : sizes) run(gen, n, mb, maxBody, true);
        }
    }

    private static void run(AgentTraffic gen, int n, double mb, int maxBody, boolean print) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Path dir = Files.createTempDirectory("index-heap");
        Flow[] flows = new Flow[n];
        for (int i = 0; i < n; i++) flows[i] = gen.smallHttps().withSeq(i + 1);
        try (FSDirectory d = FSDirectory.open(dir)) {
            IndexWriterConfig c = Indexer.config().setRAMBufferSizeMB(mb).setMergeScheduler(new SerialMergeScheduler());
            try (IndexWriter w = new IndexWriter(d, c)) {
                long before = usedAfterGc();
                long cpu0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) w.addDocument(FlowDocument.of(flows[i], 1, i * 100L, maxBody));
                long cpuAdd = mx.getCurrentThreadCpuTime() - cpu0;
                long ram = w.ramBytesUsed();
                long after = usedAfterGc();
                java.lang.ref.Reference.reachabilityFence(flows); // the flows were there before too: keep them out of the difference
                long cpu1 = mx.getCurrentThreadCpuTime();
                w.commit();
                long cpuCommit = mx.getCurrentThreadCpuTime() - cpu1;
                if (print) {
                    System.out.printf(Locale.ROOT, "RAM buffer %5.1f MB: retained heap %6.2f MB (%4.0f bytes/flow; writer says %5.2f MB buffered),"
                            + " CPU %5.1f us/flow adding + %4.1f us/flow for the commit, %d segments committed%n",
                            mb, (after - before) / 1048576.0, (after - before) / (double) n, ram / 1048576.0,
                            cpuAdd / 1e3 / n, cpuCommit / 1e3 / n, org.apache.lucene.index.SegmentInfos.readLatestCommit(d).size());
                }
            }
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }
}
