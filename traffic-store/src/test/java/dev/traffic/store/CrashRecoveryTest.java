package dev.traffic.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Flow;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM writes flows flat out and is SIGKILLed at a random moment, 20 times over the same
 * store: every flow acknowledged more than one fsync interval (plus margin) before the kill is
 * recovered, verify passes, no flow id appears twice and seqs stay dense.
 */
class CrashRecoveryTest {
    private static final long FSYNC_MS = 100;
    @TempDir Path dir;

    @Test
    void survivesTwentySigkills() throws Exception {
        Random rnd = new Random();
        long[] mustHave = new long[20];
        for (int round = 0; round < 20; round++) {
            boolean index = round % 5 == 4;
            Process p = new ProcessBuilder(javaBin(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString(),
                    Long.toString(FSYNC_MS), Boolean.toString(index), Integer.toString(round))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long ackedSafe = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String first = out.readLine();
                assertThat(first).as("child started").startsWith("open");
                long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50 + rnd.nextInt(700));
                java.util.ArrayDeque<long[]> written = new java.util.ArrayDeque<>();
                long durable = 0;
                String line;
                while (System.nanoTime() < killAt && (line = out.readLine()) != null) {
                    if (line.startsWith("written ")) written.add(new long[] {System.nanoTime(), Long.parseLong(line.substring(8))});
                    if (line.startsWith("durable ")) durable = Long.parseLong(line.substring(8));
                }
                long kill = System.nanoTime();
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
                // fsynced flows must survive, and so must every flow whose record was written more
                // than one fsync interval before the kill
                ackedSafe = durable;
                for (long[] a : written) {
                    if (kill - a[0] >= TimeUnit.MILLISECONDS.toNanos(FSYNC_MS)) ackedSafe = Math.max(ackedSafe, a[1]);
                }
            }
            mustHave[round] = ackedSafe;
        }
        // a clean open recovers the last torn tail; then everything must be there and verify
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults().withIndex(false))) {
            s.flush();
        }
        Verifier.Report rep = Verifier.verify(dir, null, List.of(), null);
        assertThat(rep.problems()).isEmpty();
        try (StoreReader r = StoreReader.open(dir)) {
            Set<String> ids = new HashSet<>();
            long[] seq = {0};
            r.scan(FlowQuery.all(), false, (Flow f) -> {
                assertThat(f.seq()).isEqualTo(seq[0] + 1);
                seq[0] = f.seq();
                assertThat(ids.add(f.id())).as("duplicate %s", f.id()).isTrue();
            });
            long acked = 0;
            for (int round = 0; round < 20; round++) {
                long have = 0;
                while (ids.contains("c-" + round + "-" + (have + 1))) have++;
                assertThat(have).as("round %d: flows recovered vs acknowledged", round)
                        .isGreaterThanOrEqualTo(mustHave[round]);
                acked += mustHave[round];
            }
            assertThat(acked).as("the children acknowledged flows before being killed").isPositive();
        }
    }

    private static String javaBin() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
