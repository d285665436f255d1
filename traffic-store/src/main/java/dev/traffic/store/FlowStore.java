package dev.traffic.store;

import dev.traffic.store.index.Indexer;
import dev.traffic.store.index.RecentFlows;
import dev.traffic.store.internal.ItemQueue;
import dev.traffic.store.internal.LeafFile;
import dev.traffic.store.internal.MerkleLog;
import dev.traffic.store.internal.StoreKey;
import dev.traffic.store.internal.StoreWriter;
import dev.traffic.store.journal.FlowRecords;
import dev.traffic.store.journal.JournalWriter;
import dev.traffic.store.journal.Record;
import dev.traffic.store.journal.Recovery;
import dev.traffic.store.journal.SegmentReader;
import dev.traffic.store.journal.Segments;
import dev.traffic.model.FlowId;
import dev.traffic.model.Flow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable flow store the proxy writes to: a {@link FlowSink} whose calls only enqueue (lock-free,
 * see {@link ItemQueue}); one writer thread appends to the journal (source of truth) and hands each
 * appended flow to one indexer thread, which feeds Lucene once the flow is durable (reading the
 * journal only to catch up). One writing process per store directory ({@code writer.lock}); readers in other
 * processes use {@link StoreReader}. Open with {@link #open}, always {@link #close}.
 */
public final class FlowStore implements FlowSink {
    private static final Logger LOG = LoggerFactory.getLogger(FlowStore.class);

    private final StoreLayout layout;
    private final StoreOptions options;
    private final String session;
    private final ItemQueue<StoreWriter.Item> queue;
    private final ConcurrentLinkedQueue<Runnable> whenWritable = new ConcurrentLinkedQueue<>();
    /** Body bytes waiting in the queue: with the item count, what {@link #writable()} limits. */
    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
    private final List<java.util.function.Consumer<Boolean>> healthListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.function.LongConsumer> durableListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final long MAX_QUEUED_BYTES = 64L << 20;
    /** Appended flows held for the indexer (so it need not decode them from the journal); past this it reads the journal. */
    private static final int RECENT_FLOWS = 8192;
    private static final long RECENT_BYTES = 32L << 20;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final StoreWriter writer;
    private final Thread writerThread;
    private final Indexer indexer;
    private final List<String> warnings;
    private volatile boolean closed;

    private FlowStore(StoreLayout layout, StoreOptions options, FileChannel lockChannel, FileLock lock,
            Recovery.State state, KeyPair key, LeafFile leaves, MerkleLog merkle) throws IOException {
        this.layout = layout;
        this.options = options;
        this.session = options.session() != null ? options.session() : FlowId.next();
        // producers wake a busy writer early only when a quarter of the queue's capacity is used
        this.queue = new ItemQueue<>(Math.max(1, options.queueCapacity() / 4));
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.warnings = state.warnings();
        JournalWriter journal = new JournalWriter(layout.journalDir(), options.segmentBytes());
        journal.openSegment(state.lastSeq() + 1);
        RecentFlows recent = options.index() ? new RecentFlows(RECENT_FLOWS, RECENT_BYTES) : null;
        this.indexer = options.index() ? Indexer.start(layout, options.maxIndexedBodyBytes(), recent) : null;
        this.writer = new StoreWriter(layout, options, queue, journal, leaves, merkle, key.getPrivate(), state.lastSeq(),
                seq -> {
                    if (indexer != null) indexer.durable(seq);
                    for (java.util.function.LongConsumer l : durableListeners) l.accept(seq);
                },
                this::drained,
                (ok, cause) -> {
                    for (java.util.function.Consumer<Boolean> l : healthListeners) l.accept(ok);
                    if (ok) drained();
                }, queuedBytes);
        writer.handOver(recent);
        writer.begin(session, state.unfinished());
        this.writerThread = new Thread(() -> {
            try {
                writer.run();
                writer.finish();
            } catch (IOException | RuntimeException e) {
                LOG.error("store writer stopped: {}", e.toString());
            } finally {
                try {
                    journal.close();
                    leaves.close();
                } catch (IOException e) {
                    LOG.error("closing journal: {}", e.toString());
                }
            }
        }, "traffic-store-writer");
        writerThread.setDaemon(true);
        // behind the proxy's event loops when the JVM honours priorities: a request never waits for
        // the writer (START records are queued, durability is batched), and when the writer falls
        // behind the sink's backpressure slows the proxy down rather than losing anything
        writerThread.setPriority(Thread.MIN_PRIORITY);
        writerThread.start();
    }

    /**
     * Opens (creating when absent) the store in {@code storeDir}: checks the format version
     * (refusing newer ones without changing anything), takes the writer lock, recovers the journal
     * after a crash (torn tail, unfinished flows, leaf hashes), then starts the writer and indexer.
     */
    public static FlowStore open(Path storeDir, StoreOptions options) throws IOException {
        StoreLayout layout = new StoreLayout(storeDir.toAbsolutePath());
        dev.traffic.store.internal.PrivateFiles.createDirectories(layout.root());
        layout.checkVersion();
        FileChannel lockCh = dev.traffic.store.internal.PrivateFiles.open(layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockCh.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockCh.close();
            throw new StoreException("store " + storeDir + " is already open for writing by another process (" + layout.lockFile() + ")");
        }
        try {
            layout.create();
            Recovery.State state = Recovery.run(layout.journalDir());
            KeyPair key = StoreKey.loadOrCreate(layout.privateKey(), layout.publicKey());
            LeafFile leaves = new LeafFile(layout.leavesFile());
            MerkleLog merkle = reconcileLeaves(layout, leaves, state.lastSeq());
            return new FlowStore(layout, options, lockCh, lock, state, key, leaves, merkle);
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockCh.close();
            throw e;
        }
    }

    /**
     * {@code traffic reindex}: rebuilds the Lucene index from the journal. Needs the writer lock
     * (a running proxy indexes by itself and holds it). Returns the last seq indexed.
     */
    public static long reindex(Path storeDir, java.util.function.LongConsumer progress) throws IOException {
        StoreLayout layout = new StoreLayout(storeDir.toAbsolutePath());
        if (!layout.exists()) throw StoreException.noStore(storeDir);
        layout.checkVersion();
        try (FileChannel lockCh = FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = lockCh.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                throw new StoreException("store " + storeDir + " is open by a running proxy, which keeps its index up to date itself; stop it to rebuild the index");
            }
            try {
                return Indexer.rebuild(layout, StoreOptions.DEFAULTS.maxIndexedBodyBytes(), progress);
            } finally {
                l.release();
            }
        }
    }

    /** Makes the leaf file agree with the journal (it may be behind or ahead after a crash) and rebuilds the tree. */
    private static MerkleLog reconcileLeaves(StoreLayout layout, LeafFile leaves, long lastSeq) throws IOException {
        if (leaves.count() > lastSeq) {
            LOG.warn("leaf hashes past the journal's last seq {} dropped (crash between the two fsyncs)", lastSeq);
            leaves.truncate(lastSeq);
        }
        if (leaves.count() < lastSeq) {
            long from = leaves.count() + 1;
            for (Path seg : Segments.list(layout.journalDir())) {
                try (SegmentReader r = new SegmentReader(seg)) {
                    if (!r.headerPresent()) continue;
                    for (Record rec; (rec = Recovery.nextSkippingDamage(r)) != null; ) {
                        if (rec.type() != Segments.FLOW) continue;
                        long seq = FlowRecords.seq(rec.payload());
                        if (seq == from) {
                            leaves.append(MerkleLog.leafHash(rec.payload(), 0, rec.payload().length));
                            from++;
                        }
                    }
                }
            }
            leaves.force();
        }
        MerkleLog m = new MerkleLog();
        byte[] all = LeafFile.readAll(layout.leavesFile());
        for (int i = 0; i < all.length; i += 32) m.append(java.util.Arrays.copyOfRange(all, i, i + 32));
        return m;
    }

    public StoreLayout layout() {
        return layout;
    }

    public StoreOptions options() {
        return options;
    }

    /** This run's session id ({@code --session}, else a new id). */
    public String session() {
        return session;
    }

    /** Problems recovery found and handled (torn tail cut, damaged records kept). */
    public List<String> recoveryWarnings() {
        return warnings;
    }

    /** Highest seq written to the journal file (visible to readers; durable after the next fsync). */
    public long writtenSeq() {
        return writer.writtenSeq();
    }

    /** Highest seq known to be on disk. */
    public long durableSeq() {
        return writer.durableSeq();
    }

    @Override
    public void started(Flow head) {
        enqueue(new StoreWriter.Start(withSession(head)));
    }

    @Override
    public void ended(Flow flow) {
        enqueue(new StoreWriter.End(withSession(flow)));
    }

    private Flow withSession(Flow f) {
        return f.session() != null ? f : f.toBuilder().session(session).build();
    }

    private void enqueue(StoreWriter.Item item) {
        if (closed) throw new IllegalStateException("flow store is closed");
        queuedBytes.addAndGet(StoreWriter.bytes(item));
        queue.add(item, false); // never blocks: callers honour writable() for backpressure
    }

    @Override
    public boolean writable() {
        // items and bytes: an fsync stall of a second or two is absorbed without pausing clients,
        // while large bodies cannot pile up in memory
        return queue.size() < options.queueCapacity() && queuedBytes.get() < MAX_QUEUED_BYTES;
    }

    @Override
    public void onWritable(Runnable task) {
        if (writable()) {
            task.run();
            return;
        }
        whenWritable.add(task);
        if (writable()) drained(); // raced with the writer draining
    }

    private void drained() {
        if (!writable()) return;
        for (Runnable r; (r = whenWritable.poll()) != null; ) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("onWritable task failed: {}", e.toString());
            }
        }
    }

    /** Flow events waiting for the writer thread (for the proxy's metrics). */
    public int queueDepth() {
        return queue.size();
    }

    /** Calls {@code listener} with each fsync's duration in nanoseconds, on the writer thread (for metrics). */
    public void onFsync(java.util.function.LongConsumer listener) {
        writer.onFsync(listener);
    }

    @Override
    public boolean healthy() {
        return writer.healthy() && writerThread.isAlive();
    }

    /**
     * Calls {@code listener} with the highest durable seq after each fsync, on the writer thread (an
     * index follower in another process indexes only what is durable). Keep it cheap: it runs
     * between the writer's batches.
     */
    public void onDurable(java.util.function.LongConsumer listener) {
        durableListeners.add(listener);
    }

    /** Told (on the writer thread) when the store stops being able to record (false) and when it can again (true). */
    public void onHealthChange(java.util.function.Consumer<Boolean> listener) {
        healthListeners.add(listener);
    }

    /** Why the store is unhealthy, or null. */
    public Throwable failure() {
        return writer.failure();
    }

    @Override
    public void flush() {
        if (closed) return;
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new StoreWriter.Flush(done), true);
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new UncheckedIOException(new IOException("store flush timed out (store unhealthy: " + writer.failure() + ")"));
        } catch (Exception e) {
            throw new IllegalStateException("store flush failed", e);
        }
    }

    /** Highest seq the indexer has added (not necessarily committed yet); 0 without an index. */
    public long indexedSeq() {
        return indexer == null ? 0 : indexer.indexedSeq();
    }

    /** Waits until the index has caught up with everything durable now (tests, reindex). */
    public void awaitIndexed(long timeoutMillis) throws InterruptedException {
        if (indexer != null) indexer.awaitIndexed(writer.durableSeq(), timeoutMillis);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        queue.add(new StoreWriter.Stop(), true);
        try {
            writerThread.join(TimeUnit.MINUTES.toMillis(2));
            if (indexer != null) indexer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.error("closing index: {}", e.toString());
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                LOG.warn("releasing store lock: {}", e.toString());
            }
        }
    }
}
