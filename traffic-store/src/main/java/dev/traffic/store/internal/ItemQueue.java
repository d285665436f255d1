package dev.traffic.store.internal;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The queue between the proxy's event loops (many producers) and the store's writer thread (one
 * consumer). Producers never take a lock and wake the writer only when it sleeps idle, when the
 * queue passes {@code wakeAt} items, or for an urgent item (flush, stop): while flows keep coming
 * the writer polls every few milliseconds by itself, so a busy proxy does not pay a futex wake and
 * two context switches per flow event. Nothing added is ever dropped.
 */
public final class ItemQueue<T> {
    private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int wakeAt;
    private volatile Thread consumer;
    /** True while the consumer sleeps with nothing to do: the next producer wakes it. */
    private volatile boolean idle;

    public ItemQueue(int wakeAt) {
        this.wakeAt = Math.max(1, wakeAt);
    }

    /** Producer side: adds {@code item}; {@code urgent} wakes the consumer at once. */
    public void add(T item, boolean urgent) {
        items.add(item);
        int n = size.incrementAndGet();
        if (urgent || idle || n == wakeAt) wake();
    }

    /** Wakes the consumer (e.g. when something it waits for besides items changed). */
    public void wake() {
        Thread c = consumer;
        if (c != null) LockSupport.unpark(c);
    }

    public int size() {
        return size.get();
    }

    /** Consumer side: moves up to {@code max} items to {@code out}; returns how many. */
    public int drainTo(List<T> out, int max) {
        int n = 0;
        for (T t; n < max && (t = items.poll()) != null; n++) out.add(t);
        if (n > 0) size.addAndGet(-n);
        return n;
    }

    /**
     * Consumer side, nothing to do: sleeps up to {@code nanos} or until an item arrives. Returns at
     * once when there is already one.
     */
    public void awaitItem(long nanos) {
        consumer = Thread.currentThread();
        idle = true;
        try {
            if (items.isEmpty()) LockSupport.parkNanos(this, nanos); // a producer that added after this check sees idle
        } finally {
            idle = false;
        }
    }

    /** Consumer side, busy: sleeps {@code nanos} (or until woken by a threshold/urgent item) to let items gather. */
    public void pause(long nanos) {
        consumer = Thread.currentThread();
        if (nanos > 0 && size.get() < wakeAt) LockSupport.parkNanos(this, nanos);
    }
}
