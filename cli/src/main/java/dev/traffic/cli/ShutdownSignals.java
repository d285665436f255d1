package dev.traffic.cli;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a graceful stop on SIGTERM/SIGINT so the process can exit 0 after flushing (a plain
 * shutdown hook would exit 143). Falls back to a shutdown hook where signals cannot be handled.
 */
final class ShutdownSignals {
    private ShutdownSignals() {}

    @SuppressWarnings("restriction")
    static void install(Runnable stop) {
        AtomicBoolean once = new AtomicBoolean();
        Runnable guarded = () -> {
            if (once.compareAndSet(false, true)) stop.run();
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
