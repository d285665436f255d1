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

    /** Parses "100ms", "5s", "15m", "2h", "7d" (the CLI's duration syntax). */
    public static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d|w)").matcher(t);
        if (!m.matches()) throw new IllegalArgumentException("bad duration '" + s + "' (use e.g. 100ms, 30s, 15m, 2h, 7d)");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    /** Parses "500MB", "20GB", "1TB", "4096" (bytes; powers of 1024). */
    public static long parseSize(String s) {
        String t = s.trim().toUpperCase(java.util.Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(B|K|KB|KIB|M|MB|MIB|G|GB|GIB|T|TB|TIB)?").matcher(t);
        if (!m.matches()) throw new IllegalArgumentException("bad size '" + s + "' (use e.g. 500MB, 20GB)");
        long n = Long.parseLong(m.group(1));
        String u = m.group(2) == null ? "B" : m.group(2).substring(0, 1);
        return switch (u) {
            case "K" -> n << 10;
            case "M" -> n << 20;
            case "G" -> n << 30;
            case "T" -> n << 40;
            default -> n;
        };
    }
}
