package dev.traffic.rules;

import java.util.Locale;

/**
 * What a matching rule does: {@code allow} (forward, stop evaluating), {@code block} (refuse with
 * 403 before anything is forwarded), {@code flag} (forward and record a finding naming the rule),
 * {@code alert} (flag plus the alert webhook).
 */
public enum Action {
    ALLOW, BLOCK, FLAG, ALERT;

    /** The lower-case word used in the policy file and the decision trace. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code allow|block|flag|alert}, any case; null for anything else. */
    public static Action parse(String s) {
        if (s == null) return null;
        for (Action a : values()) if (a.word().equalsIgnoreCase(s.trim())) return a;
        return null;
    }
}
