package dev.traffic.proxy.testing;

import dev.traffic.store.FlowSink;
import dev.traffic.model.Flow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/** A FlowSink for tests: keeps every started and ended flow; waits for flows with a deadline. */
public final class RecordingSink implements FlowSink {
    public final ConcurrentLinkedQueue<Flow> started = new ConcurrentLinkedQueue<>();
    public final ConcurrentLinkedQueue<Flow> ended = new ConcurrentLinkedQueue<>();
    public volatile boolean healthy = true;
    /** How many flows had ended when {@link #flush} was last called (-1: never flushed). */
    public volatile int endedAtFlush = -1;

    @Override
    public void flush() {
        endedAtFlush = ended.size();
    }

    @Override
    public void started(Flow head) {
        started.add(head);
        synchronized (this) {
            notifyAll();
        }
    }

    /** Waits until a flow matching {@code p} has started (write-ahead record; it may still be open). */
    public Flow awaitStarted(Predicate<Flow> p) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        synchronized (this) {
            while (true) {
                for (Flow f : started) if (p.test(f)) return f;
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("no matching started flow within 10s");
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public void ended(Flow flow) {
        ended.add(flow);
        synchronized (this) {
            notifyAll();
        }
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    /** Waits until a flow matching {@code p} has ended; fails after {@code timeout}. */
    public Flow await(Predicate<Flow> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                for (Flow f : ended) if (p.test(f)) return f;
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("no matching flow within " + timeout + "; ended: " + summary());
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    public Flow await(Predicate<Flow> p) throws InterruptedException {
        return await(p, Duration.ofSeconds(10));
    }

    public List<String> summary() {
        List<String> out = new ArrayList<>();
        for (Flow f : ended) {
            out.add(f.kind() + " " + (f.request() == null ? "-" : f.request().method() + " " + f.request().host() + f.request().path())
                    + " -> " + (f.response() == null ? "none" : f.response().status()) + (f.error() == null ? "" : " error=" + f.error()));
        }
        return out;
    }
}
