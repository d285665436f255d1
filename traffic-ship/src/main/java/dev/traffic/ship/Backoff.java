package dev.traffic.ship;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded exponential back-off with full jitter: attempt n waits a uniform random time in
 * [0, min(cap, base * 2^n)], so a fleet of shippers that lost the same cluster does not come back
 * in lock-step. {@link #reset()} after a success. Not thread-safe.
 */
public final class Backoff {
    private final long baseMillis;
    private final long capMillis;
    private int failures;

    public Backoff(Duration base, Duration cap) {
        this.baseMillis = Math.max(1, base.toMillis());
        this.capMillis = Math.max(baseMillis, cap.toMillis());
    }

    /** The next wait in milliseconds (counts a failure). */
    public long next() {
        long ceiling = Math.min(capMillis, baseMillis << Math.min(failures, 30));
        failures++;
        return ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1); // at least half: no busy retry
    }

    public int failures() {
        return failures;
    }

    public void reset() {
        failures = 0;
    }
}
