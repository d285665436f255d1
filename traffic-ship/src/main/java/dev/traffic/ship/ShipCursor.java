package dev.traffic.ship;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shipper's position: the highest seq whose batch the cluster acknowledged (every flow up to it
 * is in the cluster or parked), plus counters for {@code ship --status}. One line of
 * {@code key=value} pairs, replaced atomically (write temp, fsync, rename, fsync directory) after
 * each acknowledged batch, so a kill -9 leaves either the old or the new position, never a torn one;
 * flows after it are re-sent and the cluster refuses them as duplicates.
 */
public record ShipCursor(long seq, Instant shippedAt, long shipped, long duplicates, long parked, long lost, String store) {
    public static final ShipCursor START = new ShipCursor(0, null, 0, 0, 0, 0, null);

    public static ShipCursor read(Path file) throws IOException {
        String line;
        try {
            line = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return START;
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : line.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        if (!line.startsWith("traffic-ship-cursor v1") || !kv.containsKey("seq")) {
            throw new IOException(file + ": not a traffic ship cursor (expected 'traffic-ship-cursor v1 seq=N ...')");
        }
        try {
            return new ShipCursor(Long.parseLong(kv.get("seq")),
                    kv.containsKey("at") ? Instant.parse(kv.get("at")) : null,
                    Long.parseLong(kv.getOrDefault("shipped", "0")), Long.parseLong(kv.getOrDefault("duplicates", "0")),
                    Long.parseLong(kv.getOrDefault("parked", "0")), Long.parseLong(kv.getOrDefault("lost", "0")),
                    kv.get("store"));
        } catch (RuntimeException e) {
            throw new IOException(file + ": damaged cursor line '" + line + "'");
        }
    }

    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String line = "traffic-ship-cursor v1 seq=" + seq + (shippedAt == null ? "" : " at=" + shippedAt)
                + " shipped=" + shipped + " duplicates=" + duplicates + " parked=" + parked + " lost=" + lost
                + (store == null ? "" : " store=" + store) + "\n";
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself survives a power cut
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the rename is still atomic
        }
    }
}
