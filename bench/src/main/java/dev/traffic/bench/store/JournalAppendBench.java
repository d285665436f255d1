package dev.traffic.bench.store;

import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import dev.traffic.store.index.FlowDocument;
import dev.traffic.model.Flow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: durable journal appends of metadata-only flows (1000 per invocation, then flush = fsync),
 * building one Lucene document for an agent-like flow, and recording + indexing small HTTPS flows.
 * The stores are fresh per trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class JournalAppendBench {
    private Path dir;
    private FlowStore store;
    private Flow[] small;
    private Flow[] agent;
    private Flow[] https;
    private Flow[] heads;
    private Path indexedDir;
    private FlowStore indexed;
    private int i;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("journal-bench");
        store = FlowStore.open(dir, StoreOptions.defaults().withIndex(false));
        AgentTraffic g = new AgentTraffic(1, Instant.now());
        small = new Flow[4096];
        for (int k = 0; k < small.length; k++) small[k] = g.small();
        agent = new Flow[64];
        for (int k = 0; k < agent.length; k++) agent[k] = g.next();
        https = new Flow[4096];
        heads = new Flow[4096];
        for (int k = 0; k < https.length; k++) {
            https[k] = g.smallHttps();
            heads[k] = https[k].toBuilder().response(null).end(null).build();
        }
        indexedDir = Files.createTempDirectory("store-bench");
        indexed = FlowStore.open(indexedDir, StoreOptions.defaults());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        indexed.close();
        for (Path d : new Path[] {dir, indexedDir}) {
            try (var s = Files.walk(d)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The whole store per small HTTPS flow as the proxy records it (started + ended, 8+8 headers,
     * 200-byte body), journal and index: 1000 flows, then until they are durable and indexed.
     * Run pinned ({@code taskset -c 1}) the time per op approximates the store's CPU per flow;
     * {@link StoreCpuPerFlow} measures CPU time directly at a steady rate.
     */
    @Benchmark
    @OperationsPerInvocation(1000)
    public void recordAndIndexSmallHttps() {
        for (int k = 0; k < 1000; k++) {
            while (!indexed.writable()) LockSupport.parkNanos(50_000);
            int j = i++ & 4095;
            indexed.started(heads[j]);
            indexed.ended(https[j]);
        }
        indexed.flush();
        while (indexed.indexedSeq() < indexed.durableSeq()) LockSupport.parkNanos(200_000);
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public void appendSmallDurable() {
        for (int k = 0; k < 1000; k++) {
            while (!store.writable()) LockSupport.parkNanos(50_000);
            store.ended(small[i++ & 4095]);
        }
        store.flush();
    }

    @Benchmark
    public Object indexDocumentAgentFlow() {
        return FlowDocument.of(agent[i++ & 63], 1, 16, 1 << 20);
    }
}
