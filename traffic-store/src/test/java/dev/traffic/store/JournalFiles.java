package dev.traffic.store;

import dev.traffic.store.journal.FlowRecords;
import dev.traffic.store.journal.Record;
import dev.traffic.store.journal.SegmentReader;
import dev.traffic.store.journal.Segments;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Test helper: where a flow's FLOW record sits in the journal. */
final class JournalFiles {
    record Loc(Path segment, long offset, int length) {}

    private JournalFiles() {}

    static Loc find(Path storeDir, long seq) throws IOException {
        List<Path> segs = Segments.list(storeDir.resolve("journal"));
        for (Path p : segs) {
            try (SegmentReader r = new SegmentReader(p)) {
                for (Record rec; (rec = r.next()) != null; ) {
                    if (rec.type() == Segments.FLOW && FlowRecords.seq(rec.payload()) == seq) {
                        return new Loc(p, rec.offset(), rec.frameLength());
                    }
                }
            }
        }
        throw new AssertionError("no FLOW record for seq " + seq);
    }
}
