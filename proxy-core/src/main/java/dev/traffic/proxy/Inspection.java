package dev.traffic.proxy;

import dev.traffic.model.Finding;
import dev.traffic.model.FlowRequest;
import java.util.List;

/**
 * Result of a {@link RequestInspector}: the findings, whether to block (and the rule that
 * blocks), and optionally a redacted copy of the request to record instead of the original
 * (headers and the recorded body bytes; the recorded size and SHA-256 stay those of the original).
 */
public record Inspection(List<Finding> findings, boolean block, String rule, FlowRequest redacted) {
    public static final Inspection CLEAN = new Inspection(List.of(), false, null, null);

    public Inspection {
        findings = findings == null ? List.of() : List.copyOf(findings);
    }
}
