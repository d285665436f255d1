package dev.traffic.rules.internal;

import java.util.Locale;

/**
 * The value glob of rules: {@code *} matches any run of characters, {@code ?} one character,
 * everything else itself; case-insensitive unless built with {@link #caseSensitive}. Iterative, no
 * regex, linear in practice (no backtracking blow-up on a hostile value).
 */
public final class Glob {
    private final String text;
    private final String pattern;
    private final boolean ignoreCase;
    private final boolean any;

    private Glob(String text, boolean ignoreCase) {
        this.text = text;
        this.ignoreCase = ignoreCase;
        this.pattern = ignoreCase ? text.toLowerCase(Locale.ROOT) : text;
        this.any = pattern.chars().allMatch(c -> c == '*') && !pattern.isEmpty();
    }

    public static Glob of(String text) {
        return new Glob(text, true);
    }

    public static Glob caseSensitive(String text) {
        return new Glob(text, false);
    }

    /** True when the pattern matches every value ("*"). */
    public boolean matchesAnything() {
        return any;
    }

    public boolean matches(String value) {
        if (value == null) return false;
        if (any) return true;
        return match(pattern, ignoreCase ? value.toLowerCase(Locale.ROOT) : value);
    }

    static boolean match(String p, String s) {
        int pi = 0, si = 0, star = -1, mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') pi++;
        return pi == p.length();
    }

    @Override
    public String toString() {
        return text;
    }
}
