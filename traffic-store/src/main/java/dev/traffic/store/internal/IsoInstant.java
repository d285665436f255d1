package dev.traffic.store.internal;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Fast formatting and parsing of the journal's time format, exactly {@link Instant#toString()}
 * ({@code 2026-11-26T10:00:00.123456Z}: fraction in groups of 3 digits, left out when zero) for
 * years 0000-9999; anything else (other years, offsets, other layouts) goes through
 * {@link Instant#toString()} / {@link Instant#parse}, so every journal ever written reads the same.
 * {@code Instant.toString} and {@code Instant.parse} go through the general
 * {@code DateTimeFormatter} machinery, which was a tenth of the store writer's CPU. Stateless.
 */
public final class IsoInstant {
    private static final long MIN_SECOND = -62_167_219_200L; // 0000-01-01T00:00:00Z
    private static final long MAX_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z

    private IsoInstant() {}

    /** Writes {@code t} as {@link Instant#toString()} would into {@code out} (at least 30 chars); returns the length. */
    public static int format(Instant t, char[] out) {
        long s = t.getEpochSecond();
        if (s < MIN_SECOND || s > MAX_SECOND) {
            String x = t.toString();
            x.getChars(0, x.length(), out, 0);
            return x.length();
        }
        long days = Math.floorDiv(s, 86_400L);
        int secs = (int) Math.floorMod(s, 86_400L);
        LocalDate d = LocalDate.ofEpochDay(days);
        int p = 0;
        p = digits(out, p, d.getYear(), 4);
        out[p++] = '-';
        p = digits(out, p, d.getMonthValue(), 2);
        out[p++] = '-';
        p = digits(out, p, d.getDayOfMonth(), 2);
        out[p++] = 'T';
        p = digits(out, p, secs / 3600, 2);
        out[p++] = ':';
        p = digits(out, p, secs / 60 % 60, 2);
        out[p++] = ':';
        p = digits(out, p, secs % 60, 2);
        int nano = t.getNano();
        if (nano > 0) {
            out[p++] = '.';
            if (nano % 1_000_000 == 0) p = digits(out, p, nano / 1_000_000, 3);
            else if (nano % 1000 == 0) p = digits(out, p, nano / 1000, 6);
            else p = digits(out, p, nano, 9);
        }
        out[p++] = 'Z';
        return p;
    }

    public static String format(Instant t) {
        char[] c = new char[40];
        return new String(c, 0, format(t, c));
    }

    /** Parses what {@link #format} (or {@link Instant#toString()}) wrote; other ISO forms via {@link Instant#parse}. */
    public static Instant parse(CharSequence s) {
        int n = s.length();
        if (n >= 20 && n <= 30 && s.charAt(n - 1) == 'Z' && s.charAt(4) == '-' && s.charAt(7) == '-'
                && s.charAt(10) == 'T' && s.charAt(13) == ':' && s.charAt(16) == ':') {
            int year = num(s, 0, 4);
            int month = num(s, 5, 2);
            int day = num(s, 8, 2);
            int hour = num(s, 11, 2);
            int min = num(s, 14, 2);
            int sec = num(s, 17, 2);
            int nano = 0;
            boolean ok = year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 28 + 3
                    && hour >= 0 && hour <= 23 && min >= 0 && min <= 59 && sec >= 0 && sec <= 59;
            if (ok && n > 20) {
                int fd = n - 21; // fraction digits
                ok = s.charAt(19) == '.' && fd >= 1 && fd <= 9;
                if (ok) {
                    nano = num(s, 20, fd);
                    ok = nano >= 0;
                    for (int k = fd; k < 9; k++) nano *= 10;
                }
            } else if (ok) {
                ok = n == 20;
            }
            if (ok && (day <= 28 || day <= YearMonthDays.of(year, month))) {
                long epochDay = LocalDate.of(year, month, day).toEpochDay();
                return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + min * 60L + sec, nano);
            }
        }
        return Instant.parse(s); // anything else, including errors, exactly as before
    }

    private static final class YearMonthDays {
        static int of(int year, int month) {
            return java.time.YearMonth.of(year, month).lengthOfMonth();
        }
    }

    /** The decimal number in {@code s[off, off+len)}, or -1 when a char is not a digit. */
    private static int num(CharSequence s, int off, int len) {
        int v = 0;
        for (int i = off; i < off + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int digits(char[] out, int p, int v, int width) {
        for (int i = p + width - 1; i >= p; i--) {
            out[i] = (char) ('0' + v % 10);
            v /= 10;
        }
        return p + width;
    }
}
