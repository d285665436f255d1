package dev.traffic.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Flow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: the store lives on a small tmpfs (needs root, as CI runs; skipped otherwise).
 * Writing fills it, the store turns unhealthy (the proxy then answers 503 in fail-closed mode);
 * growing the file system lets it recover by itself, and nothing handed over is lost or doubled.
 */
class StoreFailureTest {
    @TempDir Path tmp;
    private Path mnt;

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mnt != null) run("umount", mnt.toString());
    }

    @Test
    void fullDiskMakesTheStoreUnhealthyAndItRecoversByItself() throws Exception {
        Path m = tmp.resolve("mnt");
        Files.createDirectories(m);
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", m.toString()) == 0,
                "cannot mount a tmpfs here (needs root)");
        mnt = m;
        CountDownLatch down = new CountDownLatch(1);
        CountDownLatch up = new CountDownLatch(1);
        List<String> ids = new ArrayList<>();
        Random rnd = new Random(1);
        try (FlowStore s = FlowStore.open(m.resolve("store"), StoreOptions.defaults().withIndex(false))) {
            s.onHealthChange(ok -> (ok ? up : down).countDown());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (s.healthy() && System.nanoTime() < deadline) {
                byte[] big = new byte[100_000];
                rnd.nextBytes(big); // incompressible: fills the disk
                Flow f = Flows.get("h.test", "/" + ids.size(), 200, "x").toBuilder()
                        .response(Flows.get("h.test", "/", 200, "x").response().withBody(Flows.body(big))).build();
                s.ended(f);
                ids.add(f.id());
                down.await(20, TimeUnit.MILLISECONDS);
            }
            assertThat(down.await(30, TimeUnit.SECONDS)).as("store reports it cannot record").isTrue();
            assertThat(s.healthy()).isFalse();
            assertThat(s.failure()).isNotNull();
            assertThat(run("mount", "-o", "remount,size=64m", m.toString())).isZero();
            assertThat(up.await(30, TimeUnit.SECONDS)).as("store recovers by itself").isTrue();
            assertThat(s.healthy()).isTrue();
            Flow after = Flows.get("after.test", "/", 200, "ok");
            s.ended(after);
            ids.add(after.id());
            s.flush();
        }
        Set<String> found = new HashSet<>();
        try (StoreReader r = StoreReader.open(m.resolve("store"))) {
            r.scan(FlowQuery.all(), false, f -> assertThat(found.add(f.id())).as("duplicate %s", f.id()).isTrue());
        }
        assertThat(found).containsAll(ids);
        assertThat(Verifier.verify(m.resolve("store"), null, List.of(), null).problems()).isEmpty();
    }
}
