package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code traffic tail -f} in another JVM sees new flows and keeps following across a writer restart. */
class TailFollowTest {
    @TempDir Path tmp;

    @Test
    void followsNewFlowsAcrossAWriterRestart() throws Exception {
        Path store = tmp.resolve("home/store");
        try (FlowStore s = FlowStore.open(store, StoreOptions.defaults().withIndex(false))) {
            s.ended(StoreFixtures.flow("GET", "before.test", "/old", 200, "", "", false));
        }
        Process tail = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "tail", "-f", "-n", "0", "--data-dir", tmp.resolve("home").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(tail.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) lines.add(l);
            } catch (java.io.IOException e) {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            FlowStore s = FlowStore.open(store, StoreOptions.defaults().withIndex(false));
            // write until the follower shows our flow (it may still be starting up)
            String seen = null;
            for (int i = 0; i < 200 && seen == null; i++) {
                s.ended(StoreFixtures.flow("GET", "first.test", "/a" + i, 200, "", "", false));
                seen = waitFor(lines, "first.test", 250);
            }
            assertThat(seen).as("tail -f shows a flow written after it started").isNotNull();
            assertThat(lines).noneMatch(l -> l.contains("before.test"));
            // once the follower is live, a new flow must show up well within 1 s (generous: 5 s)
            s.ended(StoreFixtures.flow("GET", "live.test", "/now", 200, "", "", false));
            assertThat(waitFor(lines, "live.test", 5000)).isNotNull();
            s.close(); // writer stops ...
            try (FlowStore again = FlowStore.open(store, StoreOptions.defaults().withIndex(false))) { // ... and restarts
                again.ended(StoreFixtures.flow("POST", "after-restart.test", "/b", 201, "x", "", false));
                String l = waitFor(lines, "after-restart.test", 5000);
                assertThat(l).as("tail -f survives the writer restarting").isNotNull().contains("POST https://after-restart.test/b 201");
            }
            assertThat(seenOther).as("marker line for the restart").anyMatch(l -> l.startsWith("-- recorder started"));
        } finally {
            tail.destroyForcibly();
            tail.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Takes lines until one contains {@code text}; null when none did within the time. */
    private static String waitFor(BlockingQueue<String> lines, String text, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            String l = lines.poll(left, TimeUnit.NANOSECONDS);
            if (l != null && l.contains(text)) return l;
            if (l != null) seenOther.add(l);
        }
        return null;
    }

    private static final java.util.List<String> seenOther = new java.util.concurrent.CopyOnWriteArrayList<>();
}
