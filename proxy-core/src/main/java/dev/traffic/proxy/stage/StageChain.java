package dev.traffic.proxy.stage;

import dev.traffic.model.Decision;
import dev.traffic.model.Finding;
import dev.traffic.model.FlowRequest;
import dev.traffic.stage.RequestStage;
import dev.traffic.stage.ResponseRewrite;
import dev.traffic.stage.StageInput;
import dev.traffic.stage.StageOrder;
import dev.traffic.stage.StageOutcome;
import dev.traffic.stage.StreamRewriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The configured {@link RequestStage}s in {@link StageOrder} (stable within one order), run one
 * after the other on a request the proxy admitted: the one place where request stages plug into
 * the proxy (every request path calls {@link #run}). Each stage sees the request as the stages
 * before it left it; the first refusal ends the chain.
 *
 * <p>Stages that answer at once run synchronously, on the calling thread, without any hop (the
 * keep-alive path stays cheap); a stage that returns an incomplete stage continues the chain when
 * it completes, on whatever thread completed it (the caller hops back to its event loop).
 *
 * <p>The request to record is taken between the last stage ordered before
 * {@link StageOrder#CREDENTIALS} and the first CREDENTIALS stage ({@link Result#record}), so the
 * real secrets a credentials stage injects never reach the store.
 *
 * <p>Immutable and thread-safe; holds no Netty types.
 */
public final class StageChain {
    public static final StageChain EMPTY = new StageChain(List.of());

    private final List<RequestStage> stages;
    private final boolean hasInspection;

    public StageChain(List<RequestStage> stages) {
        List<RequestStage> s = new ArrayList<>(stages);
        s.sort(Comparator.comparing(RequestStage::order)); // List.sort is stable: configured order within one StageOrder
        this.stages = List.copyOf(s);
        this.hasInspection = s.stream().anyMatch(x -> x.order() == StageOrder.INSPECTION);
    }

    public boolean isEmpty() {
        return stages.isEmpty();
    }

    public List<RequestStage> stages() {
        return stages;
    }

    /** Whether an INSPECTION stage decides what is recorded (a request refused before it ran is then recorded with care). */
    public boolean hasInspection() {
        return hasInspection;
    }

    /** Whether any stage wants the body (up to the scan window) held before the chain runs. */
    public boolean needsBody(StageInput head) {
        for (RequestStage s : stages) if (s.needsBody(head)) return true;
        return false;
    }

    /**
     * Everything the chain decided: a refusal (then nothing is forwarded) or the request to forward
     * with the stream rewriters; what to record; and the findings, decision trace and brokered
     * credential names to merge into the flow.
     *
     * @param refusal   the first refusal, or null
     * @param forward   the request as the last stage left it (the input itself when no stage rewrote it)
     * @param record    the request to record instead of the client's, or null to record the client's
     *                  as received; a null body means "record the body bytes as they came"
     * @param recordTaken whether the chain got past every stage ordered before CREDENTIALS (false when
     *                  a refusal came first: the request was then never seen by INSPECTION)
     * @param bodyTail  rewriter of the body bytes past the held prefix (the stages' rewriters in order), or null
     * @param responses response rewrites in the order to apply them (the last stage's first), possibly empty
     */
    public record Result(dev.traffic.stage.Refusal refusal, FlowRequest forward, FlowRequest record, boolean recordTaken,
            StreamRewriter bodyTail, List<ResponseRewrite> responses, List<Finding> findings,
            List<Decision> decisions, List<String> credentials) {
        public boolean refused() {
            return refusal != null;
        }

        /** Whether a stage replaced the held body prefix. */
        public boolean bodyRewritten(FlowRequest input) {
            return forward.body() != input.body();
        }
    }

    /** A stage failed (threw, or its stage completed exceptionally): the request must not go. */
    public static final class StageFailure extends RuntimeException {
        private final String stage;

        StageFailure(String stage, Throwable cause) {
            super("request " + stage + " failed: " + unwrap(cause), unwrap(cause), false, false);
            this.stage = stage;
        }

        public String stage() {
            return stage;
        }
    }

    /** Runs the chain on {@code input}; completes exceptionally with {@link StageFailure} when a stage fails. */
    public CompletionStage<Result> run(StageInput input) {
        Run r = new Run(input);
        return r.next(0);
    }

    /** What the INSPECTION stages would record of a request: their redacted copy (or null) and their findings. */
    public record Recorded(FlowRequest record, List<Finding> findings) {}

    /**
     * For a request that never reached INSPECTION (refused first, or its client left before the
     * scan): runs the INSPECTION stages only to learn what the store may hold; nothing is
     * forwarded and refusals are ignored. Null when a stage cannot answer at once or fails: the
     * caller then withholds what could hold a secret.
     */
    public Recorded recordOnly(StageInput input) {
        FlowRequest record = null;
        List<Finding> found = new ArrayList<>(0);
        for (RequestStage s : stages) {
            if (s.order() != StageOrder.INSPECTION) continue;
            StageOutcome o;
            try {
                CompletableFuture<StageOutcome> f = s.apply(record == null ? input
                        : new StageInput(record, input.client(), input.session(), input.flowId())).toCompletableFuture();
                if (!f.isDone() || f.isCompletedExceptionally()) return null;
                o = f.join();
            } catch (RuntimeException e) {
                return null;
            }
            if (o == null) continue;
            found.addAll(o.findings());
            if (o.record() != null) record = o.record();
        }
        return new Recorded(record, List.copyOf(found));
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while (c instanceof CompletionException && c.getCause() != null) c = c.getCause();
        return c;
    }

    /** The state of one run through the chain. */
    private final class Run {
        private final StageInput input;
        private FlowRequest current;
        private FlowRequest record;
        private boolean recordTaken;
        private final List<StreamRewriter> tails = new ArrayList<>(0);
        private final List<ResponseRewrite> responses = new ArrayList<>(0);
        private final List<Finding> findings = new ArrayList<>(0);
        private final List<Decision> decisions = new ArrayList<>(0);
        private final List<String> credentials = new ArrayList<>(0);

        Run(StageInput input) {
            this.input = input;
            this.current = input.request();
        }

        CompletionStage<Result> next(int i) {
            while (i < stages.size()) {
                RequestStage s = stages.get(i);
                if (!recordTaken && s.order() == StageOrder.CREDENTIALS) takeRecord();
                CompletableFuture<StageOutcome> f;
                try {
                    f = s.apply(new StageInput(current, input.client(), input.session(), input.flowId())).toCompletableFuture();
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(new StageFailure(s.name(), e));
                }
                if (!f.isDone()) {
                    int at = i;
                    return f.handle((o, e) -> {
                        if (e != null) return CompletableFuture.<Result>failedFuture(new StageFailure(s.name(), e));
                        Result end = merge(s, o);
                        return end != null ? CompletableFuture.completedFuture(end) : next(at + 1);
                    }).thenCompose(x -> x);
                }
                StageOutcome o;
                try {
                    o = f.join();
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(new StageFailure(s.name(), e));
                }
                Result end = merge(s, o);
                if (end != null) return CompletableFuture.completedFuture(end);
                i++;
            }
            if (!recordTaken) takeRecord();
            return CompletableFuture.completedFuture(result(null));
        }

        /** Merges one outcome; returns the final result when it refused. */
        private Result merge(RequestStage s, StageOutcome o) {
            if (o == null) o = StageOutcome.PROCEED;
            findings.addAll(o.findings());
            decisions.addAll(o.decisions());
            credentials.addAll(o.credentials());
            if (o.record() != null && s.order() != StageOrder.CREDENTIALS) record = o.record();
            if (o.refused()) {
                if (o.refusal() != null && o.decisions().isEmpty()) {
                    dev.traffic.stage.Refusal f = o.refusal();
                    decisions.add(new Decision(s.name(), f.rule(), "refuse", f.reason()));
                }
                // refused by INSPECTION (or later): what it saw, with its redaction, is what is recorded
                if (!recordTaken && s.order() != StageOrder.RULES) takeRecord();
                return result(o.refusal());
            }
            if (o.forward() != null) current = o.forward();
            if (o.bodyTail() != null) tails.add(o.bodyTail());
            if (o.response() != null) responses.add(0, o.response()); // the response passes back through the stages in reverse
            return null;
        }

        /** The request as it stands before the first CREDENTIALS stage is what gets recorded. */
        private void takeRecord() {
            recordTaken = true;
            if (record == null && current != input.request()) {
                // rewritten by a stage before CREDENTIALS (and not redacted): record it, with the body
                // bytes as they came unless the held prefix itself was rewritten
                record = current.body() == input.request().body() ? current.withBody(null) : current;
            }
        }

        private Result result(dev.traffic.stage.Refusal refusal) {
            return new Result(refusal, current, record, recordTaken, chain(tails), List.copyOf(responses),
                    List.copyOf(findings), List.copyOf(decisions), List.copyOf(credentials));
        }
    }

    /** One rewriter that runs {@code rewriters} in order (each one's output is the next one's input); null for none. */
    public static StreamRewriter chain(List<StreamRewriter> tails) {
        if (tails.isEmpty()) return null;
        if (tails.size() == 1) return tails.get(0);
        List<StreamRewriter> all = List.copyOf(tails);
        boolean changes = all.stream().anyMatch(StreamRewriter::changesLength);
        return new StreamRewriter() {
            @Override
            public byte[] rewrite(byte[] piece, boolean last) {
                byte[] b = piece;
                for (StreamRewriter r : all) b = r.rewrite(b, last);
                return b;
            }

            @Override
            public boolean changesLength() {
                return changes;
            }
        };
    }
}
