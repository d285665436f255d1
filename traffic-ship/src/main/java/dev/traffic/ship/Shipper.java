package dev.traffic.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.traffic.model.Flow;
import dev.traffic.ship.opensearch.OpenSearchHttp;
import dev.traffic.store.StoreException;
import dev.traffic.store.StoreLayout;
import dev.traffic.store.journal.FlowRecords;
import dev.traffic.store.journal.JournalCursor;
import dev.traffic.store.journal.Segments;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships a store's journal to OpenSearch: reads flows after the cursor's seq (the journal is the
 * outbox; the proxy writes nothing extra), sends them as {@code _bulk create} batches with ids
 * {@code <store identity>-<seq>}, and after each acknowledged batch fsyncs the cursor. A crash
 * re-sends at most the unacknowledged batch, which the cluster answers with 409 per document
 * (counted as duplicates): each flow is in the cluster once. Per-item 429/5xx are retried; other
 * per-item errors (a mapping conflict, a rejected document) are parked in {@code <cursor>.parked}
 * with the seq and the reason, and the rest goes on. When the cluster is down the shipper backs off
 * (bounded, jittered) and catches up later. One thread ({@link #start()} or {@link #run()});
 * {@link #status()} may be called from any thread.
 */
public final class Shipper implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RISK_CHECK = Duration.ofSeconds(5);
    /** Only what the shipper reads of the answer: a 2,000-item answer shrinks to its statuses. */
    private static final String BULK = "_bulk?filter_path=items.*.status,items.*._index,items.*.error.type,items.*.error.reason";

    private final StoreLayout layout;
    private final ShipConfig config;
    private final OpenSearchHttp http;
    private final LongSupplier head;
    private final Backoff backoff;
    private final Path parkedFile;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile boolean stopping;
    private volatile boolean exitWhenCaughtUp;
    private Thread thread;

    // state, written by the shipping thread only; read by status()
    private volatile long shippedSeq;
    private volatile long seenSeq;
    private volatile long oldestPendingMillis;
    /** When the shipper last had nothing to send (or started): bounds the lag while it cannot read yet. */
    private volatile long caughtUpMillis = System.currentTimeMillis();
    private volatile long shipped;
    private volatile long duplicates;
    private volatile long parked;
    private volatile long lost;
    private volatile long batches;
    private volatile long failures;
    private volatile long cpuNanos;
    private volatile Instant lastAck;
    private volatile String clusterProblem;
    private volatile String atRisk;
    private volatile Throwable fatal;
    private String storeId;
    private ShippedDocument docs;
    private long nextRiskCheck;

    /**
     * @param head the newest seq the store has written (the proxy's {@code FlowStore::writtenSeq}), or
     *     null to use the newest seq the shipper has read (a standalone shipper)
     */
    public Shipper(StoreLayout layout, ShipConfig config, LongSupplier head) throws IOException {
        this.layout = layout;
        this.config = config;
        config.auth().check();
        this.http = new OpenSearchHttp(config.target(), config.auth(), config.ca(), Duration.ofSeconds(60));
        this.head = head;
        this.backoff = new Backoff(Duration.ofMillis(250), config.maxBackoff());
        this.parkedFile = config.cursorFile().resolveSibling(config.cursorFile().getFileName() + ".parked");
    }

    /** Runs on a thread of its own ("traffic-ship"), a daemon, so it never holds the process. */
    public synchronized Shipper start() {
        if (thread != null) throw new IllegalStateException("already started");
        thread = new Thread(this, "traffic-ship");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Makes {@link #run()} return once everything in the journal now is acknowledged. */
    public Shipper exitWhenCaughtUp() {
        exitWhenCaughtUp = true;
        return this;
    }

    /** What stopped the shipper for good (a store it cannot read), or null. */
    public Throwable failure() {
        return fatal;
    }

    public ShipStatus status() {
        long seen = seenSeq;
        long h = head == null ? seen : Math.max(seen, head.getAsLong());
        long pending = oldestPendingMillis;
        long now = System.currentTimeMillis();
        // the oldest waiting flow's age when known; while the shipper cannot read (cluster down at
        // start), the time since it was last caught up, an upper bound of that age
        double lag = pending != 0 ? Math.max(0, (now - pending) / 1000.0)
                : h > shippedSeq ? Math.max(0, (now - caughtUpMillis) / 1000.0) : 0;
        return new ShipStatus(shippedSeq, h, lag, shipped, duplicates, parked, lost, batches, failures, cpuNanos, lastAck,
                clusterProblem, atRisk);
    }

    @Override
    public void run() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : 0;
        try (JournalCursor journal = new JournalCursor(layout.journalDir())) {
            storeId = StoreIdentity.of(layout);
            docs = new ShippedDocument(storeId, config.sandbox(), config.maxBody(), config.indexPrefix(), config.period());
            ShipCursor c = ShipCursor.read(config.cursorFile());
            if (c.store() != null && !c.store().equals(storeId)) {
                throw new StoreException(config.cursorFile() + " belongs to store " + c.store() + ", not to this store ("
                        + storeId + "); give this store its own --cursor");
            }
            shippedSeq = c.seq();
            seenSeq = c.seq();
            shipped = c.shipped();
            duplicates = c.duplicates();
            parked = c.parked();
            lost = c.lost();
            lastAck = c.shippedAt();
            installTemplate();
            journal.seekToSeq(shippedSeq + 1);
            Batch batch = new Batch();
            while (!stopping) {
                fill(journal, batch);
                if (mx.isCurrentThreadCpuTimeSupported()) cpuNanos = mx.getCurrentThreadCpuTime() - cpu0;
                checkRisk();
                if (batch.size() == 0) {
                    oldestPendingMillis = 0;
                    caughtUpMillis = System.currentTimeMillis();
                    if (exitWhenCaughtUp) return;
                    pause(config.poll().toMillis());
                    continue;
                }
                if (!send(batch)) return; // stopping
                if (mx.isCurrentThreadCpuTimeSupported()) cpuNanos = mx.getCurrentThreadCpuTime() - cpu0;
                batch.clear();
            }
        } catch (IOException | RuntimeException e) {
            fatal = e;
            LOG.error("shipping stopped: {}", e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void installTemplate() throws InterruptedException {
        while (!stopping) {
            try {
                JsonNode existing = null;
                try {
                    existing = http.json("GET", "_index_template/" + IndexTemplate.name(config.indexPrefix()), null);
                } catch (OpenSearchHttp.Rejected e) {
                    if (e.status() != 404) throw e;
                }
                int have = existing == null ? -1 : existing.path("index_templates").path(0).path("index_template").path("version").asInt(-1);
                if (have < IndexTemplate.VERSION) {
                    http.json("PUT", "_index_template/" + IndexTemplate.name(config.indexPrefix()), IndexTemplate.body(config.indexPrefix()));
                    LOG.info("installed index template {} (version {}) on {}", IndexTemplate.name(config.indexPrefix()), IndexTemplate.VERSION, http.base());
                }
                clusterProblem = null;
                backoff.reset();
                return;
            } catch (IOException e) {
                unavailable(e);
            }
        }
    }

    /** Reads flows after {@code shippedSeq} into the batch until it is full or the journal has no more now. */
    private void fill(JournalCursor journal, Batch batch) throws IOException {
        for (JournalCursor.Entry e; batch.size() < config.batchFlows() && batch.bytes() < config.batchBytes()
                && (e = journal.next()) != null; ) {
            if (e.record().type() != Segments.FLOW) continue;
            byte[] payload = e.record().payload();
            long seq = FlowRecords.seq(payload);
            long expected = batch.size() == 0 ? shippedSeq : batch.lastSeq();
            if (seq <= expected) continue;
            if (seq > expected + 1) {
                long n = seq - expected - 1;
                lost += n;
                LOG.error("flows {}..{} were removed from the journal (retention) before they were shipped: {} flow(s) lost to the cluster",
                        expected + 1, seq - 1, n);
            }
            Flow f = FlowRecords.decode(payload, e.channel());
            if (batch.size() == 0) oldestPendingMillis = (f.end() != null ? f.end() : f.start()).toEpochMilli();
            batch.add(seq, f, leafHash(payload));
            if (seq > seenSeq) seenSeq = seq;
        }
    }

    private final MessageDigest sha = newSha256();

    /** RFC 6962 leaf hash, SHA-256(0x00 || FLOW payload): what the store's Merkle log holds for this seq. */
    private byte[] leafHash(byte[] payload) {
        sha.reset();
        sha.update((byte) 0);
        sha.update(payload);
        return sha.digest();
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends the batch until every item is acknowledged, a duplicate or parked; false when stopping first. */
    private boolean send(Batch batch) throws IOException, InterruptedException {
        List<Integer> todo = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) todo.add(i);
        List<String> parkedLines = new ArrayList<>();
        long ok = 0;
        long dup = 0;
        while (!todo.isEmpty()) {
            if (stopping) return false;
            JsonNode answer;
            try {
                answer = http.send("POST", BULK, batch.body(todo, docs), "application/x-ndjson");
            } catch (OpenSearchHttp.Unavailable | OpenSearchHttp.Rejected e) {
                unavailable(e);
                continue;
            }
            List<Integer> retry = new ArrayList<>();
            JsonNode items = answer.path("items");
            if (items.size() != todo.size()) throw new IOException("_bulk answered " + items.size() + " items for " + todo.size());
            for (int k = 0; k < todo.size(); k++) {
                JsonNode item = items.get(k).path("create");
                int status = item.path("status").asInt();
                int i = todo.get(k);
                if (status == 201 || status == 200) {
                    ok++;
                } else if (status == 409) {
                    dup++;
                } else if (status == 429 || status >= 500) {
                    retry.add(i);
                } else {
                    JsonNode err = item.path("error");
                    String reason = err.path("type").asText() + ": " + err.path("reason").asText();
                    LOG.warn("flow seq {} rejected by the cluster and parked ({} {}); shipping goes on", batch.seq(i), status, reason);
                    ObjectNode line = JSON.createObjectNode().put("seq", batch.seq(i)).put("id", ShippedDocument.id(storeId, batch.seq(i)))
                            .put("index", item.path("_index").asText()).put("status", status).put("reason", reason)
                            .put("time", Instant.now().toString());
                    parkedLines.add(JSON.writeValueAsString(line));
                }
            }
            if (!retry.isEmpty()) {
                failures++;
                clusterProblem = retry.size() + " document(s) refused for now (429/5xx); retrying";
                pause(backoff.next());
            } else {
                backoff.reset();
                clusterProblem = null;
            }
            todo = retry;
        }
        if (!parkedLines.isEmpty()) appendParked(parkedLines);
        shipped += ok;
        duplicates += dup;
        parked += parkedLines.size();
        batches++;
        lastAck = Instant.now();
        shippedSeq = batch.lastSeq();
        new ShipCursor(shippedSeq, lastAck, shipped, duplicates, parked, lost, storeId).write(config.cursorFile());
        oldestPendingMillis = 0;
        return true;
    }

    private void appendParked(List<String> lines) throws IOException {
        Files.createDirectories(parkedFile.toAbsolutePath().getParent());
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(parkedFile, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(java.nio.ByteBuffer.wrap((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true); // before the cursor passes these seqs
        }
    }

    private void unavailable(IOException e) throws InterruptedException {
        failures++;
        long wait = backoff.next();
        String problem = e.getMessage();
        if (!problem.equals(clusterProblem) || backoff.failures() == 1) {
            LOG.warn("cluster not accepting flows ({}); retrying with back-off (next in {} ms)", problem, wait);
        }
        clusterProblem = problem;
        pause(wait);
    }

    private void checkRisk() {
        long now = System.currentTimeMillis();
        if (now < nextRiskCheck) return;
        nextRiskCheck = now + RISK_CHECK.toMillis();
        try {
            String r = RetentionWatch.check(layout, config.retain(), config.maxStoreSize(), shippedSeq, Instant.ofEpochMilli(now));
            if (r != null && !r.equals(atRisk)) LOG.warn("SHIPPING BEHIND RETENTION: {}", r);
            atRisk = r;
        } catch (IOException e) {
            LOG.debug("retention check failed", e);
        }
    }

    private void pause(long millis) throws InterruptedException {
        lock.lock();
        try {
            if (!stopping) wake.await(millis, TimeUnit.MILLISECONDS);
        } finally {
            lock.unlock();
        }
    }

    /** Stops the thread (an in-flight batch is abandoned unacknowledged: it is re-sent next time). */
    @Override
    public void close() {
        stopping = true;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The flows of one batch and their NDJSON, built once and re-sliced for retries. */
    private static final class Batch {
        private final List<Flow> flows = new ArrayList<>();
        private final List<byte[]> leaves = new ArrayList<>();
        private long[] seqs = new long[256];
        private long bytes;
        private final Buffer buf = new Buffer();
        private int[] starts = new int[257];

        int size() {
            return flows.size();
        }

        long bytes() {
            return bytes;
        }

        long seq(int i) {
            return seqs[i];
        }

        long lastSeq() {
            return seqs[flows.size() - 1];
        }

        void add(long seq, Flow f, byte[] leaf) {
            int n = flows.size();
            if (n == seqs.length) seqs = java.util.Arrays.copyOf(seqs, n * 2);
            seqs[n] = seq;
            flows.add(f);
            leaves.add(leaf);
            bytes += estimate(f);
        }

        private static long estimate(Flow f) {
            long b = 1024;
            if (f.request() != null) b += f.request().body().recorded().length * 2L;
            if (f.response() != null) b += f.response().body().recorded().length * 2L;
            return b;
        }

        byte[] body(List<Integer> which, ShippedDocument docs) {
            if (buf.size() == 0) {
                if (starts.length < flows.size() + 1) starts = new int[flows.size() + 1];
                for (int i = 0; i < flows.size(); i++) {
                    starts[i] = buf.size();
                    docs.writeCreate(flows.get(i), leaves.get(i), buf);
                }
                starts[flows.size()] = buf.size();
            }
            if (which.size() == flows.size()) return buf.toByteArray();
            Buffer part = new Buffer();
            for (int i : which) part.write(buf.array(), starts[i], starts[i + 1] - starts[i]);
            return part.toByteArray();
        }

        void clear() {
            flows.clear();
            leaves.clear();
            bytes = 0;
            buf.reset();
        }
    }

    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(1 << 16);
        }

        byte[] array() {
            return buf;
        }
    }
}
