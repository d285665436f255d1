package dev.traffic.cli;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP re-reads whatever registered a reload (credentials today; rules, policy tomorrow): the one
 * SIGHUP handler of the process. Each reload runs in turn; one that throws is logged and the others
 * still run. The JVM's own HUP handler (shutdown) is replaced, never chained: a reload must not exit.
 */
final class HangupReload {
    private static final Logger log = LoggerFactory.getLogger(HangupReload.class);
    private static final List<Runnable> reloads = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private HangupReload() {}

    @SuppressWarnings("restriction")
    static synchronized void add(String what, Runnable reload) {
        reloads.add(() -> {
            log.info("SIGHUP: re-reading {}", what);
            reload.run();
        });
        if (installed) return;
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> new Thread(HangupReload::runAll, "traffic-sighup").start());
            installed = true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.warn("SIGHUP cannot be handled here ({}); reload by restarting", e.toString());
        }
    }

    private static void runAll() {
        for (Runnable r : reloads) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("SIGHUP reload failed: {}", e.toString());
            }
        }
    }
}
