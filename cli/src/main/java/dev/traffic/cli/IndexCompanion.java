package dev.traffic.cli;

import dev.traffic.store.FlowStore;
import dev.traffic.store.IndexLag;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code traffic index --follow} as a separate process next to the recording proxy, so the
 * index costs the proxy's core nothing while it is busy: its own JVM (heap, garbage collector, JIT
 * compiler and Lucene merge threads all its own) at the lowest CPU priority ({@code nice -n 19}), so
 * the kernel gives it the core only when the proxy's event loops leave it idle. Under sustained load
 * the index falls behind (search stays complete: it reads the last index commit plus the journal
 * beyond it) and catches up in the quiet that follows; {@link IndexLag} shows how far behind it is.
 * <p>The proxy's store tells it each fsync's durable seq over its stdin (one short line per fsync,
 * from the store's writer thread; never from an event loop); closing stdin stops it after a final
 * commit. If it dies it is started again (at most once a minute), so recording never depends on it.
 */
final class IndexCompanion implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IndexCompanion.class);
    private static final long RESTART_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Path dataDir;
    private final IndexLag lag = new IndexLag();
    private final Object lock = new Object();
    private Process process;
    private OutputStream toChild;
    private long startedAt;
    private volatile boolean closed;

    private IndexCompanion(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** Starts the companion for the store {@code store} in {@code dataDir}. */
    static IndexCompanion start(FlowStore store, Path dataDir) throws IOException {
        IndexCompanion c = new IndexCompanion(dataDir);
        c.lag.durable(store.durableSeq());
        c.spawn();
        c.send(store.durableSeq());
        store.onDurable(seq -> {
            c.lag.durable(seq);
            c.send(seq);
        });
        return c;
    }

    IndexLag lag() {
        return lag;
    }

    /** The command line: this JVM's java and class path, a small heap, the class-data archive when this JVM uses one. */
    static List<String> command(Path dataDir) {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/nice"))) cmd.addAll(List.of("/usr/bin/nice", "-n", "19"));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-XX:SharedArchiveFile=") || a.startsWith("-Xshare:") || a.startsWith("-Xlog:cds")) cmd.add(a);
        }
        // SerialGC and a small heap: the RAM buffer is 8 MB; -XX:TieredStopAtLevel is not lowered
        // (C2-compiled indexing needs less CPU in total, and the compiler thread is niced too)
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Xmx256m", "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError"));
        String extra = System.getenv("TRAFFIC_INDEX_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "index", "--follow", "--data-dir", dataDir.toString()));
        return cmd;
    }

    private void spawn() throws IOException {
        synchronized (lock) {
            spawnLocked();
            LOG.info("indexing in a companion process (pid {}, nice 19)", process.pid());
        }
    }

    private void readProgress(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(" ");
                if (f.length == 3 && f[0].equals("indexed")) {
                    try {
                        lag.indexed(Long.parseLong(f[1]));
                    } catch (NumberFormatException e) {
                        // not a progress line: ignore
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Writes one durable line; restarts a dead companion (at most once a minute). Writer thread. */
    private void send(long seq) {
        if (closed) return;
        synchronized (lock) {
            if (!process.isAlive()) {
                if (System.nanoTime() - startedAt < RESTART_NANOS) return;
                LOG.warn("index companion exited ({}); starting it again", process.exitValue());
                try {
                    spawnLocked();
                } catch (IOException e) {
                    LOG.warn("index companion not restarted: {}", e.toString());
                    startedAt = System.nanoTime();
                    return;
                }
            }
            try {
                toChild.write(("durable " + seq + "\n").getBytes(StandardCharsets.US_ASCII));
                toChild.flush();
            } catch (IOException e) {
                // the process is ending: the next fsync finds it dead
            }
        }
    }

    private void spawnLocked() throws IOException {
        Process p = new ProcessBuilder(command(dataDir)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        process = p;
        toChild = p.getOutputStream();
        startedAt = System.nanoTime();
        Thread reader = new Thread(() -> readProgress(p), "traffic-index-companion");
        reader.setDaemon(true);
        reader.start();
    }

    /** Closes its stdin (after the store's last fsync): it indexes what is durable, commits and exits. */
    @Override
    public void close() {
        closed = true;
        Process p;
        synchronized (lock) {
            p = process;
            try {
                toChild.close();
            } catch (IOException e) {
                // already gone
            }
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                LOG.warn("index companion did not finish within 60 s; stopping it (the next start catches up)");
                p.destroy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
        }
    }
}
