package dev.traffic.cli;

import dev.traffic.store.StoreOptions;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The flow store's options of {@code traffic proxy}, turned into {@link StoreOptions}. */
public final class StoreOptionsMixin {
    @Option(names = "--fsync-interval", defaultValue = "100ms", paramLabel = "DURATION",
            description = "Longest time between journal fsyncs (group commit; default: ${DEFAULT-VALUE}).")
    Duration fsyncInterval;

    @Option(names = "--session", paramLabel = "ID", description = "Session id recorded on every flow (default: a new id per start).")
    String session;

    @Option(names = "--retain", paramLabel = "DURATION", description = "Drop journal segments older than this (e.g. 7d); hashes and checkpoints stay.")
    Duration retain;

    @Option(names = "--max-store-size", paramLabel = "SIZE", converter = Converters.Size.class, description = "Drop the oldest journal segments beyond this size (e.g. 20GB).")
    Long maxStoreSize;

    @Option(names = "--on-store-failure", defaultValue = "fail-closed", paramLabel = "fail-closed|fail-open",
            description = "When the store cannot record: answer 503 'recording unavailable' (fail-closed, default) or keep forwarding.")
    String onStoreFailure;

    @Option(names = "--no-index", description = "Do not index while recording (saves CPU on a busy proxy); `traffic reindex` builds the index later, and search reads the journal meanwhile.")
    boolean noIndex;

    public StoreOptions toOptions() {
        StoreOptions o = StoreOptions.defaults().withIndex(!noIndex);
        try {
            o = o.withFsyncInterval(fsyncInterval);
            if (retain != null) o = o.withRetain(retain);
            if (maxStoreSize != null) o = o.withMaxStoreSize(maxStoreSize);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (session != null) {
            if (!session.matches("[A-Za-z0-9._:-]{1,128}")) throw new UsageException("--session: use letters, digits, . _ : - (got '" + session + "')");
            o = o.withSession(session);
        }
        return o.withOnStoreFailure(failureMode());
    }

    public StoreOptions.FailureMode failureMode() {
        return switch (onStoreFailure.toLowerCase(Locale.ROOT)) {
            case "fail-closed" -> StoreOptions.FailureMode.FAIL_CLOSED;
            case "fail-open" -> StoreOptions.FailureMode.FAIL_OPEN;
            default -> throw new UsageException("--on-store-failure: expected fail-closed or fail-open, got '" + onStoreFailure + "'");
        };
    }

    Duration fsync() {
        return fsyncInterval;
    }
}
