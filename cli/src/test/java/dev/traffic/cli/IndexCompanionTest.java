package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.store.FlowQuery;
import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import dev.traffic.store.StoreReader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index companion: a real {@code traffic index --follow} process indexing what a store without
 * its own indexer records; lag on the way and at the end; the last commit covers everything once it
 * stopped; search finds the flows before and after.
 */
class IndexCompanionTest {
    @TempDir Path dir;

    @Test
    void aCompanionProcessIndexesWhatTheStoreRecordsAndCommitsAllOfItWhenStopped() throws Exception {
        Path storeDir = dir.resolve("store");
        IndexCompanion companion;
        try (FlowStore store = FlowStore.open(storeDir, StoreOptions.defaults().withIndex(false))) {
            companion = IndexCompanion.start(store, dir);
            for (int i = 0; i < 50; i++) {
                store.ended(StoreFixtures.flow("GET", "api" + (i % 5) + ".example.com", "/p" + i, 200, "", "{\"n\":" + i + "}", i == 7));
            }
            store.flush();
            // everything durable is searchable at once (index commit + journal tail), indexed or not
            try (StoreReader r = StoreReader.open(storeDir)) {
                assertThat(r.count(FlowQuery.parse("host:api3.example.com"))).isEqualTo(10);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (companion.lag().indexedSeq() < 50 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                companion.lag().seconds(); // read while it moves: never negative, never throws
            }
            assertThat(companion.lag().indexedSeq()).as("indexed by the companion process").isEqualTo(50);
            assertThat(companion.lag().flows()).isZero();
            assertThat(companion.lag().seconds()).isZero();
        }
        companion.close(); // end of stdin: index what is durable, commit, exit
        try (StoreReader r = StoreReader.open(storeDir)) {
            assertThat(r.indexedSeq()).as("the last commit covers every flow").isEqualTo(50);
            assertThat(r.count(FlowQuery.parse("host:api3.example.com"))).isEqualTo(10);
            assertThat(r.count(FlowQuery.parse("body:n"))).isEqualTo(50);
        }
    }

    @Test
    void theCompanionRunsTheSameJavaAtTheLowestPriority() {
        var cmd = IndexCompanion.command(dir);
        assertThat(cmd).containsSubsequence("index", "--follow", "--data-dir", dir.toString());
        if (cmd.get(0).endsWith("nice")) assertThat(cmd.subList(1, 3)).containsExactly("-n", "19");
    }
}
