package dev.traffic.bench.store;

import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import dev.traffic.model.Flow;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * CPU the whole store spends per recorded flow, the way the proxy uses it: one producer thread
 * (standing in for a Netty event loop) hands {@code started(head)} and {@code ended(flow)} for
 * small HTTPS exchanges ({@link AgentTraffic#smallHttps}) at a steady rate, with the indexer on;
 * after a warm-up (30,000 flows at full speed, then some seconds at the rate), the CPU time of every thread (writer, indexer, Lucene merges, and the producer's
 * own enqueue cost) is summed per flow. CPU time, not wall time, so the shared machine's load
 * inflates the result less. Run:
 * {@code java -cp bench/target/benchmarks.jar dev.traffic.bench.store.StoreCpuPerFlow [RATE [SECONDS]]}
 * (default 3000 flows/s for 20 s after a 10 s warm-up; pin with {@code taskset -c 1} to share one core).
 */
public final class StoreCpuPerFlow {
    private StoreCpuPerFlow() {}

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Path dir = Files.createTempDirectory("store-cpu");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AgentTraffic gen = new AgentTraffic(7, Instant.now());
        try (FlowStore store = FlowStore.open(dir, StoreOptions.defaults())) {
            long[] producerCpu = new long[1];
            // prime: let the JIT compile the whole path (30,000 flows as fast as the store takes them)
            for (int i = 0; i < 30_000; i++) {
                while (!store.writable()) LockSupport.parkNanos(100_000);
                Flow f = gen.smallHttps();
                store.started(f.toBuilder().response(null).end(null).build());
                store.ended(f);
            }
            store.flush();
            catchUp(store);
            run(store, gen, rate, warmup, producerCpu, mx);
            store.flush();
            catchUp(store);
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            Map<String, Long> before = threadCpu(mx);
            Map<String, Long> nativeBefore = nativeThreadCpu();
            long p0 = producerCpu[0];
            long proc0 = os.getProcessCpuTime();
            long main0 = mx.getCurrentThreadCpuTime();
            long flows = run(store, gen, rate, seconds, producerCpu, mx);
            store.flush();
            long lag = store.durableSeq() - store.indexedSeq();
            catchUp(store);
            Map<String, Long> after = threadCpu(mx);
            Map<String, Long> nativeAfter = nativeThreadCpu();
            long producer = producerCpu[0] - p0;
            long process = os.getProcessCpuTime() - proc0 - (mx.getCurrentThreadCpuTime() - main0) + producer;
            Map<String, Long> delta = new TreeMap<>();
            for (Map.Entry<String, Long> e : after.entrySet()) {
                long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                if (d > 0) delta.merge(group(e.getKey()), d, Long::sum);
            }
            delta.remove("main"); // the producer: counted below as its store calls only
            long total = producer;
            StringBuilder per = new StringBuilder();
            for (Map.Entry<String, Long> e : delta.entrySet()) {
                total += e.getValue();
                per.append(String.format(Locale.ROOT, "  %-28s %7.1f us/flow%n", e.getKey(), e.getValue() / 1e3 / flows));
            }
            System.out.printf(Locale.ROOT, "%d flows at %d flows/s: store CPU %.1f us/flow in threads alive throughout"
                    + " (producer's started+ended calls %.1f); whole process minus the generator %.1f us/flow (GC, JIT, finished merge threads included)%n%s",
                    flows, rate, total / 1e3 / flows, producer / 1e3 / flows, process / 1e3 / flows, per);
            Map<String, Long> nat = new TreeMap<>();
            for (Map.Entry<String, Long> e : nativeAfter.entrySet()) {
                long d = e.getValue() - nativeBefore.getOrDefault(e.getKey(), 0L);
                if (d > 0) nat.merge(e.getKey().replaceAll("#\\d+$", "").replaceAll("\\d+$", "N"), d, Long::sum);
            }
            StringBuilder natOut = new StringBuilder();
            for (Map.Entry<String, Long> e : nat.entrySet()) {
                if (e.getValue() * 100 / flows >= 1) { // >= 1 us/flow
                    natOut.append(String.format(Locale.ROOT, " %s %.0f", e.getKey(), e.getValue() / 1e3 / flows));
                }
            }
            System.out.println("  all native threads alive at the end, us/flow (/proc, 10 ms ticks; 'main' includes the generator):" + natOut);
            System.out.println("  index lag at the end of the run: " + lag + " flows (waited for the indexer to catch up)");
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Hands flows at {@code rate}/s for {@code seconds}; adds the calling thread's CPU inside store calls to {@code cpu[0]}. */
    private static long run(FlowStore store, AgentTraffic gen, int rate, int seconds, long[] cpu, ThreadMXBean mx) {
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long n = 0;
        for (long next = start; next < end; next += period) {
            long wait = next - System.nanoTime();
            if (wait > 20_000) LockSupport.parkNanos(wait);
            Flow f = gen.smallHttps();
            Flow head = f.toBuilder().response(null).end(null).build();
            long c0 = mx.getCurrentThreadCpuTime();
            if (store.writable()) {
                store.started(head);
                store.ended(f);
                n++;
            }
            cpu[0] += mx.getCurrentThreadCpuTime() - c0;
        }
        return n;
    }

    /** Waits (up to 2 minutes) until the indexer has added everything durable, so its CPU covers exactly the flows counted. */
    private static void catchUp(FlowStore store) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (store.indexedSeq() < store.durableSeq() && System.nanoTime() < deadline) LockSupport.parkNanos(1_000_000);
    }

    private static String group(String thread) {
        return thread.replaceAll("#\\d+$", "").replaceAll(" #\\d+$", "").replaceAll("^GC Thread.*|^G1 .*", "GC");
    }

    /** CPU nanoseconds of every live thread of this process, JVM-internal ones included (Linux /proc), keyed "comm#tid". */
    private static Map<String, Long> nativeThreadCpu() {
        Map<String, Long> out = new HashMap<>();
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) return out;
        for (java.io.File t : tasks) {
            try {
                String stat = Files.readString(t.toPath().resolve("stat"));
                String comm = Files.readString(t.toPath().resolve("comm")).trim();
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
                out.put(comm + "#" + t.getName(), ticks * 10_000_000L);
            } catch (java.io.IOException | RuntimeException e) {
                // the thread ended meanwhile
            }
        }
        return out;
    }

    private static Map<String, Long> threadCpu(ThreadMXBean mx) {
        Map<String, Long> out = new HashMap<>();
        for (long id : mx.getAllThreadIds()) {
            ThreadInfo ti = mx.getThreadInfo(id);
            long c = mx.getThreadCpuTime(id);
            if (ti != null && c > 0) out.merge(ti.getThreadName() + "#" + id, c, Long::sum);
        }
        return out;
    }
}
