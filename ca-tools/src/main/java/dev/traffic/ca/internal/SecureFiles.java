package dev.traffic.ca.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Writes files so a reader never sees half of one: each goes to a temp file in the target directory,
 * created with its final permissions (0600 for secrets, so a key is never world-readable, not even
 * briefly), synced, then renamed over the target.
 */
public final class SecureFiles {
    public static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private SecureFiles() {}

    /** One file to write: its bytes and whether it holds a secret. */
    public record Content(byte[] bytes, boolean secret) {}

    /** Creates {@code dir} (mode 0700 for new directories) and its parents. */
    public static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        if (POSIX) Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR));
        else Files.createDirectories(dir);
    }

    /** Writes one file atomically. */
    public static void write(Path target, byte[] bytes, boolean secret) throws IOException {
        writeAll(Map.of(target, new Content(bytes, secret)));
    }

    /**
     * Writes several files as one change: all temp files first, then the renames; when a rename fails the
     * files already renamed are put back as they were, so the targets end up all new or all old.
     */
    public static void writeAll(Map<Path, Content> files) throws IOException {
        Map<Path, Path> temps = new LinkedHashMap<>();
        Map<Path, Path> backups = new LinkedHashMap<>(); // target -> its previous content (null: did not exist)
        boolean done = false;
        try {
            for (Map.Entry<Path, Content> e : files.entrySet()) {
                Path target = e.getKey().toAbsolutePath();
                createDirectories(target.getParent());
                Path tmp = createTemp(target, e.getValue().secret());
                temps.put(target, tmp);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                        OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                    out.write(e.getValue().bytes());
                    out.flush();
                    ch.force(true);
                }
            }
            for (Path target : temps.keySet()) {
                if (Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(target + " is a directory");
                }
            }
            for (Map.Entry<Path, Path> e : temps.entrySet()) {
                Path target = e.getKey();
                Path backup = null;
                if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    backup = target.resolveSibling("." + target.getFileName() + ".old-" + Long.toHexString(System.nanoTime()));
                    move(target, backup);
                }
                backups.put(target, backup);
                move(e.getValue(), target);
            }
            done = true;
        } finally {
            if (!done) rollBack(backups);
            for (Path tmp : temps.values()) Files.deleteIfExists(tmp);
            if (done) {
                for (Path b : backups.values()) {
                    try {
                        if (b != null) Files.deleteIfExists(b);
                    } catch (IOException ignored) {
                        // the new files are in place; a leftover .old- file is only clutter
                    }
                }
            }
        }
    }

    private static void rollBack(Map<Path, Path> backups) {
        for (Map.Entry<Path, Path> e : backups.entrySet()) {
            try {
                if (e.getValue() != null) move(e.getValue(), e.getKey());
                else Files.deleteIfExists(e.getKey());
            } catch (IOException ignored) {
                // best effort: the original stays at its .old- name, which an operator can restore
            }
        }
    }

    private static Path createTemp(Path target, boolean secret) throws IOException {
        String prefix = "." + target.getFileName() + ".";
        if (!POSIX) return Files.createTempFile(target.getParent(), prefix, ".tmp");
        FileAttribute<Set<PosixFilePermission>> perms = PosixFilePermissions.asFileAttribute(secret ? SECRET : PUBLIC);
        Path tmp = Files.createTempFile(target.getParent(), prefix, ".tmp", perms);
        // the umask may have removed bits from PUBLIC; set exactly what we want
        Files.setPosixFilePermissions(tmp, secret ? SECRET : PUBLIC);
        return tmp;
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
