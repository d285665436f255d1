package dev.traffic.store.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Appends framed records to the active segment. Records are assembled in a heap buffer and reach
 * the file on {@link #writeOut()} (visible to readers in other processes), durability on
 * {@link #force()}. Bodies are deduplicated per segment by SHA-256 (so every segment stands alone
 * and retention can drop it whole). Owned by the store's writer thread.
 */
public final class JournalWriter implements AutoCloseable {
    private final Path dir;
    private final long segmentBytes;
    private final BlobCodec blobCodec = new BlobCodec();
    private final Map<String, Long> blobs = new HashMap<>();
    private FileChannel ch;
    private Path segment;
    private long firstSeq;
    private long base;          // file position where the buffer starts
    private ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    private long bytesWritten;  // framed bytes handed to the file since open (for stats)

    public JournalWriter(Path journalDir, long segmentBytes) {
        this.dir = journalDir;
        this.segmentBytes = segmentBytes;
    }

    /** Starts a new segment whose first flow will have {@code firstSeq}. */
    public void openSegment(long firstSeq) throws IOException {
        closeSegment();
        segment = dir.resolve(Segments.name(firstSeq));
        this.firstSeq = firstSeq;
        ch = dev.traffic.store.internal.PrivateFiles.open(segment, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        if (ch.size() < Segments.HEADER) {
            ch.truncate(0);
            ch.write(Segments.header(firstSeq), 0);
        } else {
            // the same name exists (a restart before any flow was written): append after what is there
            Segments.checkHeader(segment, ch);
        }
        base = ch.size();
        ch.position(base);
        blobs.clear();
        buf.clear();
        // the directory entry must be durable too, or a crash could lose the whole new file
        forceDir();
    }

    public Path segment() {
        return segment;
    }

    /** First seq of the active segment (its name). */
    public long firstSeq() {
        return firstSeq;
    }

    /** Buffers one record; returns its offset in the segment. */
    public long append(byte type, byte[] payload) {
        int len = 1 + payload.length;
        ensure(Segments.FRAME + len);
        long off = base + buf.position();
        buf.putInt(len).putInt(Crc.of(type, payload, 0, payload.length)).put(type).put(payload);
        return off;
    }

    /** Offset of a BLOB record holding {@code raw} in this segment, appending one when new. */
    public FlowRecords.Ref body(int slot, byte[] raw, byte[] key) {
        String k = HexFormat.of().formatHex(key);
        Long off = blobs.get(k);
        if (off == null) {
            off = append(Segments.BLOB, blobCodec.encode(key, raw));
            blobs.put(k, off);
        }
        return new FlowRecords.Ref(slot, off, key);
    }

    /** Bytes buffered and not yet written. */
    public int pending() {
        return buf.position();
    }

    /** Hands buffered records to the OS (readers see them); no fsync. */
    public void writeOut() throws IOException {
        buf.flip();
        int n = buf.remaining();
        while (buf.hasRemaining()) ch.write(buf, base + (n - buf.remaining()));
        base += n;
        bytesWritten += n;
        buf.clear();
    }

    public void force() throws IOException {
        ch.force(false);
    }

    /** After a failed write: drop what was buffered and cut the file back to what was written before. */
    public void rollback(long toPosition) throws IOException {
        buf.clear();
        ch.truncate(toPosition);
        base = toPosition;
        blobs.values().removeIf(o -> o >= toPosition);
    }

    /** File position after the last write-out. */
    public long position() {
        return base;
    }

    public boolean full() {
        return base + buf.position() >= segmentBytes;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    private void ensure(int n) {
        if (buf.remaining() >= n) return;
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n + 1024));
        buf.flip();
        bigger.put(buf);
        buf = bigger;
    }

    private void forceDir() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // some file systems cannot fsync a directory; the segment itself is still forced
        }
    }

    private void closeSegment() throws IOException {
        if (ch == null) return;
        if (buf.position() > 0) writeOut();
        ch.force(false);
        ch.close();
        ch = null;
        // a big buffer from one burst is not kept for the next segment
        if (buf.capacity() > (4 << 20)) buf = ByteBuffer.allocate(1 << 20);
    }

    @Override
    public void close() throws IOException {
        closeSegment();
        blobCodec.close();
    }
}
