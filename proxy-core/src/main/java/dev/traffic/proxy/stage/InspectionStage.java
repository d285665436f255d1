package dev.traffic.proxy.stage;

import dev.traffic.model.Decision;
import dev.traffic.proxy.Inspection;
import dev.traffic.proxy.RequestInspector;
import dev.traffic.stage.Refusal;
import dev.traffic.stage.RequestStage;
import dev.traffic.stage.StageInput;
import dev.traffic.stage.StageOrder;
import dev.traffic.stage.StageOutcome;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The inline inspection (a {@link RequestInspector}, e.g. detect) as the INSPECTION stage: it needs
 * the body, blocks with 403 naming the rule, flags findings, and hands its redacted copy of the
 * request over as what is recorded. WebSocket messages stay with the inspector's message hook.
 */
public final class InspectionStage implements RequestStage {
    public static final String NAME = "inspection";

    private final RequestInspector inspector;

    public InspectionStage(RequestInspector inspector) {
        this.inspector = java.util.Objects.requireNonNull(inspector);
    }

    public RequestInspector inspector() {
        return inspector;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StageOrder order() {
        return StageOrder.INSPECTION;
    }

    @Override
    public CompletionStage<StageOutcome> apply(StageInput input) {
        return inspector.inspect(input.request(), input.session(), input.flowId()).thenApply(InspectionStage::outcome);
    }

    static StageOutcome outcome(Inspection r) {
        if (r.block()) {
            String rule = r.rule() == null ? NAME : r.rule();
            String why = "blocked by policy rule " + rule;
            return new StageOutcome(new Refusal(403, NAME, rule, why), null, null, null, r.redacted(), r.findings(),
                    List.of(new Decision(NAME, rule, "block", why)), null);
        }
        if (r.findings().isEmpty() && r.redacted() == null) return StageOutcome.PROCEED;
        List<Decision> d = r.findings().isEmpty() ? List.of()
                : List.of(new Decision(NAME, r.findings().get(0).rule(), "flag",
                        r.findings().size() + (r.findings().size() == 1 ? " finding" : " findings")));
        return new StageOutcome(null, null, null, null, r.redacted(), r.findings(), d, null);
    }
}
