package dev.traffic.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a graceful stop on SIGTERM/SIGINT so the process can exit 0 after flushing (a plain
 * shutdown hook would exit 143). A second signal, or a stop that fails, ends the process at once
 * (exit 1). Falls back to a shutdown hook where signals cannot be handled.
 */
final class ShutdownSignals {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

    private ShutdownSignals() {}

    @SuppressWarnings("restriction")
    static void install(Runnable stop) {
        AtomicBoolean once = new AtomicBoolean();
        Runnable guarded = () -> {
            if (!once.compareAndSet(false, true)) {
                System.err.println("traffic: second signal, exiting without waiting");
                Runtime.getRuntime().halt(1);
            }
            try {
                stop.run();
            } catch (Throwable t) { // never leave the process running after a failed stop
                LOG.error("graceful stop failed; exiting 1", t);
                Runtime.getRuntime().halt(1);
            }
        };
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> new Thread(guarded, "traffic-shutdown").start());
            }
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            Runtime.getRuntime().addShutdownHook(new Thread(guarded, "traffic-shutdown"));
        }
    }
}
