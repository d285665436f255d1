package dev.traffic.store;

import dev.traffic.model.Flow;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child JVM of {@link CrashRecoveryTest}: writes flows (ids c-ROUND-N) as fast as the store's
 * backpressure lets it, printing "written N" (flows 1..N appended to the journal file by the store's writer) and "durable N"
 * (flows 1..N fsynced: this run's seqs are consecutive in call order) every 20 flows, until killed.
 */
public final class CrashChild {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long fsyncMs = Long.parseLong(args[1]);
        boolean index = Boolean.parseBoolean(args[2]);
        String round = args[3];
        FlowStore store = FlowStore.open(dir, StoreOptions.defaults().withFsyncInterval(Duration.ofMillis(fsyncMs))
                .withIndex(index).withCheckpointInterval(Duration.ofMillis(300)));
        long base = store.durableSeq();
        System.out.println("open " + round);
        System.out.flush();
        Object gate = new Object();
        for (long n = 1; ; n++) {
            Flow f = Flows.get("h" + (n % 7) + ".test", "/c/" + n, 200, "body " + (n % 13)).toBuilder()
                    .id("c-" + round + "-" + n).build();
            store.started(f.toBuilder().response(null).build());
            store.ended(f);
            if (n % 20 == 0) {
                System.out.println("written " + (store.writtenSeq() - base) + "\ndurable " + (store.durableSeq() - base));
                System.out.flush();
            }
            while (!store.writable()) {
                synchronized (gate) {
                    store.onWritable(() -> { synchronized (gate) { gate.notifyAll(); } });
                    gate.wait(50);
                }
            }
        }
    }
}
