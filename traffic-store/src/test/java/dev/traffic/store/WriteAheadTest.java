package dev.traffic.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Flow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-ahead START record of a flow that is still open reaches the journal by the next durable
 * point (the writer may hold it back one busy batch, since a flow that ends meanwhile needs none): a
 * copy of the store taken then, as a crash would leave it, recovers that flow as unfinished.
 */
class WriteAheadTest {
    @TempDir Path dir;

    @Test
    void anOpenFlowIsOnRecordAfterTheNextDurablePoint() throws Exception {
        Path live = dir.resolve("live");
        Path crashed = dir.resolve("crashed");
        Flow open = Flows.get("api.example.com", "/still-open", 200, "x").toBuilder().id("open-1").build();
        Flow done = Flows.get("api.example.com", "/done", 200, "y").toBuilder().id("done-1").build();
        try (FlowStore store = FlowStore.open(live, StoreOptions.defaults().withIndex(false))) {
            store.started(open.toBuilder().response(null).end(null).build());
            store.started(done.toBuilder().response(null).end(null).build());
            store.ended(done);
            store.flush();
            copy(live, crashed); // what a crash right now would leave behind
        }
        try (FlowStore reopened = FlowStore.open(crashed, StoreOptions.defaults().withIndex(false))) {
            reopened.flush();
        }
        try (StoreReader r = StoreReader.open(crashed)) {
            List<Flow> all = r.search(FlowQuery.all(), 10);
            assertThat(all).extracting(Flow::id).containsExactlyInAnyOrder("open-1", "done-1");
            Flow recovered = all.stream().filter(f -> f.id().equals("open-1")).findFirst().orElseThrow();
            assertThat(recovered.error()).startsWith("unfinished");
            assertThat(recovered.request().path()).isEqualTo("/still-open");
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else if (!p.getFileName().toString().endsWith(".lock")) Files.copy(p, t);
            }
        }
    }
}
