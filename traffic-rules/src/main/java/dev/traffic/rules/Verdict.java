package dev.traffic.rules;

/**
 * The outcome of the rules for one request: the first matching rule (null when none matched and
 * the default action applied), the action, the reason a person reads (the rule's reason plus what
 * matched, e.g. the ref of a push), and how many rules were evaluated. {@code status} is 0 for a
 * rule decision, or 400/403 when the request could not be checked (an unreadable git push), in
 * which case the action is BLOCK (fail closed).
 */
public record Verdict(Rule rule, Action action, String reason, int evaluated, int status) {
    public boolean unreadable() {
        return status != 0;
    }

    /** The rule's name, "default-action" when no rule matched, or "unreadable-push". */
    public String ruleName() {
        if (status != 0) return rule == null ? "unreadable-push" : rule.name();
        return rule == null ? "default-action" : rule.name();
    }
}
