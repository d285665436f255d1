package dev.traffic.stage;

import dev.traffic.model.Decision;
import dev.traffic.model.Finding;
import dev.traffic.model.FlowRequest;
import java.util.List;

/**
 * A stage's answer. Either it proceeds, optionally with
 * <ul>
 *   <li>{@code forward}: the request to pass on instead (rewritten headers, query, userinfo or held
 *       body prefix; the proxy fixes Content-Length when the prefix was the whole body),</li>
 *   <li>{@code bodyTail}: a rewriter for the body bytes past the held prefix,</li>
 *   <li>{@code response}: a rewrite of this exchange's response,</li>
 *   <li>{@code record}: a redacted request to record instead (inspection),</li>
 * </ul>
 * or it refuses with {@code refusal} (nothing is forwarded; the proxy answers the client in a form
 * it can show: see {@link Refusal}). Findings and decision lines are recorded on the flow either way;
 * {@code credentials} names the brokered credentials injected (never values).
 */
public record StageOutcome(
        Refusal refusal,
        FlowRequest forward,
        StreamRewriter bodyTail,
        ResponseRewrite response,
        FlowRequest record,
        List<Finding> findings,
        List<Decision> decisions,
        List<String> credentials) {

    public StageOutcome {
        findings = findings == null ? List.of() : List.copyOf(findings);
        decisions = decisions == null ? List.of() : List.copyOf(decisions);
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
    }

    public static final StageOutcome PROCEED = new StageOutcome(null, null, null, null, null, null, null, null);

    public static StageOutcome proceed(List<Finding> findings, List<Decision> decisions) {
        return new StageOutcome(null, null, null, null, null, findings, decisions, null);
    }

    public static StageOutcome refuse(Refusal refusal, List<Finding> findings, List<Decision> decisions) {
        return new StageOutcome(java.util.Objects.requireNonNull(refusal), null, null, null, null, findings, decisions, null);
    }

    public boolean refused() {
        return refusal != null;
    }
}
