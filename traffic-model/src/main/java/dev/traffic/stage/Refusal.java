package dev.traffic.stage;

/**
 * Why a stage refused a request: the HTTP status (403 for a rule or a finding, 400 for a request the
 * stage cannot parse safely), the rule that decided, and a reason a person can read. The proxy
 * renders it in the form the client shows best: a Kubernetes {@code Status} object for a Kubernetes
 * API client, a JSON error when the request accepts JSON, git's smart-HTTP error for a git client,
 * text otherwise. The reason never holds a secret.
 */
public record Refusal(int status, String stage, String rule, String reason) {
    public Refusal {
        if (status < 400 || status > 599) throw new IllegalArgumentException("refusal status " + status);
        java.util.Objects.requireNonNull(stage, "stage");
        java.util.Objects.requireNonNull(reason, "reason");
    }
}
