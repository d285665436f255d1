package dev.traffic.store.internal;

import dev.traffic.store.Checkpoint;
import dev.traffic.store.RetentionMark;
import dev.traffic.store.FlowJson;
import dev.traffic.store.StoreLayout;
import dev.traffic.store.StoreOptions;
import dev.traffic.store.journal.FlowRecords;
import dev.traffic.store.journal.JournalEvent;
import dev.traffic.store.journal.JournalWriter;
import dev.traffic.store.journal.Segments;
import dev.traffic.model.Body;
import dev.traffic.model.Flow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's single writer thread: drains the queue in batches (while busy it looks every
 * {@link #BUSY_POLL_NANOS 5 ms} by itself, so producers need not wake it; one file write per batch),
 * assigns dense seqs, appends START/BLOB/FLOW records, offers appended flows to the indexer
 * ({@link dev.traffic.store.index.RecentFlows}), fsyncs journal then leaf hashes at most every fsync interval (or at
 * once for {@code flush}), signs checkpoints, rolls segments and applies retention. On an I/O
 * error it marks itself unhealthy, rolls back to the last durable state and retries every second
 * with the same items, so nothing handed over is lost or duplicated.
 */
public final class StoreWriter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
    /** The logger the proxy prints checkpoint lines on (keep its output outside the sandbox). */
    private static final Logger CHECKPOINT_LOG = LoggerFactory.getLogger("traffic.checkpoint");

    /** Queue items: flow start, flow end, flush request, stop. */
    public sealed interface Item permits Start, End, Flush, Stop {}
    public record Start(Flow head) implements Item {}
    public record End(Flow flow) implements Item {}
    public record Flush(CompletableFuture<Void> done) implements Item {}
    public record Stop() implements Item {}

    private final StoreLayout layout;
    private final StoreOptions options;
    private final ItemQueue<Item> queue;
    private final JournalWriter journal;
    private final LeafFile leaves;
    private final PrivateKey key;
    private final Retention retention;
    private final Map<String, Flow> open = new LinkedHashMap<>();
    private final List<Item> sinceSync = new ArrayList<>();
    private final List<CompletableFuture<Void>> waiters = new ArrayList<>();
    /** While busy, the writer looks at the queue this often by itself (producers do not wake it). */
    static final long BUSY_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private final LongConsumer onDurable;
    private final Runnable onDrained;
    private final java.util.concurrent.atomic.AtomicLong queuedBytes;
    private final HealthListener health;
    private MerkleLog merkle;
    /** Where appended flows go for the indexer (null: no index). */
    private dev.traffic.store.index.RecentFlows recent;
    private MerkleLog merkleAtSync;
    private long nextSeq;
    private volatile long durableSeq;
    private volatile long writtenSeq;
    private long durablePos;
    private long lastSync = System.nanoTime();
    private long lastCheckpoint = System.nanoTime();
    private long checkpointedSize = -1;
    private long lastRetention = System.nanoTime();
    private volatile boolean healthy = true;
    private volatile Throwable failure;

    /** Told when the writer becomes unhealthy or healthy again. */
    public interface HealthListener {
        void changed(boolean healthy, Throwable cause);
    }

    public StoreWriter(StoreLayout layout, StoreOptions options, ItemQueue<Item> queue, JournalWriter journal,
            LeafFile leaves, MerkleLog merkle, PrivateKey key, long lastSeq, LongConsumer onDurable, Runnable onDrained,
            HealthListener health, java.util.concurrent.atomic.AtomicLong queuedBytes) {
        this.queuedBytes = queuedBytes;
        this.layout = layout;
        this.options = options;
        this.queue = queue;
        this.journal = journal;
        this.leaves = leaves;
        this.merkle = merkle;
        this.merkleAtSync = copy(merkle);
        this.key = key;
        this.nextSeq = lastSeq + 1;
        this.durableSeq = lastSeq;
        this.writtenSeq = lastSeq;
        this.durablePos = journal.position();
        this.onDurable = onDurable;
        this.onDrained = onDrained;
        this.health = health;
        this.retention = new Retention(layout, options);
    }

    /** Offers every appended flow (seq assigned, as the journal holds it) to the indexer through {@code r}. Before {@link #begin}. */
    public void handOver(dev.traffic.store.index.RecentFlows r) {
        recent = r;
    }

    public boolean healthy() {
        return healthy;
    }

    public Throwable failure() {
        return failure;
    }

    public long durableSeq() {
        return durableSeq;
    }

    /** Highest seq handed to the OS (survives a crash of this process, not yet of the machine). */
    public long writtenSeq() {
        return writtenSeq;
    }

    /** Appends the records that must precede any flow of this run (open event, unfinished flows). Before {@link #run}. */
    public void begin(String session, List<Flow> unfinished) throws IOException {
        journal.append(Segments.EVENT, JournalEvent.of("open", "session", session,
                "pid", ProcessHandle.current().pid(), "nextSeq", nextSeq).encode());
        for (Flow f : unfinished) {
            Flow done = f.toBuilder().error(f.error() != null ? f.error()
                    : "unfinished: the recorder stopped before this flow ended").build();
            appendFlow(done);
        }
        sync();
    }

    @Override
    public void run() {
        List<Item> batch = new ArrayList<>();
        boolean stopping = false;
        boolean busy = false;
        while (!stopping || !batch.isEmpty()) {
            try {
                if (Thread.currentThread().isInterrupted()) return;
                if (!healthy) {
                    retry();
                    continue;
                }
                if (queue.size() == 0) {
                    long due = waitNanos();
                    // while flows keep coming, look again in a few ms (producers do not wake a busy
                    // writer: one write per batch, no futex per flow); idle, sleep until woken
                    if (busy) queue.pause(Math.min(due, BUSY_POLL_NANOS));
                    else if (due > 0) queue.awaitItem(due);
                }
                queue.drainTo(batch, 8192);
                busy = !batch.isEmpty();
                sinceSync.addAll(batch); // before processing: a failure mid-batch retries all of it
                List<Item> todo = new ArrayList<>(batch);
                batch.clear();
                long bytes = 0;
                for (Item it : todo) {
                    if (it instanceof Stop) stopping = true;
                    else process(it);
                    bytes += bytes(it);
                }
                writeStarts(startsHeld); // open for a whole batch: write-ahead now
                if (busy && waiters.isEmpty() && !stopping) {
                    Map<String, Flow> t = startsHeld;
                    startsHeld = startsNew;
                    startsNew = t;
                } else {
                    writeStarts(startsNew);
                }
                queuedBytes.addAndGet(-bytes);
                if (journal.pending() > 0) journal.writeOut();
                writtenSeq = nextSeq - 1;
                onDrained.run();
                long now = System.nanoTime();
                boolean dirty = !sinceSync.isEmpty();
                if ((dirty && now - lastSync >= options.fsyncInterval().toNanos()) || !waiters.isEmpty() || stopping) {
                    sync();
                }
                maintain(now, stopping);
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }
    }

    /** Body bytes an item holds while queued (what the queue's byte limit counts). */
    public static long bytes(Item it) {
        Flow f = it instanceof Start s ? s.head() : it instanceof End e ? e.flow() : null;
        if (f == null) return 0;
        long n = 512;
        if (f.request() != null) n += f.request().body().recorded().length;
        if (f.response() != null) n += f.response().body().recorded().length;
        return n;
    }

    /** How long the writer may sleep: until the next fsync is due when something awaits one, else a while. */
    private long waitNanos() {
        if (sinceSync.isEmpty()) return IDLE_NANOS;
        return Math.max(0, lastSync + options.fsyncInterval().toNanos() - System.nanoTime());
    }

    private void process(Item it) throws IOException {
        if (it instanceof Start s) {
            open.put(s.head().id(), s.head());
            startsNew.put(s.head().id(), s.head());
        } else if (it instanceof End e) {
            String id = e.flow().id();
            open.remove(id);
            if (startsNew.remove(id) == null) startsHeld.remove(id);
            appendFlow(e.flow());
        } else if (it instanceof Flush f) {
            waiters.add(f.done());
        }
    }

    /**
     * START records wait while the writer is busy, for at most one batch (5 ms): most flows end
     * within it, and their FLOW record makes the START record redundant (only crash recovery reads
     * START records, to record flows that never ended). Both maps are in arrival order.
     */
    private Map<String, Flow> startsNew = new LinkedHashMap<>();
    private Map<String, Flow> startsHeld = new LinkedHashMap<>();

    private void writeStarts(Map<String, Flow> starts) throws IOException {
        for (Flow head : starts.values()) journal.append(Segments.START, FlowJson.toBytes(head));
        starts.clear();
    }

    private void appendFlow(Flow flow) throws IOException {
        Flow f = flow.withSeq(nextSeq);
        FlowRecords.Ref[] refs = new FlowRecords.Ref[2];
        if (f.request() != null) refs[0] = blob(FlowRecords.SLOT_REQUEST, f.request().body());
        if (f.response() != null) refs[1] = blob(FlowRecords.SLOT_RESPONSE, f.response().body());
        byte[] payload = FlowRecords.encode(f, refs);
        long offset = journal.append(Segments.FLOW, payload);
        if (recent != null) recent.offer(f, journal.firstSeq(), offset);
        byte[] leaf = MerkleLog.leafHash(payload, 0, payload.length);
        merkle.append(leaf);
        leaves.append(leaf);
        nextSeq++;
    }

    private FlowRecords.Ref blob(int slot, Body body) {
        byte[] raw = body.recorded();
        if (raw.length == 0) return null;
        return journal.body(slot, raw, Hashing.sha256(raw));
    }

    /** Told how long each fsync (journal + leaf hashes) took, in nanoseconds; for the proxy's metrics. */
    private volatile java.util.function.LongConsumer fsyncListener = nanos -> {};

    public void onFsync(java.util.function.LongConsumer listener) {
        fsyncListener = listener;
    }

    /** Makes everything appended so far durable: journal first, then leaf hashes. */
    private void sync() throws IOException {
        writeStarts(startsHeld); // what is durable includes the write-ahead of every open flow
        writeStarts(startsNew);
        if (journal.pending() > 0) journal.writeOut();
        long fsyncStart = System.nanoTime();
        journal.force();
        leaves.force();
        lastSync = System.nanoTime();
        fsyncListener.accept(lastSync - fsyncStart);
        durableSeq = nextSeq - 1;
        writtenSeq = durableSeq;
        durablePos = journal.position();
        merkleAtSync = copy(merkle);
        sinceSync.clear();
        for (CompletableFuture<Void> w : waiters) w.complete(null);
        waiters.clear();
        onDurable.accept(durableSeq);
    }

    private void maintain(long now, boolean stopping) throws IOException {
        if (!sinceSync.isEmpty()) return; // checkpoints and rolls only at a durable point
        if (merkle.size() != checkpointedSize
                && (stopping || now - lastCheckpoint >= options.checkpointInterval().toNanos())) {
            checkpoint();
            lastCheckpoint = now;
        }
        boolean rolled = false;
        if (journal.full() && !stopping) {
            journal.openSegment(nextSeq);
            rolled = true;
        }
        if ((rolled || now - lastRetention >= TimeUnit.SECONDS.toNanos(10)) && !stopping) {
            lastRetention = now;
            JournalEvent ev = retention.apply(journal.segment(), this::markExpired);
            if (ev != null) {
                journal.append(Segments.EVENT, ev.encode());
                sync();
            }
        }
    }

    /** Makes "seqs 1..through removed by retention" durable and signed before the segment goes. */
    private void markExpired(long through) throws IOException {
        RetentionMark mark = RetentionMark.sign(through, Instant.now(), key);
        PrivateFiles.ensureFile(layout.checkpointsFile());
        Files.writeString(layout.checkpointsFile(), mark.line() + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.DSYNC);
        // on the log too, so the copy kept outside the pod (verify --checkpoints) has it
        CHECKPOINT_LOG.info("{}", mark.line());
    }

    private void checkpoint() throws IOException {
        Checkpoint cp = Checkpoint.sign(merkle.size(), merkle.root(), Instant.now(), key);
        PrivateFiles.ensureFile(layout.checkpointsFile());
        Files.writeString(layout.checkpointsFile(), cp.line() + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.DSYNC);
        checkpointedSize = merkle.size();
        try {
            options.checkpointListener().accept(cp);
        } catch (RuntimeException e) {
            LOG.warn("checkpoint listener failed: {}", e.toString());
        }
    }

    /** Appends a clean-shutdown marker and a final checkpoint. Called on this thread's exit path. */
    public void finish() throws IOException {
        if (!healthy) return;
        startsNew.clear();
        startsHeld.clear();
        for (Flow f : new ArrayList<>(open.values())) {
            appendFlow(f.toBuilder().error("unfinished: the store was closed before this flow ended").build());
        }
        open.clear();
        journal.append(Segments.EVENT, JournalEvent.of("close", "lastSeq", nextSeq - 1).encode());
        sync();
        if (merkle.size() != checkpointedSize) checkpoint();
    }

    private void fail(Throwable e) {
        failure = e;
        if (healthy) {
            healthy = false;
            LOG.error("store cannot record: {} (retrying every second)", e.toString());
            health.changed(false, e);
        }
    }

    /** Rolls back to the last durable state and re-appends everything handed over since. */
    private void retry() {
        queue.awaitItem(TimeUnit.SECONDS.toNanos(1)); // back off; keep what arrived
        List<Item> wake = new ArrayList<>(1);
        if (queue.drainTo(wake, 1) > 0) {
            sinceSync.add(wake.get(0));
            queuedBytes.addAndGet(-bytes(wake.get(0)));
        }
        try {
            journal.rollback(durablePos);
            if (recent != null) recent.forgetAfter(durableSeq);
            leaves.truncate(durableSeq);
            merkle = copy(merkleAtSync);
            nextSeq = durableSeq + 1;
            List<Item> again = new ArrayList<>(sinceSync);
            sinceSync.clear();
            startsNew.clear(); // rolled back with the journal; processing again re-adds the open ones
            startsHeld.clear();
            for (Item it : again) {
                if (!(it instanceof Stop)) process(it);
            }
            sinceSync.addAll(again);
            journal.writeOut();
            sync();
            healthy = true;
            failure = null;
            LOG.warn("store recording again");
            health.changed(true, null);
            if (again.stream().anyMatch(i -> i instanceof Stop)) queue.add(new Stop(), true);
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }

    private static MerkleLog copy(MerkleLog m) {
        return m.copy();
    }

}
