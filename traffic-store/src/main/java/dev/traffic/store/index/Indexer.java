package dev.traffic.store.index;

import dev.traffic.store.StoreLayout;
import dev.traffic.store.journal.FlowRecords;
import dev.traffic.store.journal.JournalCursor;
import dev.traffic.store.journal.Segments;
import dev.traffic.model.Flow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single indexer thread (never the proxy's event loops): adds each durable flow to the Lucene
 * index, taking it from the writer's hand-over ({@link RecentFlows}) or, when it is not there,
 * reading it from the journal (the same way {@code tail} does). It commits every
 * {@link #COMMIT_BUSY_NANOS 5 s} while flows keep coming and half a second after they stop, with
 * the last indexed seq in the commit's user data, so readers in other processes know where the
 * journal tail beyond the index begins (they index that tail themselves). On start it
 * catches up with whatever the journal holds past the last commit; a damaged index is deleted
 * and rebuilt from the journal with a warning. Expired seqs (retention) are deleted. While following
 * it uses at most about a quarter of a core (it pauses three times as long as it worked).
 */
public final class Indexer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Indexer.class);
    public static final String LAST_SEQ = "lastSeq";
    /** Commit user data key of the document mapping's version ({@link #FORMAT}). */
    public static final String FORMAT_KEY = "indexFormat";
    /**
     * The document mapping's version: an index written with another one (or none: version 1) is
     * deleted and rebuilt from the journal on open. 2: one {@code header} field of {@code name:value}
     * terms and no {@code headername} terms, no {@code url} field, seq not stored. 3: text fields
     * without norms (Lucene refuses to mix both in one index).
     */
    public static final String FORMAT = "3";
    /** Lucene's RAM buffer: documents beyond it are flushed to a segment before the next commit. */
    static final double RAM_BUFFER_MB = 8;
    /** The RAM buffer of {@link #rebuild}. */
    static final double REBUILD_RAM_BUFFER_MB = 64;
    /** Longest time between commits while flows keep arriving. */
    static final long COMMIT_BUSY_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** No new flow for this long counts as quiet: commit what is pending. */
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long EXPIRE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final StoreLayout layout;
    private final int maxBodyBytes;
    private final Directory dir;
    private final IndexWriter writer;
    private final JournalCursor cursor;
    private final Thread thread;
    private final RecentFlows recent;
    /** Set when flows came from {@link #recent}: the journal cursor must move past this record before it is read again. */
    private RecentFlows.Appended cursorAt;
    private final Object monitor = new Object();
    private volatile long durable;
    private volatile long committed;
    private volatile long indexed;
    private long deletedBelow;
    private volatile boolean closed;
    private volatile boolean commitSoon;

    private Indexer(StoreLayout layout, int maxBodyBytes, RecentFlows recent, boolean startThread) throws IOException {
        this.layout = layout;
        this.recent = recent;
        this.maxBodyBytes = maxBodyBytes;
        dev.traffic.store.internal.PrivateFiles.createDirectories(layout.indexDir());
        this.dir = new PrivateDirectory(FSDirectory.open(layout.indexDir()), layout.indexDir());
        this.writer = openWriter(dir, layout.indexDir());
        dev.traffic.store.internal.PrivateFiles.tighten(layout.indexDir().resolve(IndexWriter.WRITE_LOCK_NAME));
        // a rebuild (its own process, nothing else to share the heap with) flushes fewer, bigger segments: fewer merges
        if (!startThread) writer.getConfig().setRAMBufferSizeMB(REBUILD_RAM_BUFFER_MB);
        Map<String, String> data = writer.getLiveCommitData() == null ? Map.of() : toMap(writer.getLiveCommitData());
        this.indexed = Long.parseLong(data.getOrDefault(LAST_SEQ, "0"));
        this.committed = indexed;
        this.cursor = new JournalCursor(layout.journalDir());
        cursor.seekToSeq(indexed + 1);
        if (startThread) {
            thread = new Thread(this::loop, "traffic-store-indexer");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY); // derived data: catches up when the proxy is idle
            thread.start();
        } else {
            thread = null;
        }
    }

    /** Opens the index (rebuilding it when damaged) and starts the indexer thread; it reads flows from the journal only. */
    public static Indexer start(StoreLayout layout, int maxBodyBytes) throws IOException {
        return start(layout, maxBodyBytes, null);
    }

    /**
     * Opens the index (rebuilding it when damaged) and starts the indexer thread, which takes the
     * writer's freshly appended flows from {@code recent} once they are durable and reads the journal
     * for anything not there. {@code recent} may be null.
     */
    public static Indexer start(StoreLayout layout, int maxBodyBytes, RecentFlows recent) throws IOException {
        return new Indexer(layout, maxBodyBytes, recent, true);
    }

    /**
     * {@code traffic reindex}: deletes the index and rebuilds it from the journal on the calling
     * thread; {@code progress} receives the seq reached. The caller holds the writer lock.
     */
    public static long rebuild(StoreLayout layout, int maxBodyBytes, LongConsumer progress) throws IOException {
        deleteIndex(layout.indexDir());
        try (Indexer ix = new Indexer(layout, maxBodyBytes, null, false)) {
            while (ix.step(progress) > 0) { }
            ix.commit();
            return ix.indexed;
        }
    }

    private static IndexWriter openWriter(Directory dir, Path path) throws IOException {
        try {
            if (DirectoryReader.indexExists(dir)) {
                String format;
                try (DirectoryReader r = DirectoryReader.open(dir)) { // opens every segment: finds deleted or damaged files
                    format = r.getIndexCommit().getUserData().getOrDefault(FORMAT_KEY, "1");
                }
                if (!format.equals(FORMAT)) {
                    LOG.warn("index at {} has format {} (this traffic writes {}); rebuilding it from the journal", path, format, FORMAT);
                    deleteFiles(dir);
                    return new IndexWriter(dir, config().setOpenMode(IndexWriterConfig.OpenMode.CREATE));
                }
            }
            return new IndexWriter(dir, config());
        } catch (IOException | RuntimeException e) {
            LOG.warn("index at {} is damaged ({}); rebuilding it from the journal", path, e.toString());
            deleteFiles(dir);
            return new IndexWriter(dir, config().setOpenMode(IndexWriterConfig.OpenMode.CREATE));
        }
    }

    /**
     * Newest first: the index order and the order of search results (so sorted searches stop early).
     * Sorting each flushed segment costs the indexer, but without it a 1-hour range over 300,000
     * flows took 206 ms instead of 5 ms (p50) and a host term 37 ms instead of 17 ms.
     */
    public static final Sort SORT = new Sort(new SortField(FlowFields.TIME, SortField.Type.LONG, true),
            new SortField(FlowFields.SEQ, SortField.Type.LONG, true));

    public static IndexWriterConfig config() {
        IndexWriterConfig c = new IndexWriterConfig(new FieldAnalyzer());
        c.setIndexSort(SORT);
        // a small buffer: with SerialGC the buffered documents outlive young collections and are
        // promoted, so a big buffer (64 MB held ~5 s of flows until the commit) grew the old
        // generation; 8 MB is ~17,000 small flows, about 3 s at 5,000 flows/s (IndexHeapPerFlow)
        c.setRAMBufferSizeMB(RAM_BUFFER_MB);
        c.setCommitOnClose(true);
        return c;
    }

    private static void deleteFiles(Directory dir) throws IOException {
        for (String f : dir.listAll()) {
            if (!f.equals("write.lock")) dir.deleteFile(f);
        }
    }

    private static void deleteIndex(Path indexDir) throws IOException {
        if (!Files.isDirectory(indexDir)) return;
        try (Stream<Path> s = Files.list(indexDir)) {
            for (Path p : (Iterable<Path>) s::iterator) Files.deleteIfExists(p);
        }
    }

    private static Map<String, String> toMap(Iterable<Map.Entry<String, String>> it) {
        Map<String, String> m = new java.util.HashMap<>();
        for (Map.Entry<String, String> e : it) m.put(e.getKey(), e.getValue());
        return m;
    }

    /** The writer thread says everything up to {@code seq} is durable. */
    public void durable(long seq) {
        durable = seq;
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** Waits until a commit covers {@code seq} (or the timeout passes). */
    public void awaitIndexed(long seq, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (monitor) {
            while (committed < seq && System.nanoTime() < deadline) {
                commitSoon = true; // again each round: one commit may come before the indexer reached seq
                monitor.notifyAll();
                monitor.wait(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            }
        }
    }

    /** Highest seq added to the index writer (searchable by this process's readers after the next commit). */
    public long indexedSeq() {
        return indexed;
    }

    public long committedSeq() {
        return committed;
    }

    private void loop() {
        long lastCommit = System.nanoTime();
        long lastNew = lastCommit;
        long lastExpire = 0;
        while (!closed) {
            try {
                long s0 = cpuNanos();
                int n = step(null);
                long now = System.nanoTime();
                if (n > 0) lastNew = now;
                if (n > 0 && !closed && !commitSoon) {
                    // at most ~25% of a core while recording: the proxy's event loops come first, the
                    // index may lag in a burst (readers search the journal tail meanwhile) and catches up.
                    // CPU time, not wall time: on a busy core wall time counts the time others ran
                    // too, and the indexer would starve itself (and the hand-over would overflow)
                    java.util.concurrent.locks.LockSupport.parkNanos(Math.min(3 * (cpuNanos() - s0), 2_000_000_000L));
                }
                // a commit costs a flush of a small segment, fsyncs and merges: while flows keep coming,
                // commit every few seconds (readers index the journal past the last commit themselves);
                // once the flow stops, commit soon, so readers then have nothing left to index
                if (indexed > committed && (commitSoon || now - lastCommit >= COMMIT_BUSY_NANOS
                        || (now - lastNew >= QUIET_NANOS && now - lastCommit >= QUIET_NANOS))) {
                    commit();
                    lastCommit = System.nanoTime();
                    commitSoon = false;
                }
                if (n == 0) {
                    synchronized (monitor) {
                        if (!closed && !commitSoon) {
                            // nothing durable left: sleep until told; durable but not found (a segment
                            // being switched): look again shortly
                            monitor.wait(durable > indexed ? 20 : indexed > committed ? QUIET_NANOS / 2_000_000 : 1000);
                        }
                    }
                    if (System.nanoTime() - lastExpire >= EXPIRE_NANOS) {
                        expire();
                        lastExpire = System.nanoTime();
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.error("indexer: {} (the journal is intact; `traffic reindex` rebuilds the index)", e.toString());
                synchronized (monitor) {
                    try {
                        monitor.wait(5000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported();

    /** This thread's CPU time when the JVM can tell, else wall time. */
    private static long cpuNanos() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /**
     * Indexes up to a batch of new flows; returns how many it added. Each next seq comes from the
     * writer's hand-over when it is there and durable, else from the journal (catch-up after a
     * start, a full hand-over, {@code rebuild}).
     */
    private int step(LongConsumer progress) throws IOException {
        List<org.apache.lucene.document.Document> docs = new ArrayList<>();
        long last = indexed;
        long limit = thread == null ? Long.MAX_VALUE : durable;
        for (int i = 0; i < 4000 && docs.size() < 2000; i++) {
            RecentFlows.Appended a = recent == null ? null : recent.take(last + 1);
            if (a != null) {
                if (a.flow().seq() > limit) {
                    recent.offer(a.flow(), a.segment(), a.offset()); // not durable yet: put back, index later
                    break;
                }
                docs.add(FlowDocument.of(a.flow(), a.segment(), a.offset(), maxBodyBytes));
                last = a.flow().seq();
                cursorAt = a; // the cursor did not move: reposition it before reading the journal again
                continue;
            }
            if (last + 1 > limit) break;
            if (cursorAt != null) {
                cursor.seekTo(layout.journalDir().resolve(Segments.name(cursorAt.segment())), cursorAt.offset(), last + 1);
                cursorAt = null;
            }
            JournalCursor.Entry e = cursor.next();
            if (e == null) break;
            if (e.record().type() != Segments.FLOW) continue;
            long seq = FlowRecords.seq(e.record().payload());
            if (seq <= last) continue;
            if (recent != null) recent.take(seq);
            Flow f = FlowRecords.decode(e.record().payload(), e.channel());
            docs.add(FlowDocument.of(f, Segments.firstSeq(e.segment()), e.record().offset(), maxBodyBytes));
            last = seq;
        }
        if (!docs.isEmpty()) {
            writer.addDocuments(docs);
            indexed = last;
            if (progress != null) progress.accept(last);
        }
        return docs.size();
    }

    private void commit() throws IOException {
        writer.setLiveCommitData(Map.of(LAST_SEQ, Long.toString(indexed), FORMAT_KEY, FORMAT).entrySet());
        writer.commit();
        committed = indexed;
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** Deletes index entries of flows whose segments retention removed. */
    private void expire() throws IOException {
        List<Path> segs = Segments.list(layout.journalDir());
        if (segs.isEmpty()) return;
        long oldest = Segments.firstSeq(segs.get(0));
        if (oldest > deletedBelow + 1 && oldest > 1) {
            writer.deleteDocuments(LongPoint.newRangeQuery(FlowFields.SEQ, 0, oldest - 1));
            deletedBelow = oldest - 1;
            commitSoon = true;
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        synchronized (monitor) {
            monitor.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // catch up with the last flows written before close
            while (step(null) > 0) { }
        }
        commit();
        writer.close();
        cursor.close();
        dir.close();
    }
}
