package dev.traffic.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15 item 11: the store is private to its owner whatever the umask (this JVM's is 022). */
class PermissionsTest {
    @TempDir Path tmp;

    private void record(Path store) throws Exception {
        StoreOptions o = StoreOptions.defaults().withIndex(true).withSegmentBytes(4096).withMaxStoreSize(3 * 4096)
                .withCheckpointInterval(Duration.ofMillis(1));
        try (FlowStore s = FlowStore.open(store, o)) {
            for (int i = 0; i < 100; i++) {
                s.ended(Flows.get("h" + i + ".test", "/x", 200, "secret-ish body " + i));
                if (i % 10 == 0) s.flush();
            }
            s.flush();
        }
    }

    private static List<String> notPrivate(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> !Files.isSymbolicLink(p)).map(p -> {
                try {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                    return mode.substring(3).equals("------") ? null : root.relativize(p) + " " + mode;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }).filter(s -> s != null).toList();
        }
    }

    @Test
    void everyDirectoryAndFileIsOwnerOnly() throws Exception {
        Path data = tmp.resolve("data");
        Path store = data.resolve("store");
        record(store);
        try (Stream<Path> all = Files.walk(store)) {
            assertThat(all.filter(p -> p.toString().contains("/index/")).count()).as("Lucene wrote files").isPositive();
        }
        assertThat(notPrivate(data)).isEmpty();
    }

    @Test
    void anOlderStoresDirectoriesAreTightenedWhenOpened() throws Exception {
        Path store = tmp.resolve("store");
        record(store);
        for (String d : new String[] {"", "journal", "merkle", "index"}) {
            Files.setPosixFilePermissions(store.resolve(d), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        record(store);
        try (Stream<Path> dirs = Files.walk(store)) {
            assertThat(dirs.filter(Files::isDirectory).map(p -> {
                try {
                    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }).distinct().toList()).containsExactly("rwx------");
        }
    }
}
