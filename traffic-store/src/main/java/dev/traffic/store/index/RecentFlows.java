package dev.traffic.store.index;

import dev.traffic.model.Flow;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hand-over from the store's writer thread to the indexer: the flows the writer has just
 * appended (exactly as the journal holds them: seq assigned, bodies as recorded) with their record's
 * place, so the indexer need not read them back from the journal and decode them again. Bounded
 * (flows and body bytes): when the indexer falls behind, the writer stops offering and the
 * indexer reads what is missing from the journal. Only a cache: losing an entry is always safe.
 * Thread-safe; the {@link Flow}s are immutable and shared, never copied.
 */
public final class RecentFlows {
    /** A flow as appended, and where its FLOW record is (segment's first seq, record offset). */
    public record Appended(Flow flow, long segment, long offset) {}

    private final ConcurrentHashMap<Long, Appended> bySeq = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final int maxFlows;
    private final long maxBytes;

    public RecentFlows(int maxFlows, long maxBytes) {
        this.maxFlows = maxFlows;
        this.maxBytes = maxBytes;
    }

    /** Writer thread: a flow was appended; kept unless the cache is full. Replaces an entry of the same seq (a retried append). */
    public void offer(Flow flow, long segment, long offset) {
        long b = bytes(flow);
        if (bySeq.size() >= maxFlows || bytes.get() + b > maxBytes) return;
        Appended old = bySeq.put(flow.seq(), new Appended(flow, segment, offset));
        bytes.addAndGet(old == null ? b : b - bytes(old.flow()));
    }

    /** Indexer: removes and returns the flow with {@code seq}, or null when it is not held. */
    public Appended take(long seq) {
        Appended a = bySeq.remove(seq);
        if (a != null) bytes.addAndGet(-bytes(a.flow()));
        return a;
    }

    /** Writer thread, after rolling back to {@code durableSeq}: forgets everything later (it will be appended again). */
    public void forgetAfter(long durableSeq) {
        for (Long seq : bySeq.keySet()) {
            if (seq > durableSeq) take(seq);
        }
    }

    public int size() {
        return bySeq.size();
    }

    private static long bytes(Flow f) {
        long n = 0;
        if (f.request() != null) n += f.request().body().recorded().length;
        if (f.response() != null) n += f.response().body().recorded().length;
        return n;
    }
}
