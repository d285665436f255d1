package dev.traffic.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadInputTest {
    @TempDir Path dir;

    private void record(int n, StoreOptions o) throws Exception {
        try (FlowStore s = FlowStore.open(dir, o)) {
            for (int i = 0; i < n; i++) s.ended(Flows.get("h" + i + ".test", "/x", 200, "hello " + i));
            s.flush();
            s.awaitIndexed(20_000);
        }
    }

    @Test
    void corruptIndexIsRebuiltFromTheJournalWithAWarning() throws Exception {
        record(30, StoreOptions.defaults());
        try (Stream<Path> files = Files.list(dir.resolve("index"))) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (!n.startsWith("segments") && !n.equals("write.lock")) Files.delete(p); // lose the data files
            }
        }
        try (StoreReader r = StoreReader.open(dir)) {
            // a reader falls back to the journal and says so
            assertThat(r.count(FlowQuery.parse("host:h7.test"))).isEqualTo(1);
            assertThat(r.warnings()).anyMatch(w -> w.contains("index") && w.contains("reindex"));
        }
        // the writer rebuilds it on open
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults())) {
            s.awaitIndexed(20_000);
        }
        try (StoreReader r = StoreReader.open(dir)) {
            assertThat(r.indexedSeq()).isEqualTo(30);
            assertThat(r.count(FlowQuery.parse("body:hello"))).isEqualTo(30);
            assertThat(r.warnings()).isEmpty();
        }
        // and reindex does it on request
        assertThat(FlowStore.reindex(dir, s -> {})).isEqualTo(30);
    }

    @Test
    void indexOfAnOlderMappingIsRebuiltFromTheJournal() throws Exception {
        record(30, StoreOptions.defaults());
        // make the last commit look like format 1 (before header terms were name:value): no format key
        try (org.apache.lucene.store.FSDirectory d = org.apache.lucene.store.FSDirectory.open(dir.resolve("index"));
                org.apache.lucene.index.IndexWriter w = new org.apache.lucene.index.IndexWriter(d, dev.traffic.store.index.Indexer.config())) {
            w.setLiveCommitData(java.util.Map.of(dev.traffic.store.index.Indexer.LAST_SEQ, "30").entrySet());
            w.commit();
        }
        try (StoreReader r = StoreReader.open(dir)) {
            assertThat(r.indexedSeq()).isZero(); // the old index is not used: the journal is searched instead
            assertThat(r.count(FlowQuery.parse("header.host:h7.test"))).isEqualTo(1);
            assertThat(r.warnings()).anyMatch(w -> w.contains("older format") && w.contains("reindex"));
        }
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults())) {
            s.awaitIndexed(20_000);
        }
        try (StoreReader r = StoreReader.open(dir)) {
            assertThat(r.indexedSeq()).isEqualTo(30);
            assertThat(r.count(FlowQuery.parse("header.host:h7.test"))).isEqualTo(1);
            assertThat(r.count(FlowQuery.parse("header.accept:*"))).isEqualTo(30);
            assertThat(r.warnings()).isEmpty();
        }
    }

    @Test
    void newerFormatVersionIsRefusedAndLeftUntouched() throws Exception {
        record(3, StoreOptions.defaults().withIndex(false));
        Files.writeString(dir.resolve("VERSION"), "traffic-store 7\n");
        long before = Files.size(dir.resolve("journal").resolve(Segments0.first(dir)));
        assertThatThrownBy(() -> FlowStore.open(dir, StoreOptions.defaults()))
                .isInstanceOf(StoreException.class).hasMessageContaining("format version 7").hasMessageContaining("refusing");
        assertThatThrownBy(() -> StoreReader.open(dir)).isInstanceOf(StoreException.class).hasMessageContaining("version 7");
        assertThat(Files.readString(dir.resolve("VERSION"))).isEqualTo("traffic-store 7\n");
        assertThat(Files.size(dir.resolve("journal").resolve(Segments0.first(dir)))).isEqualTo(before);
        assertThat(dir.resolve("writer.lock")).exists();
    }

    @Test
    void newerSegmentVersionIsRefused() throws Exception {
        record(3, StoreOptions.defaults().withIndex(false));
        Path seg = dir.resolve("journal").resolve(Segments0.first(dir));
        byte[] all = Files.readAllBytes(seg);
        ByteBuffer.wrap(all).putInt(4, 9);
        Files.write(seg, all);
        assertThatThrownBy(() -> FlowStore.open(dir, StoreOptions.defaults()))
                .isInstanceOf(StoreException.class).hasMessageContaining("version 9").hasMessageContaining(seg.getFileName().toString());
        assertThat(Files.readAllBytes(seg)).isEqualTo(all);
    }

    @Test
    void secondWriterIsRefused() throws Exception {
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults().withIndex(false))) {
            assertThatThrownBy(() -> FlowStore.open(dir, StoreOptions.defaults())).isInstanceOf(StoreException.class)
                    .hasMessageContaining("already open");
        }
    }

    @Test
    void retentionDropsOldSegmentsButVerifyStillCoversThem() throws Exception {
        StoreOptions o = StoreOptions.defaults().withSegmentBytes(4096).withMaxStoreSize(3 * 4096).withIndex(true)
                .withCheckpointInterval(Duration.ofMillis(1));
        try (FlowStore s = FlowStore.open(dir, o)) {
            for (int i = 0; i < 200; i++) {
                s.ended(Flows.get("h" + i + ".test", "/x", 200, "body " + i));
                if (i % 10 == 0) s.flush();
            }
            s.flush();
        }
        try (StoreReader r = StoreReader.open(dir)) {
            assertThat(r.firstSeq()).isGreaterThan(1);
            assertThat(r.lastSeq()).isEqualTo(200);
        }
        Verifier.Report rep = Verifier.verify(dir, null, List.of(), null);
        assertThat(rep.problems()).isEmpty();
        assertThat(rep.expired()).isPositive();
        assertThat(rep.expired() + rep.flowsVerified()).isEqualTo(200);
        // the retention event is on record, and a follower starting before it reports the gap
        try (JournalFollower f = new JournalFollower(new StoreLayout(dir), 0, false)) {
            List<JournalFollower.Event> evs = f.poll();
            assertThat(evs).anyMatch(e -> e instanceof JournalFollower.Marker m && m.text().contains("retention"));
        }
        try (JournalFollower f = new JournalFollower(new StoreLayout(dir), 1, false)) {
            assertThat(f.poll().get(0)).isInstanceOfSatisfying(JournalFollower.Marker.class, m -> assertThat(m.text()).contains("gap"));
        }
    }

    /** Name of the first segment file. */
    static final class Segments0 {
        static String first(Path dir) throws Exception {
            try (Stream<Path> s = Files.list(dir.resolve("journal"))) {
                return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".seg")).sorted().findFirst().orElseThrow();
            }
        }
    }
}
