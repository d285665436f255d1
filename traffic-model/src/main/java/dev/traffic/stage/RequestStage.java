package dev.traffic.stage;

import java.util.concurrent.CompletionStage;

/**
 * One stage of the request path: the extension point where request rules, inline inspection and
 * the credential broker plug in (as interceptors do in OkHttp's chain). The proxy runs the
 * configured stages on every request path it admits (HTTP/1.1, HTTP/2, a WebSocket upgrade,
 * plain HTTP inside a CONNECT tunnel), after admission (host and address policy) and before any
 * byte of the request reaches upstream, in {@link StageOrder} order:
 *
 * <pre>
 *   admission ──▶ RULES ──▶ INSPECTION ──▶ (record) ──▶ CREDENTIALS ──▶ upstream
 *                   │            │                          │
 *                refuse     flag / block /              substitute placeholders,
 *                (403)      redact the record           rewrite the response back
 * </pre>
 *
 * The flow is recorded from the request as the sandbox sent it (after redaction by INSPECTION),
 * never after CREDENTIALS, so a brokered secret cannot reach the store by construction.
 *
 * <p>A stage sees the request head and the body bytes the proxy held for it ({@link StageInput});
 * it answers with a {@link StageOutcome}: proceed (possibly with a rewritten request and stream
 * rewriters) or refuse. The first refusal ends the chain. Implementations are thread-safe, must not
 * block on I/O for a request that fits the inline limit (return an incomplete stage instead), and
 * never put a secret into a finding, a decision reason or a refusal body.
 */
public interface RequestStage {
    /** Short lower-case name used in the decision trace ("rules", "inspection", "credentials"). */
    String name();

    /** Where in the chain this stage runs. */
    StageOrder order();

    /** Decide on one request. */
    CompletionStage<StageOutcome> apply(StageInput input);

    /**
     * Whether the proxy must hold the body (up to the scan window) before calling {@link #apply}
     * for this request head; stages that decide on the head alone return false so the proxy can
     * stream. The body of {@code input.request()} is empty when no stage asked for it.
     */
    default boolean needsBody(StageInput head) {
        return true;
    }
}
