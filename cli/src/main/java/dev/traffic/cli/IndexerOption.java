package dev.traffic.cli;

import dev.traffic.proxy.admin.ProxyMetrics;
import dev.traffic.store.FlowSink;
import dev.traffic.store.FlowStore;
import dev.traffic.store.IndexLag;
import dev.traffic.store.StoreOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code traffic proxy --indexer process|thread}: where the search index is built while recording
 * (docs/performance/recording-tax-2026-12-08.md). {@code process} (default): a companion process at the lowest
 * CPU priority ({@link IndexCompanion}); {@code thread}: a thread of the proxy's own JVM, as before.
 * {@code --no-index} (the store options) turns both off. Also puts the index lag on {@code /metrics}.
 */
public final class IndexerOption {
    @Option(names = "--indexer", defaultValue = "process", paramLabel = "process|thread",
            description = "Where the search index is built while recording: process = a companion process at the lowest"
                    + " CPU priority, which the proxy's requests never wait for (default); thread = inside the proxy's JVM.")
    String indexer;

    private IndexCompanion companion;
    /** Set by {@link #apply}: the store records without an index of its own, the companion builds it. */
    private boolean companionIndexes;

    private boolean companionMode() {
        return switch (indexer.toLowerCase(Locale.ROOT)) {
            case "process" -> true;
            case "thread" -> false;
            default -> throw new UsageException("--indexer: expected process or thread, got '" + indexer + "'");
        };
    }

    /** The store options with the in-process indexer off when the companion indexes. */
    StoreOptions apply(StoreOptions o) {
        companionIndexes = o.index() && companionMode();
        return companionIndexes ? o.withIndex(false) : o;
    }

    /** Starts the companion (when it indexes) and registers the index lag gauges. */
    void start(FlowSink sink, Path dataDir, ProxyMetrics metrics) throws IOException {
        if (!(sink instanceof FlowStore fs)) return;
        if (companionIndexes) {
            companion = IndexCompanion.start(fs, dataDir);
            IndexLag lag = companion.lag();
            metrics.indexLag(lag::flows, lag::seconds);
        } else if (fs.options().index()) {
            IndexLag lag = new IndexLag();
            lag.durable(fs.durableSeq());
            fs.onDurable(lag::durable);
            metrics.indexLag(() -> {
                lag.indexed(fs.indexedSeq());
                return lag.flows();
            }, () -> {
                lag.indexed(fs.indexedSeq());
                return lag.seconds();
            });
        }
    }

    /** After the store's close: the companion indexes what is durable, commits and exits. */
    void close() {
        if (companion != null) companion.close();
    }
}
