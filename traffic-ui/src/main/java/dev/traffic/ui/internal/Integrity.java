package dev.traffic.ui.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.traffic.store.Checkpoint;
import dev.traffic.store.FlowSeals;
import dev.traffic.store.StoreLayout;
import dev.traffic.store.Verifier;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The integrity banner: {@code traffic verify}'s result for the store, computed on a background
 * thread on demand, plus what is cheap to show at once
 * (the last checkpoint and the signer key's fingerprint).
 */
final class Integrity implements AutoCloseable {
    private final StoreLayout layout;
    private final FlowSeals seals;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "traffic-ui-verify");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    private Verifier.Report report;
    private String failure;
    private Instant checkedAt;
    private boolean running;

    Integrity(StoreLayout layout, FlowSeals seals) {
        this.layout = layout;
        this.seals = seals;
    }

    /**
     * The state; {@code refresh} starts a verification (on demand only: over a million flows it reads
     * the whole journal for minutes, which must not compete with the proxy or the reviewer's clicks).
     */
    synchronized ObjectNode status(boolean refresh) throws IOException {
        if (!running && refresh) {
            running = true;
            worker.execute(this::verify);
        }
        ObjectNode n = Responses.JSON.createObjectNode();
        n.put("state", running ? "running" : report != null ? (report.ok() ? "ok" : "failed") : failure != null ? "error" : "never");
        if (checkedAt != null) n.put("checkedAt", checkedAt.toString());
        if (failure != null) n.put("error", failure);
        if (report != null) {
            n.put("flowsVerified", report.flowsVerified());
            n.put("expired", report.expired());
            n.put("lastSeq", report.lastSeq());
            n.put("checkpointsChecked", report.checkpointsChecked());
            ArrayNode ps = n.putArray("problems");
            List<Verifier.Problem> problems = report.problems();
            for (int i = 0; i < problems.size() && i < 50; i++) ps.add(problems.get(i).toString());
            n.put("problemCount", problems.size());
            ArrayNode ws = n.putArray("warnings");
            report.warnings().forEach(ws::add);
        }
        Checkpoint cp = seals.lastCheckpoint();
        if (cp != null) n.putObject("lastCheckpoint").put("size", cp.size()).put("time", cp.time().toString()).put("root", cp.rootHex());
        String fp = seals.keyFingerprint();
        if (fp != null) n.put("keyFingerprint", fp);
        return n;
    }

    private void verify() {
        Verifier.Report r = null;
        String err = null;
        try {
            r = Verifier.verify(layout.root(), null, List.of(), null);
        } catch (IOException | RuntimeException e) {
            err = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        synchronized (this) {
            report = r;
            failure = err;
            checkedAt = Instant.now();
            running = false;
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
