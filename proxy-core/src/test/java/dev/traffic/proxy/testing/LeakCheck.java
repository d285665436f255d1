package dev.traffic.proxy.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test class when Netty's leak detector (paranoid in surefire) reports a leaked buffer:
 * leak reports are ERROR log events of {@code io.netty.util.ResourceLeakDetector}, counted by an
 * appender; after the class, GC runs and fresh buffers are allocated so pending reports surface.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    private static synchronized void install() {
        if (installed) return;
        Logger l = (Logger) LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector");
        l.setLevel(Level.ERROR);
        AppenderBase<ILoggingEvent> a = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                if (e.getLevel() == Level.ERROR) LEAKS.add(e.getFormattedMessage());
            }
        };
        a.setContext(l.getLoggerContext());
        a.start();
        l.addAppender(a);
        installed = true;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        assertNoLeaks();
    }

    public static void assertNoLeaks() throws InterruptedException {
        install();
        for (int round = 0; round < 5; round++) {
            System.gc();
            System.runFinalization();
            for (int i = 0; i < 2000; i++) {
                ByteBuf b = (i % 2 == 0 ? PooledByteBufAllocator.DEFAULT : UnpooledByteBufAllocator.DEFAULT).directBuffer(16);
                b.release();
            }
            Thread.yield();
        }
        if (!LEAKS.isEmpty()) {
            throw new AssertionError(LEAKS.size() + " Netty buffer leak(s):\n" + String.join("\n----\n", LEAKS));
        }
    }
}
