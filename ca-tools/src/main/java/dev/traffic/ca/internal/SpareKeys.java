package dev.traffic.ca.internal;

import java.security.KeyPair;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A few EC leaf key pairs generated ahead of need, so minting a leaf for a new host only builds and
 * signs the certificate: key generation (about 160 µs of CPU when warm, several ms while the code is
 * still interpreted) leaves the handshake's critical path. Each key is handed out once. A taken key
 * is replaced a little later ({@link #REFILL_DELAY_MS}), not at once: on a one-core sidecar an
 * immediate refill would compete with the very handshake that took the key. One daemon thread
 * serves every instance. Thread-safe.
 */
public final class SpareKeys {
    static final long REFILL_DELAY_MS = 50;
    private static final ScheduledExecutorService FILLER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "traffic-leaf-keys");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY); // background refill; honoured under -XX:ThreadPriorityPolicy=1 (docs/performance/proxy-harness-2026-11-27.md)
        return t;
    });

    private final ArrayBlockingQueue<KeyPair> spare;

    /** Starts generating {@code count} spare keys in the background. */
    public SpareKeys(int count) {
        this.spare = new ArrayBlockingQueue<>(count);
        for (int i = 0; i < count; i++) FILLER.execute(this::fillOne);
    }

    /** A key pair nobody else has been given: a spare one when ready, else generated now. */
    public KeyPair take() {
        KeyPair k = spare.poll();
        FILLER.schedule(this::fillOne, REFILL_DELAY_MS, TimeUnit.MILLISECONDS);
        return k != null ? k : Keys.generateLeaf();
    }

    /** Spare keys ready now (for tests and metrics). */
    public int ready() {
        return spare.size();
    }

    private void fillOne() {
        if (spare.remainingCapacity() > 0) spare.offer(Keys.generateLeaf());
    }
}
