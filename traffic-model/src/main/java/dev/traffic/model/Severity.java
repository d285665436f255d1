package dev.traffic.model;

import java.util.Locale;

/** Finding severity, ordered: LOW < MEDIUM < HIGH < CRITICAL. */
public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Severity parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }
}
