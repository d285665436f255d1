package dev.traffic.store;

/**
 * How far the search index is behind the journal, for {@code /metrics}: in flows (durable seq minus
 * indexed seq) and in seconds (how long the oldest flow not yet indexed has been durable). Fed with
 * each fsync's durable seq ({@link #durable}, one writer thread) and the indexer's progress
 * ({@link #indexed}, any thread); read at scrape time. The seconds are exact to one fsync interval:
 * it keeps the time each fsync made a seq durable, for the last {@link #SAMPLES} fsyncs (at the
 * 100 ms default, about 7 minutes; an older lag reads as at least that old).
 */
public final class IndexLag {
    static final int SAMPLES = 4096;
    private final long[] seqs = new long[SAMPLES];
    private final long[] nanos = new long[SAMPLES];
    private long count;
    private volatile long durable;
    private volatile long indexed;

    /** Everything up to {@code seq} became durable now. */
    public synchronized void durable(long seq) {
        if (seq <= durable) return;
        int i = (int) (count++ % SAMPLES);
        seqs[i] = seq;
        nanos[i] = System.nanoTime();
        durable = seq;
    }

    /** The indexer added everything up to {@code seq}. */
    public void indexed(long seq) {
        if (seq > indexed) indexed = seq;
    }

    public long indexedSeq() {
        return indexed;
    }

    /** Durable flows not indexed yet. */
    public long flows() {
        return Math.max(0, durable - indexed);
    }

    /** Seconds since the oldest durable flow not yet indexed became durable; 0 when caught up. */
    public synchronized double seconds() {
        long ix = indexed;
        if (durable <= ix) return 0;
        long oldest = -1;
        // the first fsync (oldest first) whose seq passed the indexed one made the oldest unindexed flow durable
        long from = Math.max(0, count - SAMPLES);
        for (long k = count - 1; k >= from; k--) {
            int i = (int) (k % SAMPLES);
            if (seqs[i] <= ix) break;
            oldest = nanos[i];
        }
        if (oldest < 0) return 0;
        return (System.nanoTime() - oldest) / 1e9;
    }
}
