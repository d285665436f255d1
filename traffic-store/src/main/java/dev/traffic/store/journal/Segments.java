package dev.traffic.store.journal;

import dev.traffic.store.StoreException;
import dev.traffic.store.StoreLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Segment files: {@code journal/<20-digit first seq>.seg}, a 16-byte header (magic "TRFJ", format
 * version, first seq) then records. Record framing: {@code u32 length, u32 CRC32C(type+payload),
 * u8 type, payload}; {@code length} counts type and payload.
 */
public final class Segments {
    public static final int MAGIC = 0x5452464A; // "TRFJ"
    public static final int HEADER = 16;
    public static final int FRAME = 8;
    /** Larger lengths are treated as garbage (a torn or damaged frame), never allocated. */
    public static final int MAX_RECORD = 256 << 20;

    public static final byte FLOW = 1;
    public static final byte BLOB = 2;
    public static final byte START = 3;
    public static final byte EVENT = 4;

    private Segments() {}

    public static String name(long firstSeq) {
        return String.format("%020d.seg", firstSeq);
    }

    public static long firstSeq(Path segment) {
        String n = segment.getFileName().toString();
        return Long.parseLong(n.substring(0, n.length() - 4));
    }

    /** The segments of a journal directory, oldest first (empty when there is none). */
    public static List<Path> list(Path journalDir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(journalDir)) return out;
        try (Stream<Path> s = Files.list(journalDir)) {
            s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.seg")).sorted().forEach(out::add);
        }
        return out;
    }

    public static ByteBuffer header(long firstSeq) {
        ByteBuffer b = ByteBuffer.allocate(HEADER);
        b.putInt(MAGIC).putInt(StoreLayout.FORMAT_VERSION).putLong(firstSeq).flip();
        return b;
    }

    /**
     * Checks a segment's header. Returns false when the file is shorter than a header (a segment
     * created just before a crash); throws when it is not ours or from a newer format.
     */
    public static boolean checkHeader(Path segment, FileChannel ch) throws IOException {
        if (ch.size() < HEADER) return false;
        ByteBuffer b = ByteBuffer.allocate(HEADER);
        ch.read(b, 0);
        b.flip();
        if (b.getInt() != MAGIC) throw new StoreException(segment + ": not a traffic journal segment (bad magic)");
        int v = b.getInt();
        if (v > StoreLayout.FORMAT_VERSION) {
            throw new StoreException(segment + ": journal format version " + v + " is newer than this traffic reads ("
                    + StoreLayout.FORMAT_VERSION + "); refusing to open it");
        }
        return true;
    }
}
