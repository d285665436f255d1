package dev.traffic.bench.store;

import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import dev.traffic.store.index.FlowDocument;
import dev.traffic.store.model.Flow;
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
 * and building one Lucene document for an agent-like flow. The store is fresh per trial.
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
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
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
