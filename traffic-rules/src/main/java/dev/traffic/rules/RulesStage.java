package dev.traffic.rules;

import dev.traffic.model.Decision;
import dev.traffic.model.Finding;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Severity;
import dev.traffic.stage.Refusal;
import dev.traffic.stage.RequestStage;
import dev.traffic.stage.StageInput;
import dev.traffic.stage.StageOrder;
import dev.traffic.stage.StageOutcome;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The RULES request stage: evaluates the {@link RuleSet} on each request before anything is
 * forwarded and records one decision line per request ({@code rules}, the deciding rule or none,
 * the action, the reason). {@code block} refuses with 403 (400/403 for a git push it cannot read:
 * fail closed); {@code flag} and {@code alert} proceed with a finding naming the rule, {@code alert}
 * also hands the finding to the alert sink (the webhook). In {@link RulesMode#AUDIT} a block is
 * recorded as a flag. {@link #reload} swaps the rules atomically (SIGHUP); requests in flight
 * finish with the rules they started with.
 */
public final class RulesStage implements RequestStage {
    public static final String NAME = "rules";
    /** The finding family of request-rule findings ({@code flag:request-rule} is not a thing; search {@code stage:rules}). */
    public static final String FAMILY = "request-rule";

    /** Where {@code alert} findings go (the detector's webhook alerter in the proxy). */
    @FunctionalInterface
    public interface AlertSink {
        void alert(String session, String flowId, Finding finding);
    }

    private final AtomicReference<RuleSet> rules;
    private final RulesMode mode;
    private final Action defaultAction;
    private final AlertSink alerts;

    public RulesStage(RuleSet rules, RulesMode mode, Action defaultAction, AlertSink alerts) {
        this.rules = new AtomicReference<>(Objects.requireNonNull(rules, "rules"));
        this.mode = Objects.requireNonNull(mode, "mode");
        this.defaultAction = Objects.requireNonNull(defaultAction, "defaultAction");
        this.alerts = alerts == null ? (s, f, x) -> { } : alerts;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StageOrder order() {
        return StageOrder.RULES;
    }

    public RuleSet rules() {
        return rules.get();
    }

    /** Replaces the rules for requests that start from now on. */
    public void reload(RuleSet next) {
        rules.set(Objects.requireNonNull(next, "rules"));
    }

    @Override
    public boolean needsBody(StageInput head) {
        FlowRequest r = head.request();
        return rules.get().needsBody(r.method(), r.path(), r.header("content-type"));
    }

    @Override
    public CompletionStage<StageOutcome> apply(StageInput input) {
        return CompletableFuture.completedFuture(decide(input));
    }

    /** The decision for one request (synchronous: rules never wait on I/O). */
    public StageOutcome decide(StageInput input) {
        FlowRequest rq = input.request();
        RuleSet set = rules.get();
        // no rules (a policy file without any yet, reloadable) and nothing to default to: say nothing
        if (set.isEmpty() && defaultAction == Action.ALLOW) return StageOutcome.PROCEED;
        Verdict v = set.evaluate(RuleRequest.of(rq), defaultAction);
        Action action = v.action();
        String reason = v.reason();
        if (mode == RulesMode.AUDIT && action == Action.BLOCK) {
            action = Action.FLAG;
            reason = "audit mode, not enforced: would block: " + reason;
        }
        String rule = v.rule() == null && !v.unreadable() ? null : v.ruleName();
        Decision d = new Decision(NAME, rule, action.word(), reason);
        switch (action) {
            case BLOCK -> {
                int status = v.unreadable() ? v.status() : 403;
                // what the client shows (git, kubectl, a JSON error): the rule by name and its reason
                String shown = v.unreadable() ? "request rules could not check this git push: " + reason
                        : v.rule() == null ? "blocked by the request rules: " + reason
                        : "blocked by request rule '" + v.ruleName() + "': " + reason;
                return StageOutcome.refuse(new Refusal(status, NAME, v.ruleName(), shown), List.of(), List.of(d));
            }
            case FLAG, ALERT -> {
                Finding f = new Finding(v.ruleName(), FAMILY, action == Action.ALERT ? Severity.HIGH : Severity.MEDIUM,
                        "request", rq.host(), null, null, reason);
                if (action == Action.ALERT) alerts.alert(input.session(), input.flowId(), f);
                return StageOutcome.proceed(List.of(f), List.of(d));
            }
            default -> {
                return StageOutcome.proceed(List.of(), List.of(d));
            }
        }
    }
}
