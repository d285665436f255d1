package dev.traffic.bench.store;

import dev.traffic.store.FlowQuery;
import dev.traffic.store.FlowStore;
import dev.traffic.store.JournalFollower;
import dev.traffic.store.StoreLayout;
import dev.traffic.store.StoreOptions;
import dev.traffic.store.StoreReader;
import dev.traffic.store.model.Flow;
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
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults().withIndex(false))) {
            for (long done = 0; done < n; ) {
                long g0 = System.nanoTime();
                List<Flow> flows = new ArrayList<>();
                for (int i = 0; i < batch && done + i < n; i++) flows.add(agent ? gen.next() : gen.small());
                genNanos += System.nanoTime() - g0;
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
        double cpuSecs = (cpu() - c0 - genNanos) / 1e9;
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
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults())) {
            long after = s.durableSeq();
            long[] tailLat = new long[100];
            long[] searchLat = new long[10];
            int ti = 0;
            int si = 0;
            try (JournalFollower f = new JournalFollower(new StoreLayout(dir), after, false)) {
                long period = 5_000_000; // 200 flows/s
                long next = System.nanoTime();
                java.util.Map<String, Long> sentAt = new java.util.HashMap<>();
                long lastPoll = 0;
                for (int i = 0; i < 2000; i++) {
                    Flow fl = gen.small().toBuilder().start(Instant.now()).build();
                    sentAt.put(fl.id(), System.nanoTime());
                    s.ended(fl);
                    next += period;
                    // a tail -f polls every 200 ms
                    if (System.nanoTime() - lastPoll >= 200_000_000L) {
                        lastPoll = System.nanoTime();
                        for (JournalFollower.Event e : f.poll()) {
                            if (e instanceof JournalFollower.FlowEvent fe && ti < tailLat.length && fe.flow().seq() % 20 == 0) {
                                tailLat[ti++] = System.nanoTime() - sentAt.get(fe.flow().id());
                            }
                        }
                    }
                    if (i % 200 == 100 && si < searchLat.length) {
                        // how long until a new `traffic search` (fresh reader) finds this flow
                        String id = fl.id();
                        long t0 = sentAt.get(id);
                        while (true) {
                            try (StoreReader r = StoreReader.open(dir)) {
                                if (r.count(FlowQuery.parse("id:" + id)) > 0) break;
                            }
                            LockSupport.parkNanos(50_000_000);
                        }
                        searchLat[si++] = System.nanoTime() - t0;
                        next = System.nanoTime();
                    }
                    long wait = next - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                }
            }
            long[] tl = Arrays.copyOf(tailLat, ti);
            long[] sl = Arrays.copyOf(searchLat, si);
            Arrays.sort(tl);
            Arrays.sort(sl);
            System.out.printf(Locale.ROOT, "at 200 flows/s: tail (journal follower polling every 200 ms) sees a flow after p50 %.0f ms, max %.0f ms (%d samples)%n",
                    tl[tl.length / 2] / 1e6, tl[tl.length - 1] / 1e6, tl.length);
            System.out.printf(Locale.ROOT, "at 200 flows/s: a fresh search finds a flow after p50 %.0f ms, max %.0f ms (%d samples)%n",
                    sl[sl.length / 2] / 1e6, sl[sl.length - 1] / 1e6, sl.length);
        }
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
