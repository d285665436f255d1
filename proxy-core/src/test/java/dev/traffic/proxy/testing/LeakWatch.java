package dev.traffic.proxy.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Catches Netty's leak reports (paranoid level is set for every test JVM): listens on the
 * ResourceLeakDetector logger and, in {@link #assertNoLeaks}, forces collection and allocations so
 * that pending reports surface, then fails if any was logged.
 */
public final class LeakWatch extends AppenderBase<ILoggingEvent> {
    private final List<String> leaks = new CopyOnWriteArrayList<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector");

    public static LeakWatch watch() {
        LeakWatch w = new LeakWatch();
        w.setName("leak-watch");
        w.start();
        w.logger.setLevel(Level.ERROR);
        w.logger.addAppender(w);
        return w;
    }

    @Override
    protected void append(ILoggingEvent e) {
        if (e.getLevel().isGreaterOrEqual(Level.ERROR) && e.getFormattedMessage().contains("LEAK")) {
            leaks.add(e.getFormattedMessage());
        }
    }

    public void assertNoLeaks() {
        for (int i = 0; i < 5; i++) {
            System.gc();
            for (int k = 0; k < 200; k++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(64);
                b.release();
            }
        }
        logger.detachAppender(this);
        stop();
        if (!leaks.isEmpty()) throw new AssertionError("Netty reported " + leaks.size() + " leak(s):\n" + leaks.get(0));
    }
}
