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

    /** Cuts every clean-close EVENT record out of the journal, as if the writer had crashed. */
    static void dropCloseEvent(Path storeDir) throws IOException {
        for (Path p : Segments.list(storeDir.resolve("journal"))) {
            byte[] all = java.nio.file.Files.readAllBytes(p);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            long keptFrom = 0;
            try (SegmentReader r = new SegmentReader(p)) {
                for (Record rec; (rec = r.next()) != null; ) {
                    if (rec.type() == Segments.EVENT
                            && dev.traffic.store.journal.JournalEvent.decode(rec.payload()).event().equals("close")) {
                        out.write(all, (int) keptFrom, (int) (rec.offset() - keptFrom));
                        keptFrom = rec.offset() + rec.frameLength();
                    }
                }
            }
            out.write(all, (int) keptFrom, (int) (all.length - keptFrom));
            java.nio.file.Files.write(p, out.toByteArray());
        }
    }
}
