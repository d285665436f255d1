package dev.traffic.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import dev.traffic.store.internal.PrivateFiles;
import java.nio.file.Path;

/**
 * The one place that knows the files under a store directory:
 * <pre>
 *   VERSION                 "traffic-store 1": refuse to open newer formats
 *   journal/NNNNNNNNNNNNNNNNNNNN.seg   segments, named by the first seq they may hold
 *   merkle/leaves           32-byte leaf hash per seq (kept when retention removes segments)
 *   checkpoints             one signed checkpoint line per few seconds
 *   store.key / store.pub   Ed25519 key pair (key 0600)
 *   index/                  Lucene index (derived; rebuilt by reindex)
 *   writer.lock             held by the one writing process
 * </pre>
 */
public record StoreLayout(Path root) {
    public static final int FORMAT_VERSION = 1;

    public Path versionFile() { return root.resolve("VERSION"); }
    public Path journalDir() { return root.resolve("journal"); }
    public Path leavesFile() { return root.resolve("merkle").resolve("leaves"); }
    public Path checkpointsFile() { return root.resolve("checkpoints"); }
    public Path privateKey() { return root.resolve("store.key"); }
    public Path publicKey() { return root.resolve("store.pub"); }
    public Path indexDir() { return root.resolve("index"); }
    public Path lockFile() { return root.resolve("writer.lock"); }

    /** True when a store has been created here. */
    public boolean exists() {
        return Files.exists(versionFile()) || Files.isDirectory(journalDir());
    }

    /** Throws {@link StoreException} naming the file when the on-disk format is newer than ours. */
    public void checkVersion() throws IOException {
        if (!Files.exists(versionFile())) {
            if (Files.isDirectory(journalDir())) throw new StoreException(versionFile() + " is missing: not a traffic store (or damaged)");
            return;
        }
        String v = Files.readString(versionFile(), StandardCharsets.UTF_8).trim();
        int n;
        try {
            if (!v.startsWith("traffic-store ")) throw new NumberFormatException();
            n = Integer.parseInt(v.substring("traffic-store ".length()).trim());
        } catch (NumberFormatException e) {
            throw new StoreException(versionFile() + ": unrecognised format line '" + v + "'");
        }
        if (n > FORMAT_VERSION) {
            throw new StoreException("store " + root + " has format version " + n + ", newer than this traffic reads ("
                    + FORMAT_VERSION + "); refusing to open or change it: use a newer traffic");
        }
    }

    /** Creates directories and the version file of a new store. */
    public void create() throws IOException {
        PrivateFiles.createDirectories(root);
        PrivateFiles.createDirectories(journalDir());
        PrivateFiles.createDirectories(leavesFile().getParent());
        if (!Files.exists(versionFile())) {
            Path tmp = root.resolve("VERSION.tmp");
            Files.deleteIfExists(tmp);
            PrivateFiles.ensureFile(tmp);
            Files.writeString(tmp, "traffic-store " + FORMAT_VERSION + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, versionFile(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
