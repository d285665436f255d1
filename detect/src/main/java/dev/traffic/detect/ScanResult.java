package dev.traffic.detect;

import dev.traffic.model.Finding;
import dev.traffic.model.Severity;
import java.util.List;
import java.util.Map;

/**
 * What one scan found: the findings (never the secret) and, for {@link Redactor} only, the literal
 * wire strings to replace mapped to their {@code [REDACTED:<rule>:<fingerprint>]} markers. The
 * redaction map holds secret material: keep it in memory, never log or store it.
 */
public record ScanResult(List<Finding> findings, Map<String, String> redactions) {
    public static final ScanResult EMPTY = new ScanResult(List.of(), Map.of());

    public ScanResult {
        findings = List.copyOf(findings);
        redactions = Map.copyOf(redactions);
    }

    /** Highest severity found, or null. */
    public Severity maxSeverity() {
        Severity max = null;
        for (Finding f : findings) if (max == null || f.severity().compareTo(max) > 0) max = f.severity();
        return max;
    }

    public boolean any(Severity atLeast) {
        Severity m = maxSeverity();
        return m != null && m.atLeast(atLeast);
    }

    @Override
    public String toString() {
        return "ScanResult[findings=" + findings + ", redactions=" + redactions.size() + "]";
    }
}
