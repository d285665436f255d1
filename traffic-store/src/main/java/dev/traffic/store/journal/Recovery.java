package dev.traffic.store.journal;

import dev.traffic.store.FlowJson;
import dev.traffic.model.Flow;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up recovery of the journal, run by the writer before it appends: cuts a torn tail off the
 * last segment (saving the cut bytes beside it as {@code .torn-OFFSET}, so nothing is silently
 * destroyed), finds the last seq, and collects flows that started in the previous run but never
 * ended (to be recorded as unfinished).
 */
public final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    /** What the journal holds: last seq written (0 when none) and flows started but not ended. */
    public record State(long lastSeq, List<Flow> unfinished, List<String> warnings) {}

    private Recovery() {}

    public static State run(Path journalDir) throws IOException {
        List<String> warnings = new ArrayList<>();
        List<Path> segs = Segments.list(journalDir);
        if (segs.isEmpty()) return new State(0, List.of(), warnings);
        for (Path p : segs) {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                Segments.checkHeader(p, ch); // refuses newer formats before anything is changed
            }
        }
        Path last = segs.get(segs.size() - 1);
        cutTornTail(last, warnings);
        long lastSeq = 0;
        for (int i = segs.size() - 1; i >= 0 && lastSeq == 0; i--) lastSeq = lastFlowSeq(segs.get(i));
        List<Flow> unfinished = unfinished(segs);
        return new State(lastSeq, unfinished, warnings);
    }

    private static void cutTornTail(Path seg, List<String> warnings) throws IOException {
        long size = Files.size(seg);
        if (size < Segments.HEADER) {
            Files.delete(seg); // created just before a crash, nothing in it
            return;
        }
        long cut = -1;
        try (SegmentReader r = new SegmentReader(seg)) {
            while (true) {
                Record rec = r.next();
                if (rec != null) continue;
                if (r.status() == SegmentReader.Status.END) {
                    if (r.position() < size) cut = r.position();
                    break;
                }
                // a complete frame with a bad checksum: at the very end it is a torn write, else damage to keep
                int len = r.corruptLength();
                long end = r.position() + Segments.FRAME + len;
                if (len < 0 || end >= size) {
                    cut = r.position();
                    break;
                }
                warnings.add(seg + ": damaged record at offset " + r.position() + " kept for verify");
                r.position(end);
            }
        }
        if (cut >= 0) {
            Path saved = seg.resolveSibling(seg.getFileName() + ".torn-" + cut);
            try (FileChannel in = FileChannel.open(seg, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileChannel out = dev.traffic.store.internal.PrivateFiles.open(saved, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING)) {
                in.transferTo(cut, size - cut, out);
                out.force(true);
                in.truncate(cut);
                in.force(true);
            }
            String w = seg.getFileName() + ": cut a torn record tail of " + (size - cut) + " bytes at offset " + cut
                    + " (saved as " + saved.getFileName() + ")";
            warnings.add(w);
            LOG.warn(w);
        }
    }

    static long lastFlowSeq(Path seg) throws IOException {
        long last = 0;
        try (SegmentReader r = new SegmentReader(seg)) {
            if (!r.headerPresent()) return 0;
            for (Record rec; (rec = nextSkippingDamage(r)) != null; ) {
                if (rec.type() == Segments.FLOW) last = Math.max(last, FlowRecords.seq(rec.payload()));
            }
        }
        return last;
    }

    /** Next good record, stepping over damaged frames whose length is intact. */
    public static Record nextSkippingDamage(SegmentReader r) throws IOException {
        while (true) {
            Record rec = r.next();
            if (rec != null || r.status() == SegmentReader.Status.END) return rec;
            if (r.corruptLength() < 0) return null;
            r.position(r.position() + Segments.FRAME + r.corruptLength());
        }
    }

    /** Flows with a START record but no FLOW record since the last writer's open event. */
    private static List<Flow> unfinished(List<Path> segs) throws IOException {
        // find the newest segment holding an "open" event: the previous run began there
        int from = segs.size() - 1;
        for (int i = segs.size() - 1; i >= 0; i--) {
            if (hasOpen(segs.get(i))) {
                from = i;
                break;
            }
        }
        Map<String, Flow> started = new LinkedHashMap<>();
        boolean closedCleanly = false;
        for (int i = from; i < segs.size(); i++) {
            try (SegmentReader r = new SegmentReader(segs.get(i))) {
                if (!r.headerPresent()) continue;
                for (Record rec; (rec = nextSkippingDamage(r)) != null; ) {
                    switch (rec.type()) {
                        case Segments.START -> {
                            Flow f = FlowJson.fromBytes(rec.payload(), 0, rec.payload().length);
                            started.put(f.id(), f);
                            closedCleanly = false;
                        }
                        case Segments.FLOW -> {
                            if (!started.isEmpty()) started.remove(FlowRecords.decode(rec.payload(), null).id());
                        }
                        case Segments.EVENT -> {
                            String ev = JournalEvent.decode(rec.payload()).event();
                            if (ev.equals("open")) started.clear();
                            closedCleanly = ev.equals("close");
                        }
                        default -> { }
                    }
                }
            }
        }
        return closedCleanly ? List.of() : new ArrayList<>(started.values());
    }

    private static boolean hasOpen(Path seg) throws IOException {
        try (SegmentReader r = new SegmentReader(seg)) {
            if (!r.headerPresent()) return false;
            for (Record rec; (rec = nextSkippingDamage(r)) != null; ) {
                if (rec.type() == Segments.EVENT && JournalEvent.decode(rec.payload()).event().equals("open")) return true;
            }
        }
        return false;
    }
}
