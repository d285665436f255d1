package dev.traffic.store.internal;

import dev.traffic.store.StoreLayout;
import dev.traffic.store.StoreOptions;
import dev.traffic.store.journal.JournalEvent;
import dev.traffic.store.journal.Segments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --retain} / {@code --max-store-size}: drops whole closed segments, oldest first, when
 * their newest write is older than the retention period or the journal is over its size. Leaf
 * hashes and checkpoints stay, so {@code verify} still covers expired flows. Returns the
 * retention event for the writer to record; the index drops the expired seqs on its next pass.
 */
final class Retention {
    /** A consumer of a seq that may fail with I/O (the mark must be durable before the delete). */
    interface IoLongConsumer {
        void accept(long value) throws IOException;
    }


    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private final StoreLayout layout;
    private final StoreOptions options;

    Retention(StoreLayout layout, StoreOptions options) {
        this.layout = layout;
        this.options = options;
    }

    /**
     * Applies the policy; never touches {@code active}. Before each segment is deleted,
     * {@code beforeDelete} gets the last seq it holds, so the writer can make the removal durable
     * as a signed {@link dev.traffic.store.RetentionMark} first (a crash in between leaves a mark
     * for a segment still present, never a gap without one). Returns the event to record, or null.
     */
    JournalEvent apply(Path active, IoLongConsumer beforeDelete) throws IOException {
        if (options.retain() == null && options.maxStoreSize() <= 0) return null;
        List<Path> segs = Segments.list(layout.journalDir());
        long total = 0;
        for (Path p : segs) total += Files.size(p);
        Instant cutoff = options.retain() == null ? null : Instant.now().minus(options.retain());
        long firstGone = -1;
        long lastGone = -1;
        int removed = 0;
        for (int i = 0; i + 1 < segs.size(); i++) {
            Path p = segs.get(i);
            if (p.equals(active)) break;
            boolean old = cutoff != null && Files.getLastModifiedTime(p).toInstant().isBefore(cutoff);
            boolean over = options.maxStoreSize() > 0 && total > options.maxStoreSize();
            if (!old && !over) break;
            long size = Files.size(p);
            long first = Segments.firstSeq(p);
            long next = Segments.firstSeq(segs.get(i + 1));
            beforeDelete.accept(next - 1);
            Files.delete(p);
            total -= size;
            removed++;
            if (firstGone < 0) firstGone = first;
            lastGone = next - 1;
        }
        if (removed == 0) return null;
        LOG.info("retention removed {} journal segment(s) holding seq {}..{}", removed, firstGone, lastGone);
        return JournalEvent.of("retention", "segments", removed, "firstSeq", firstGone, "lastSeq", lastGone);
    }
}
