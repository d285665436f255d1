package dev.traffic.store;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * How a {@link FlowStore} writes: group-commit interval, session id, retention, failure mode and
 * the checkpoint callback. Immutable; {@code with*} return copies. The CLI fills it from
 * {@code --fsync-interval}, {@code --session}, {@code --retain}, {@code --max-store-size},
 * {@code --on-store-failure}.
 */
public record StoreOptions(
        Duration fsyncInterval,
        String session,
        Duration retain,
        long maxStoreSize,
        FailureMode onStoreFailure,
        int queueCapacity,
        long segmentBytes,
        Duration checkpointInterval,
        int maxIndexedBodyBytes,
        boolean index,
        Consumer<Checkpoint> checkpointListener) {

    /** What the proxy does when the store cannot record. */
    public enum FailureMode { FAIL_CLOSED, FAIL_OPEN }

    public static final StoreOptions DEFAULTS = new StoreOptions(Duration.ofMillis(100), null, null, 0,
            FailureMode.FAIL_CLOSED, 16_384, 64L << 20, Duration.ofSeconds(5), 1 << 20, true, c -> {});

    public StoreOptions {
        if (fsyncInterval == null || fsyncInterval.isNegative()) throw new IllegalArgumentException("fsync interval must be >= 0");
        if (queueCapacity < 1) throw new IllegalArgumentException("queue capacity must be >= 1");
        if (segmentBytes < 4096) throw new IllegalArgumentException("segment size must be >= 4096 bytes");
        if (onStoreFailure == null) onStoreFailure = FailureMode.FAIL_CLOSED;
        if (checkpointInterval == null) checkpointInterval = Duration.ofSeconds(5);
        if (checkpointListener == null) checkpointListener = c -> {};
    }

    public static StoreOptions defaults() {
        return DEFAULTS;
    }

    public StoreOptions withFsyncInterval(Duration v) {
        return new StoreOptions(v, session, retain, maxStoreSize, onStoreFailure, queueCapacity, segmentBytes,
                checkpointInterval, maxIndexedBodyBytes, index, checkpointListener);
    }

    public StoreOptions withSession(String v) {
        return new StoreOptions(fsyncInterval, v, retain, maxStoreSize, onStoreFailure, queueCapacity, segmentBytes,
                checkpointInterval, maxIndexedBodyBytes, index, checkpointListener);
    }

    public StoreOptions withRetain(Duration v) {
        return new StoreOptions(fsyncInterval, session, v, maxStoreSize, onStoreFailure, queueCapacity, segmentBytes,
                checkpointInterval, maxIndexedBodyBytes, index, checkpointListener);
    }

    public StoreOptions withMaxStoreSize(long v) {
        return new StoreOptions(fsyncInterval, session, retain, v, onStoreFailure, queueCapacity, segmentBytes,
                checkpointInterval, maxIndexedBodyBytes, index, checkpointListener);
    }

    public StoreOptions withOnStoreFailure(FailureMode v) {
        return new StoreOptions(fsyncInterval, session, retain, maxStoreSize, v, queueCapacity, segmentBytes,
                checkpointInterval, maxIndexedBodyBytes, index, checkpointListener);
    }

    public StoreOptions withQueueCapacity(int v) {
        return new StoreOptions(fsyncInterval, session, retain, maxStoreSize, onStoreFailure, v, segmentBytes,
                checkpointInterval, maxIndexedBodyBytes, index, checkpointListener);
    }

    public StoreOptions withSegmentBytes(long v) {
        return new StoreOptions(fsyncInterval, session, retain, maxStoreSize, onStoreFailure, queueCapacity, v,
                checkpointInterval, maxIndexedBodyBytes, index, checkpointListener);
    }

    public StoreOptions withCheckpointInterval(Duration v) {
        return new StoreOptions(fsyncInterval, session, retain, maxStoreSize, onStoreFailure, queueCapacity, segmentBytes,
                v, maxIndexedBodyBytes, index, checkpointListener);
    }

    public StoreOptions withIndex(boolean v) {
        return new StoreOptions(fsyncInterval, session, retain, maxStoreSize, onStoreFailure, queueCapacity, segmentBytes,
                checkpointInterval, maxIndexedBodyBytes, v, checkpointListener);
    }

    public StoreOptions withCheckpointListener(Consumer<Checkpoint> v) {
        return new StoreOptions(fsyncInterval, session, retain, maxStoreSize, onStoreFailure, queueCapacity, segmentBytes,
                checkpointInterval, maxIndexedBodyBytes, index, v);
    }

    /** A duration as every option reads it: {@link dev.traffic.units.Durations}. */
    public static Duration parseDuration(String s) {
        return dev.traffic.units.Durations.parse(s);
    }

    /** A size as every option reads it: {@link dev.traffic.units.ByteSizes} ({@code 1MB} = 1,000,000, {@code 1MiB} = 1,048,576). */
    public static long parseSize(String s) {
        return dev.traffic.units.ByteSizes.parse(s);
    }
}
