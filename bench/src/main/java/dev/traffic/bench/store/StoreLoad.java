package dev.traffic.bench.store;

import dev.traffic.store.FlowQuery;
import dev.traffic.store.FlowStore;
import dev.traffic.store.JournalFollower;
import dev.traffic.store.StoreLayout;
import dev.traffic.store.StoreOptions;
import dev.traffic.store.StoreReader;
import dev.traffic.model.Flow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * End-to-end store measurements that do not fit JMH's iteration model (they need a big store
 * built once). Run: {@code java -cp bench/target/benchmarks.jar dev.traffic.bench.store.StoreLoad MODE DIR [N]}
 * <ul>
 *   <li>{@code small DIR N}: durable journal ingest of N metadata-only flows (flows/s), then index ingest (reindex), bytes/flow</li>
 *   <li>{@code agent DIR N}: durable journal ingest of N agent-like flows (MB/s of bodies), index ingest MB/s of body text</li>
 *   <li>{@code append DIR N}: adds N agent-like flows with the indexer running (index catch-up rate, with bodies)</li>
 *   <li>{@code search DIR}: p50/p99 of search for a host term, a body phrase and a 1-hour range (store built by small/agent)</li>
 *   <li>{@code visibility DIR}: at a steady 200 flows/s, latency until tail (journal follower) and search see a flow</li>
 * </ul>
 */
public final class StoreLoad {
    private StoreLoad() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        long n = args.length > 2 ? Long.parseLong(args[2]) : 100_000;
        switch (mode) {
            case "small", "agent" -> ingest(dir, n, mode.equals("agent"));
            case "search" -> search(dir);
            case "append" -> append(dir, n);
            case "visibility" -> visibility(dir);
            default -> throw new IllegalArgumentException("mode: small|agent|search|visibility");
        }
    }

    private static void ingest(Path dir, long n, boolean agent) throws Exception {
        AgentTraffic gen = new AgentTraffic(42, Instant.parse("2026-11-26T00:00:00Z"));
        // pre-generate so the generator's cost is not measured (bounded memory for big bodies)
        int batch = agent ? 200 : 100_000;
        long bodyBytes = 0;
        long t0 = System.nanoTime();
        long c0 = cpu();
        long genNanos = 0;
        long genCpu = 0;
        java.lang.management.ThreadMXBean tmx = java.lang.management.ManagementFactory.getThreadMXBean();
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults().withIndex(false))) {
            for (long done = 0; done < n; ) {
                long g0 = System.nanoTime();
                long gc0 = tmx.getCurrentThreadCpuTime();
                List<Flow> flows = new ArrayList<>();
                for (int i = 0; i < batch && done + i < n; i++) flows.add(agent ? gen.next() : gen.small());
                genNanos += System.nanoTime() - g0;
                genCpu += tmx.getCurrentThreadCpuTime() - gc0;
                for (Flow f : flows) {
                    while (!s.writable()) LockSupport.parkNanos(100_000);
                    s.ended(f);
                    bodyBytes += f.request().body().size() + f.response().body().size();
                }
                done += flows.size();
            }
            s.flush();
        }
        double secs = (System.nanoTime() - t0 - genNanos) / 1e9;
        double cpuSecs = (cpu() - c0 - genCpu) / 1e9;
        long disk = du(dir.resolve("journal")) + du(dir.resolve("merkle"));
        System.out.printf(Locale.ROOT, "journal ingest (durable, fsync 100 ms): %d flows in %.2f s = %.0f flows/s, %.1f MB/s of body bytes; journal+hashes %.1f MB = %.0f bytes/flow (bodies %.1f MB raw); process CPU %.1f s = %.0f flows per CPU-second%n",
                n, secs, n / secs, bodyBytes / 1e6 / secs, disk / 1e6, (double) disk / n, bodyBytes / 1e6, cpuSecs, n / cpuSecs);
        long i0 = System.nanoTime();
        long ic0 = cpu();
        long last = FlowStore.reindex(dir, s -> {});
        double isecs = (System.nanoTime() - i0) / 1e9;
        double icpu = (cpu() - ic0) / 1e9;
        long idx = du(dir.resolve("index"));
        System.out.printf(Locale.ROOT, "index ingest (1 thread, from the journal): %d flows in %.2f s = %.0f flows/s, %.1f MB/s of body bytes; index %.1f MB = %.0f bytes/flow; process CPU %.1f s = %.0f flows, %.1f MB body per CPU-second%n",
                last, isecs, last / isecs, bodyBytes / 1e6 / isecs, idx / 1e6, (double) idx / n, icpu, last / icpu, bodyBytes / 1e6 / icpu);
    }

    private static void append(Path dir, long n) throws Exception {
        AgentTraffic gen = new AgentTraffic(99, Instant.parse("2026-11-26T03:00:00Z"));
        long bodyBytes = 0;
        long t0 = System.nanoTime();
        long c0 = cpu();
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults())) {
            for (long i = 0; i < n; i++) {
                Flow f = gen.next();
                while (!s.writable()) LockSupport.parkNanos(100_000);
                s.ended(f);
                bodyBytes += f.request().body().size() + f.response().body().size();
            }
            s.flush();
            double w = (System.nanoTime() - t0) / 1e9;
            s.awaitIndexed(3_600_000);
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpu = (cpu() - c0) / 1e9;
            System.out.printf(Locale.ROOT, "append %d agent-like flows (%.1f MB of bodies): journal durable after %.2f s (%.1f MB/s), indexed after %.2f s (%.0f flows/s, %.1f MB/s of bodies incl. binary); process CPU %.1f s%n",
                    n, bodyBytes / 1e6, w, bodyBytes / 1e6 / w, secs, n / secs, bodyBytes / 1e6 / secs, cpu);
        }
    }

    private static void search(Path dir) throws Exception {
        try (StoreReader r = StoreReader.open(dir)) {
            long total = r.count(FlowQuery.all());
            System.out.println("store holds " + total + " flows (index up to seq " + r.indexedSeq() + ")");
            String[] queries = {"host:registry.npmjs.org", "body:\"runs the tests\"", "since:2026-11-26T01:00 until:2026-11-26T02:00",
                "host:api.github.com method:POST status:>=400"};
            for (String q : queries) {
                FlowQuery fq = FlowQuery.parse(q);
                for (int i = 0; i < 20; i++) r.search(fq, 20); // warm-up
                long[] t = new long[200];
                int hits = 0;
                for (int i = 0; i < t.length; i++) {
                    long s0 = System.nanoTime();
                    hits = r.search(fq, 20).size();
                    t[i] = System.nanoTime() - s0;
                }
                Arrays.sort(t);
                System.out.printf(Locale.ROOT, "search %-50s top-20 (%d hits, %d total): p50 %.2f ms, p99 %.2f ms%n", q, hits, r.count(fq),
                        t[t.length / 2] / 1e6, t[(int) (t.length * 0.99)] / 1e6);
            }
        }
        // a whole `traffic search` invocation opens the index each time: measure that too
        long[] t = new long[30];
        for (int i = 0; i < t.length; i++) {
            long s0 = System.nanoTime();
            try (StoreReader r = StoreReader.open(dir)) {
                r.search(FlowQuery.parse("host:registry.npmjs.org"), 20);
            }
            t[i] = System.nanoTime() - s0;
        }
        Arrays.sort(t);
        System.out.printf(Locale.ROOT, "open + search host term (per CLI call, without JVM start): p50 %.2f ms, p99 %.2f ms%n", t[t.length / 2] / 1e6, t[t.length - 1] / 1e6);
    }

    private static void visibility(Path dir) throws Exception {
        AgentTraffic gen = new AgentTraffic(7, Instant.now());
        java.util.concurrent.ConcurrentHashMap<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
        List<Long> tailLat = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Long> searchLat = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicReference<String> latest = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults())) {
            long after = s.durableSeq();
            // like `traffic tail -f`: a follower polling the journal every 200 ms
            Thread tail = new Thread(() -> {
                try (JournalFollower f = new JournalFollower(new StoreLayout(dir), after, false)) {
                    while (!done.get()) {
                        for (JournalFollower.Event e : f.poll()) {
                            if (e instanceof JournalFollower.FlowEvent fe) {
                                Long t = sentAt.get(fe.flow().id());
                                if (t != null) {
                                    long lat = System.nanoTime() - t;
                                    tailLat.add(lat);
                                    if (Boolean.getBoolean("debugLat") && lat > 1_000_000_000L) {
                                        System.out.println("slow: seq " + fe.flow().seq() + " " + lat / 1_000_000 + " ms");
                                    }
                                }
                            }
                        }
                        LockSupport.parkNanos(200_000_000L);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // like a `traffic search id:X` started in another shell right after the flow was recorded
            Thread search = new Thread(() -> {
                try {
                    while (!done.get()) {
                        String id = latest.get();
                        if (id == null) {
                            LockSupport.parkNanos(50_000_000L);
                            continue;
                        }
                        long t0 = sentAt.get(id);
                        while (!done.get()) {
                            try (StoreReader r = StoreReader.open(dir)) {
                                if (r.count(FlowQuery.parse("id:" + id)) > 0) break;
                            }
                            LockSupport.parkNanos(50_000_000L);
                        }
                        searchLat.add(System.nanoTime() - t0);
                        LockSupport.parkNanos(300_000_000L);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            tail.start();
            if (!Boolean.getBoolean("noSearch")) search.start();
            long period = 5_000_000; // 200 flows/s
            long next = System.nanoTime();
            // 10 s of warm-up (JIT, class loading: the first seconds on a cold JVM are not steady state), then 15 s measured
            for (int i = 0; i < 5000; i++) {
                Flow fl = gen.small().toBuilder().start(Instant.now()).build();
                if (i >= 2000) sentAt.put(fl.id(), System.nanoTime());
                s.ended(fl);
                if (i >= 2000) latest.set(fl.id());
                next += period;
                long wait = next - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
            }
            LockSupport.parkNanos(1_000_000_000L);
            done.set(true);
            tail.join();
            search.join();
        }
        report("tail (journal follower polling every 200 ms) sees a flow after", tailLat);
        if (!searchLat.isEmpty()) report("a fresh search (new reader, index + journal tail) finds a flow after", searchLat);
    }

    private static void report(String what, List<Long> lat) {
        long[] a = lat.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "at 200 flows/s: %s p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d samples)%n", what,
                a[a.length / 2] / 1e6, a[(int) (a.length * 0.99)] / 1e6, a[a.length - 1] / 1e6, a.length);
    }

    /** CPU time of the whole process (all threads), nanoseconds. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long du(Path p) throws IOException {
        if (!Files.exists(p)) return 0;
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(x -> x.toFile().length()).sum();
        }
    }
}
