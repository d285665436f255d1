package dev.traffic.store.journal;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads framed records from one segment file, sequentially from a position, through positional
 * reads (so another process may be appending). {@link #next()} returns a record, or a status when
 * none can be read: {@link Status#END} (nothing more yet: clean end or a frame still being
 * written), {@link Status#CORRUPT} (a complete frame whose checksum fails). Not thread-safe.
 */
public final class SegmentReader implements Closeable {
    public enum Status { OK, END, CORRUPT }
    private static final Record BLOB_SKIPPED = new Record(-1, Segments.BLOB, new byte[0]);
    private boolean skipBlobs;

    private final Path path;
    private final FileChannel ch;
    private final ByteBuffer frame = ByteBuffer.allocate(Segments.FRAME + 1);
    private long pos;
    /** File size last seen: re-read (one fstat) only when a record seems to reach past it. */
    private long size;
    private Status status = Status.OK;
    private int corruptLength;

    public SegmentReader(Path path) throws IOException {
        this.path = path;
        this.ch = FileChannel.open(path, StandardOpenOption.READ);
        this.pos = Segments.HEADER;
    }

    public Path path() {
        return path;
    }

    public FileChannel channel() {
        return ch;
    }

    public long position() {
        return pos;
    }

    public void position(long p) {
        pos = p;
    }

    public Status status() {
        return status;
    }

    /** Length field of the last corrupt frame (to skip it), valid when {@link #status()} is CORRUPT. */
    public int corruptLength() {
        return corruptLength;
    }

    public boolean headerPresent() throws IOException {
        return Segments.checkHeader(path, ch);
    }

    /** True once the file is longer than a segment header (a segment just created may not be yet). */
    public boolean pastHeader() throws IOException {
        if (size < Segments.HEADER) size = ch.size();
        return size >= Segments.HEADER;
    }

    /**
     * From now on {@link #next()} steps over BLOB records without reading them (nor checking their
     * checksum: {@code verify} does): for readers that only want FLOW records and fetch a flow's
     * bodies by offset, a body-heavy segment then costs a few reads instead of all its bytes.
     */
    public SegmentReader skippingBlobs() {
        skipBlobs = true;
        return this;
    }

    /** The next record, or null with {@link #status()} saying why. Advances only past good records. */
    public Record next() throws IOException {
        while (true) {
            Record r = nextRecord();
            if (r != BLOB_SKIPPED) return r;
        }
    }

    private Record nextRecord() throws IOException {
        if (size - pos < Segments.FRAME + 1) size = ch.size();
        if (size - pos < Segments.FRAME + 1) {
            status = Status.END;
            return null;
        }
        frame.clear();
        if (!readOrEnd(frame, pos)) return null;
        frame.flip();
        int len = frame.getInt();
        int crc = frame.getInt();
        byte type = frame.get();
        if (len < 1 || len > Segments.MAX_RECORD) {
            status = Status.CORRUPT;
            corruptLength = -1;
            return null;
        }
        if (pos + Segments.FRAME + len > size) size = ch.size();
        if (pos + Segments.FRAME + len > size) {
            status = Status.END; // still being written, or torn
            return null;
        }
        if (skipBlobs && type == Segments.BLOB) {
            pos += Segments.FRAME + len;
            return BLOB_SKIPPED;
        }
        byte[] payload = new byte[len - 1];
        if (!readOrEnd(ByteBuffer.wrap(payload), pos + Segments.FRAME + 1)) return null;
        if (Crc.of(type, payload, 0, payload.length) != crc) {
            status = Status.CORRUPT;
            corruptLength = len;
            return null;
        }
        Record r = new Record(pos, type, payload);
        pos += Segments.FRAME + len;
        status = Status.OK;
        return r;
    }

    /** Reads the record framed at {@code offset} (used to fetch a body blob). */
    public static Record readAt(FileChannel ch, long offset) throws IOException {
        ByteBuffer f = ByteBuffer.allocate(Segments.FRAME + 1);
        readFully(ch, f, offset);
        f.flip();
        int len = f.getInt();
        int crc = f.getInt();
        byte type = f.get();
        if (len < 1 || len > Segments.MAX_RECORD) throw new IOException("bad record length at offset " + offset);
        byte[] payload = new byte[len - 1];
        readFully(ch, ByteBuffer.wrap(payload), offset + Segments.FRAME + 1);
        if (Crc.of(type, payload, 0, payload.length) != crc) throw new IOException("checksum mismatch at offset " + offset);
        return new Record(offset, type, payload);
    }

    /** Reads fully, or (the file was cut shorter than last seen: a restarted writer's recovery) returns false with status END. */
    private boolean readOrEnd(ByteBuffer b, long at) throws IOException {
        try {
            readFully(ch, b, at);
            return true;
        } catch (EOFException e) {
            size = ch.size();
            status = Status.END;
            return false;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long p = at;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) throw new EOFException("unexpected end of segment at " + p);
            p += n;
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
