package dev.traffic.broker;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the vault when anything changes in a directory holding a secret file. Watching the
 * directory, not the file, is what catches a Kubernetes Secret update: the kubelet writes a new
 * timestamped directory and renames the {@code ..data} symlink over the old one, so the file the
 * policy names never changes itself.
 */
public final class SecretWatcher implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(SecretWatcher.class);
    private final WatchService watch;
    private final Thread thread;

    private SecretWatcher(WatchService watch, Vault vault) {
        this.watch = watch;
        this.thread = new Thread(() -> run(vault), "traffic-secret-watch");
        thread.setDaemon(true);
    }

    /** Starts watching the vault's secret files (null when it reads none). */
    public static SecretWatcher start(Vault vault) throws IOException {
        Set<Path> dirs = new HashSet<>();
        for (Path f : vault.files()) if (f.getParent() != null) dirs.add(f.getParent());
        if (dirs.isEmpty()) return null;
        WatchService w = FileSystems.getDefault().newWatchService();
        for (Path d : dirs) {
            d.register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        }
        SecretWatcher s = new SecretWatcher(w, vault);
        s.thread.start();
        return s;
    }

    private void run(Vault vault) {
        try {
            while (true) {
                WatchKey k = watch.take();
                k.pollEvents();
                k.reset();
                // drain a burst (an editor's write + rename, the kubelet's symlink swap) into one re-read
                for (WatchKey more; (more = watch.poll()) != null; ) {
                    more.pollEvents();
                    more.reset();
                }
                vault.reload();
            }
        } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
            // closed
        } catch (RuntimeException e) {
            log.warn("secret file watcher stopped: {}", e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        watch.close();
        thread.interrupt();
    }
}
