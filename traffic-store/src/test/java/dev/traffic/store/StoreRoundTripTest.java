package dev.traffic.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.traffic.store.har.HarReader;
import dev.traffic.store.har.HarWriter;
import dev.traffic.model.Flow;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreRoundTripTest {
    @TempDir Path dir;

    @Test
    void flowsComeBackIdenticalFromSearchShowAndExport() throws Exception {
        List<Flow> written = new ArrayList<>();
        try (FlowStore store = FlowStore.open(dir, StoreOptions.defaults())) {
            for (int i = 1; i <= 20; i++) {
                Flow f = i % 4 == 0 ? Flows.get("api.github.com", "/repos/" + i, 200, "{\"n\":" + i + "}") : Flows.rich(i);
                store.started(f.toBuilder().response(null).end(null).build());
                store.ended(f);
                written.add(f.withSeq(i));
            }
            store.flush();
            assertThat(store.durableSeq()).isEqualTo(20);
        }
        try (StoreReader r = StoreReader.open(dir)) {
            assertThat(r.lastSeq()).isEqualTo(20);
            List<Flow> all = r.search(FlowQuery.all(), 100);
            all.sort(Comparator.comparingLong(Flow::seq));
            assertThat(all).containsExactlyElementsOf(written);
            assertThat(r.show(written.get(2).id())).contains(written.get(2));
            assertThat(r.show("3")).contains(written.get(2));

            List<Flow> exported = new ArrayList<>();
            r.scan(FlowQuery.all(), true, exported::add);
            assertThat(exported).containsExactlyElementsOf(written);
            ByteArrayOutputStream har = new ByteArrayOutputStream();
            HarWriter.write(exported, har);
            List<Flow> back = new ArrayList<>();
            HarReader.forEach(new ByteArrayInputStream(har.toByteArray()), e -> back.add(e.flow()));
            assertThat(back).containsExactlyElementsOf(written);

            assertThat(r.count(FlowQuery.parse("method:POST"))).isEqualTo(15);
            assertThat(r.count(FlowQuery.parse("method:post host:API.EXAMPLE.COM"))).isEqualTo(15);
            assertThat(r.count(FlowQuery.parse("status:>=500"))).isEqualTo(15);
            assertThat(r.count(FlowQuery.parse("status:[200 TO 299]"))).isEqualTo(5);
            assertThat(r.count(FlowQuery.parse("host:api.github.com AND method:GET"))).isEqualTo(5);
            assertThat(r.count(FlowQuery.parse("body:\"n 8\""))).isEqualTo(1);
            assertThat(r.count(FlowQuery.parse("header.authorization:*"))).isEqualTo(15);
            assertThat(r.count(FlowQuery.parse("flag:critical"))).isEqualTo(15);
            assertThat(r.count(FlowQuery.parse("flag:true severity:critical"))).isEqualTo(15);
            assertThat(r.count(FlowQuery.parse("github"))).isEqualTo(5);
            assertThat(r.count(FlowQuery.parse("session:sess-1"))).isEqualTo(10);
            assertThat(r.count(FlowQuery.parse("since:2026-11-26T10:00:10 until:2026-11-26T10:00:15"))).isEqualTo(4);
            assertThat(r.facet(FlowQuery.all(), "host")).containsEntry("api.example.com", 15L).containsEntry("api.github.com", 5L);
        }
        assertThatThrownBy(() -> FlowQuery.parse("host:(a OR"))
                .isInstanceOf(FlowQuery.BadQueryException.class).hasMessageContaining("position");
    }

    @Test
    void reopenContinuesSeqAndIndexCatchesUp() throws Exception {
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults().withIndex(false))) {
            for (int i = 0; i < 5; i++) s.ended(Flows.rich(i));
        }
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults())) {
            for (int i = 0; i < 5; i++) s.ended(Flows.get("h" + i + ".test", "/", 200, "x"));
            s.flush();
            s.awaitIndexed(10_000);
        }
        try (StoreReader r = StoreReader.open(dir)) {
            assertThat(r.indexedSeq()).isEqualTo(10);
            List<Flow> all = r.search(FlowQuery.all(), 100);
            assertThat(all).extracting(Flow::seq).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        }
    }
}
