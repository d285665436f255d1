package dev.traffic.store.journal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Follows the journal across segment files, in another process or in the writer's: each
 * {@link #next()} returns the next complete record or null when there is none yet (call again
 * later). Survives the writer restarting (recovery only cuts bytes this cursor has not passed)
 * and retention deleting segments (it moves to the oldest one left; callers see the seq jump).
 * Owns one open segment at a time; not thread-safe.
 */
public final class JournalCursor implements Closeable {
    /** A record and the segment it came from (channel valid until the cursor moves on). */
    public record Entry(Record record, Path segment, FileChannel channel) {}

    private final Path dir;
    private SegmentReader reader;
    private boolean sawNewer;
    private boolean skipBlobs;

    /** Steps over BLOB records without reading them (see {@link SegmentReader#skippingBlobs()}). */
    public JournalCursor skippingBlobs() {
        skipBlobs = true;
        if (reader != null) reader.skippingBlobs();
        return this;
    }

    private SegmentReader open(Path p) throws IOException {
        SegmentReader r = new SegmentReader(p);
        return skipBlobs ? r.skippingBlobs() : r;
    }

    public JournalCursor(Path journalDir) {
        this.dir = journalDir;
    }

    /** Positions at the start of the segment that holds {@code seq} (the caller skips older records). */
    public void seekToSeq(long seq) throws IOException {
        close();
        List<Path> segs = Segments.list(dir);
        Path pick = null;
        for (Path p : segs) {
            if (Segments.firstSeq(p) <= seq) pick = p;
        }
        if (pick == null && !segs.isEmpty()) pick = segs.get(0);
        if (pick != null) reader = open(pick);
    }

    /**
     * Positions at the record at {@code offset} of {@code segment} (a record boundary the caller
     * read before); when retention removed that segment, at the one holding {@code seq} instead.
     */
    public void seekTo(Path segment, long offset, long seq) throws IOException {
        close();
        try {
            reader = open(segment);
        } catch (java.nio.file.NoSuchFileException e) {
            seekToSeq(seq);
            return;
        }
        reader.position(offset);
    }

    /** Positions at the end of the journal (only records written from now on). */
    public void seekToEnd() throws IOException {
        close();
        List<Path> segs = Segments.list(dir);
        if (segs.isEmpty()) return;
        reader = open(segs.get(segs.size() - 1));
        // walk to the last record boundary (a frame may be half-written right now)
        while (Recovery.nextSkippingDamage(reader) != null) { }
    }

    public Entry next() throws IOException {
        while (true) {
            if (reader == null) {
                List<Path> segs = Segments.list(dir);
                if (segs.isEmpty()) return null;
                reader = open(segs.get(0));
            }
            if (!reader.pastHeader()) return null;
            Record r = reader.next();
            if (r != null) {
                return new Entry(r, reader.path(), reader.channel());
            }
            if (reader.status() == SegmentReader.Status.CORRUPT && reader.corruptLength() > 0
                    && reader.position() + Segments.FRAME + reader.corruptLength() < reader.channel().size()) {
                // damaged record with more after it: skip (verify reports it)
                reader.position(reader.position() + Segments.FRAME + reader.corruptLength());
                continue;
            }
            // end of what is there: move on only when a newer segment exists, after one more look
            Path newer = newer();
            if (newer == null) {
                sawNewer = false;
                return null;
            }
            if (!sawNewer) {
                sawNewer = true; // the writer finishes a segment before creating the next: read once more
                continue;
            }
            sawNewer = false;
            reader.close();
            reader = open(newer);
        }
    }

    private Path newer() throws IOException {
        long cur = Segments.firstSeq(reader.path());
        String curName = reader.path().getFileName().toString();
        for (Path p : Segments.list(dir)) {
            if (p.getFileName().toString().compareTo(curName) > 0 && Segments.firstSeq(p) >= cur) return p;
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        if (reader != null) reader.close();
        reader = null;
    }
}
