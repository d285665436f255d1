package dev.traffic.units;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reading of a duration for every option (docs/reference/units.md): one or more
 * number-unit pairs ({@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h30m}, {@code 7d}, {@code 2w};
 * also spelt out: {@code sec min hour day week}, singular or plural), a bare number of seconds, or
 * ISO-8601 ({@code PT10S}). Never negative.
 */
public final class Durations {
    private Durations() {}

    private static final Pattern PART = Pattern.compile("(\\d+)\\s*(msec|ms|seconds?|secs|sec|s|minutes?|mins|min|m|hours?|hrs|hr|h|days?|d|weeks?|w)\\s*");

    public static Duration parse(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) throw invalid(text);
        if (s.matches("\\d+")) return Duration.ofSeconds(Long.parseLong(s));
        if (s.startsWith("p")) {
            try {
                Duration d = Duration.parse(s.toUpperCase(Locale.ROOT));
                if (d.isNegative()) throw invalid(text);
                return d;
            } catch (DateTimeParseException e) {
                throw invalid(text);
            }
        }
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int at = 0;
        try {
            while (at < s.length()) {
                if (!m.find(at) || m.start() != at) throw invalid(text);
                long n = Long.parseLong(m.group(1));
                String u = m.group(2);
                Duration part = u.startsWith("ms") ? Duration.ofMillis(n)
                        : u.startsWith("s") ? Duration.ofSeconds(n)
                        : u.startsWith("m") ? Duration.ofMinutes(n)
                        : u.startsWith("h") ? Duration.ofHours(n)
                        : u.startsWith("d") ? Duration.ofDays(n)
                        : Duration.ofDays(Math.multiplyExact(7L, n));
                total = total.plus(part);
                at = m.end();
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw invalid(text);
        }
        return total;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid duration '" + text + "' (examples: 500ms, 10s, 2m, 1h30m, 7d, PT10S; a bare number is seconds)");
    }
}
