package dev.traffic.store;

import dev.traffic.model.Flow;

/**
 * Where the proxy hands flows. Implementations never block the caller (the proxy calls from Netty
 * event loops): they enqueue and write on their own thread.
 *
 * <p>Write-ahead: {@link #started} receives the flow as soon as its request head is known (no
 * response yet), {@link #ended} the complete flow with the same id. A flow that never ends is
 * still on record from its start event.
 *
 * <p>Backpressure: when {@link #writable()} is false the proxy stops reading from clients and
 * registers {@link #onWritable(Runnable)}; it never drops a flow. When {@link #healthy()} is false
 * the store cannot record (disk full, I/O error) and a fail-closed proxy refuses new requests.
 */
public interface FlowSink extends AutoCloseable {
    void started(Flow head);

    void ended(Flow flow);

    /** False while the sink's queue is full. */
    default boolean writable() {
        return true;
    }

    /** Runs {@code task} once the sink is writable again (immediately when it already is). */
    default void onWritable(Runnable task) {
        task.run();
    }

    /** False while the sink cannot record at all. */
    default boolean healthy() {
        return true;
    }

    /** Blocks until everything handed over so far is durable. */
    default void flush() {}

    @Override
    default void close() {
        flush();
    }

    /** A sink that records nothing, for tests and for {@code --no-record}. */
    FlowSink NONE = new FlowSink() {
        @Override public void started(Flow head) {}
        @Override public void ended(Flow flow) {}
    };
}
