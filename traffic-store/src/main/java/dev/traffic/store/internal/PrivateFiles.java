package dev.traffic.store.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The store holds hostile-but-sensitive content (request bodies, tokens the detector redacted only
 * in findings), so every directory it makes is 0700 and every file 0600, whatever the umask: other
 * users of the machine or pod (the sandbox's UID among them) can neither list nor read it. Existing
 * directories of an older store are tightened when a writer opens it. No-ops on non-POSIX file systems.
 */
public final class PrivateFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {}

    /** Creates {@code dir} and missing parents 0700, and takes group/other access off {@code dir} itself if it exists. */
    public static void createDirectories(Path dir) throws IOException {
        if (!POSIX) {
            Files.createDirectories(dir);
            return;
        }
        if (Files.isDirectory(dir)) {
            tighten(dir);
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent)) createDirectories(parent);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // raced with another creator; fall through to tighten
        }
        tighten(dir);
    }

    /** Opens a channel, creating the file 0600 when it does not exist yet. */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        Set<OpenOption> opts = Set.of(options);
        return POSIX
                ? FileChannel.open(file, opts, PosixFilePermissions.asFileAttribute(FILE))
                : FileChannel.open(file, opts);
    }

    /** Creates an empty 0600 file unless one exists (before an API that cannot pass attributes writes it). */
    public static void ensureFile(Path file) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            if (POSIX) Files.createFile(file, fileAttribute());
            else Files.createFile(file);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // someone else made it
        }
    }

    /** Removes group and other permissions from an existing file or directory (never follows a link). */
    public static void tighten(Path p) throws IOException {
        if (!POSIX || Files.isSymbolicLink(p) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        if (perms.removeAll(GROUP_OTHER)) Files.setPosixFilePermissions(p, perms);
    }

    /** The attribute for a new 0600 file, or none on non-POSIX file systems. */
    public static FileAttribute<?>[] fileAttributes() {
        return POSIX ? new FileAttribute<?>[] {fileAttribute()} : new FileAttribute<?>[0];
    }

    private static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
        return PosixFilePermissions.asFileAttribute(FILE);
    }
}
