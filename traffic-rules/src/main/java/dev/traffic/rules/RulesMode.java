package dev.traffic.rules;

/**
 * {@code enforce} applies every action; {@code audit} turns every {@code block} (and the fail-closed
 * refusal of an unreadable git push) into a {@code flag}, for rolling a policy out: the trace shows
 * what would have been refused.
 */
public enum RulesMode {
    ENFORCE, AUDIT
}
