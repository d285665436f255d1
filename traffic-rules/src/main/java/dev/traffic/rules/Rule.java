package dev.traffic.rules;

import java.util.List;

/**
 * One request rule: its name (what the decision trace and searches show), where it came from
 * ({@code rules[2]} of a file or {@code preset git-safe}), its action and reason, and the
 * conditions that must all hold. A rule without conditions matches every request.
 */
public final class Rule {
    private final String name;
    private final String source;
    private final Action action;
    private final String reason;
    private final List<Condition> conditions;

    Rule(String name, String source, Action action, String reason, List<Condition> conditions) {
        this.name = name;
        this.source = source;
        this.action = action;
        this.reason = reason;
        List<Condition> sorted = new java.util.ArrayList<>(conditions);
        sorted.sort(java.util.Comparator.comparingInt(Condition::cost));
        this.conditions = List.copyOf(sorted);
    }

    public String name() {
        return name;
    }

    public String source() {
        return source;
    }

    public Action action() {
        return action;
    }

    /** The reason given in the file, or a default naming the rule. */
    public String reason() {
        return reason;
    }

    /** True when the rule has no conditions: it matches everything and hides every rule after it. */
    public boolean catchAll() {
        return conditions.isEmpty();
    }

    boolean needsGit() {
        for (Condition c : conditions) if (c instanceof Condition.Git) return true;
        return false;
    }

    boolean needsForm() {
        for (Condition c : conditions) if (c instanceof Condition.Params p && p.form()) return true;
        return false;
    }

    List<Condition> conditions() {
        return conditions;
    }

    @Override
    public String toString() {
        return name + " (" + source + ", " + action.word() + ")";
    }
}
