package dev.traffic.store.query;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times as journalctl's {@code --since}/{@code --until} take them (systemd.time(7)): {@code now},
 * {@code today}, {@code yesterday}, {@code tomorrow}, {@code @EPOCH} (seconds, fraction allowed),
 * {@code 2026-11-26}, {@code 2026-11-26 10:00[:05[.123]]} (also with {@code T}), {@code 10:00}
 * (today), each optionally followed by {@code Z}, {@code UTC} or an offset, else in {@code zone};
 * relative: {@code -10min}, {@code +1h}, {@code 2 hours ago}, {@code 1h 30min ago}, and a bare span
 * such as {@code 10min} or {@code 15m} meaning that long ago. Units: us, ms, s/sec/second(s),
 * m/min/minute(s), h/hr/hour(s), d/day(s), w/week(s), M/month(s) (30.44 days), y/year(s) (365.25 days).
 */
public final class TimeSpec {
    private static final Pattern SPAN_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Zµ]+)");
    private static final Pattern ZONE_SUFFIX = Pattern.compile("(?i)^(.*?)\\s*(Z|UTC|[+-]\\d\\d:?\\d\\d)$");
    public static final String FORMS = "10min, \"2 hours ago\", -1h, yesterday, today, @1764151200, 2026-11-26, \"2026-11-26 10:00\", 10:00";

    private TimeSpec() {}

    /** Parses {@code s}; IllegalArgumentException naming the accepted forms when it is none of them. */
    public static Instant parse(String s, Instant now, ZoneId zone) {
        String t = s.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "now" -> {
                return now;
            }
            case "today" -> {
                return LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant();
            }
            case "yesterday" -> {
                return LocalDate.ofInstant(now, zone).minusDays(1).atStartOfDay(zone).toInstant();
            }
            case "tomorrow" -> {
                return LocalDate.ofInstant(now, zone).plusDays(1).atStartOfDay(zone).toInstant();
            }
            default -> { }
        }
        try {
            if (t.startsWith("@")) {
                BigDecimal secs = new BigDecimal(t.substring(1).trim());
                return Instant.ofEpochMilli(secs.movePointRight(3).longValue());
            }
            if (lower.endsWith(" ago")) return now.minus(span(t.substring(0, t.length() - 4)));
            if (t.startsWith("-")) return now.minus(span(t.substring(1)));
            if (t.startsWith("+")) return now.plus(span(t.substring(1)));
            if (Character.isDigit(t.isEmpty() ? ' ' : t.charAt(0)) && SPAN_PART.matcher(t).lookingAt() && !t.matches("\\d+[-:].*")) {
                return now.minus(span(t));
            }
            return absolute(t, now, zone);
        } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("bad time '" + s + "' (use " + FORMS + ")");
        }
    }

    /** {@code 1h 30min}, {@code 2 hours}, {@code 90s}: the sum of its parts. */
    public static Duration span(String s) {
        String t = s.trim();
        Matcher m = SPAN_PART.matcher(t);
        Duration d = Duration.ZERO;
        int at = 0;
        while (at < t.length()) {
            if (Character.isWhitespace(t.charAt(at))) {
                at++;
                continue;
            }
            if (!m.find(at) || m.start() != at) throw new IllegalArgumentException("bad time span '" + s + "'");
            d = d.plus(unit(m.group(2), new BigDecimal(m.group(1))));
            at = m.end();
        }
        if (t.isEmpty()) throw new IllegalArgumentException("empty time span");
        return d;
    }

    private static Duration unit(String unit, BigDecimal n) {
        long nanosPer = switch (unit.equals("M") ? "month" : unit.toLowerCase(Locale.ROOT)) {
            case "us", "usec", "µs" -> 1_000L;
            case "ms", "msec" -> 1_000_000L;
            case "s", "sec", "secs", "second", "seconds" -> 1_000_000_000L;
            case "m", "min", "mins", "minute", "minutes" -> 60_000_000_000L;
            case "h", "hr", "hrs", "hour", "hours" -> 3_600_000_000_000L;
            case "d", "day", "days" -> 86_400_000_000_000L;
            case "w", "week", "weeks" -> 7 * 86_400_000_000_000L;
            case "month", "months" -> 2_629_800_000_000_000L;
            case "y", "year", "years" -> 31_557_600_000_000_000L;
            default -> throw new IllegalArgumentException("unknown time unit '" + unit + "'");
        };
        return Duration.ofNanos(n.multiply(BigDecimal.valueOf(nanosPer)).longValueExact());
    }

    private static Instant absolute(String t, Instant now, ZoneId zone) {
        ZoneId z = zone;
        String body = t;
        Matcher zm = ZONE_SUFFIX.matcher(t);
        // a date's "-05" is no zone: only a time part may carry one
        if (zm.matches() && zm.group(1).matches(".*\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?")) {
            String zs = zm.group(2).toUpperCase(Locale.ROOT);
            z = zs.equals("Z") || zs.equals("UTC") ? ZoneOffset.UTC : ZoneOffset.of(zs.length() == 5 ? zs.substring(0, 3) + ":" + zs.substring(3) : zs);
            body = zm.group(1);
        }
        body = body.trim().replace(' ', 'T');
        if (body.matches("\\d{4}-\\d\\d-\\d\\d")) return LocalDate.parse(body).atStartOfDay(z).toInstant();
        if (body.matches("\\d\\d?:\\d\\d(:\\d\\d(\\.\\d+)?)?")) {
            LocalTime lt = LocalTime.parse(body.length() == 4 || body.indexOf(':') == 1 ? "0" + body : body);
            return LocalDate.ofInstant(now, z).atTime(lt).atZone(z).toInstant();
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(body).atZone(z).toInstant();
        }
    }
}
