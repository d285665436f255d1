package dev.traffic.proxy;

import dev.traffic.model.Finding;
import java.util.List;

/**
 * Result of {@link RequestInspector#inspectMessage}: the findings, whether to block (close the
 * WebSocket with 1008 naming {@code rule}; the message is not forwarded), and optionally the
 * payload to record instead of the original ({@code redactedPayload}, null to keep it).
 */
public record MessageInspection(List<Finding> findings, boolean block, String rule, byte[] redactedPayload) {
    public static final MessageInspection CLEAN = new MessageInspection(List.of(), false, null, null);

    public MessageInspection {
        findings = findings == null ? List.of() : List.copyOf(findings);
    }
}
