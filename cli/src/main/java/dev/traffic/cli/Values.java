package dev.traffic.cli;

import java.time.Duration;
import java.util.Locale;

/** Parses human-friendly option values (sizes, durations, host:port); a bad one is a usage error naming it. */
final class Values {
    private Values() {}

    /** "1MiB", "512k", "64KiB", "1048576" -> bytes. */
    static long size(String option, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        String[][] units = {{"gib", "1073741824"}, {"mib", "1048576"}, {"kib", "1024"}, {"gb", "1000000000"},
            {"mb", "1000000"}, {"kb", "1000"}, {"g", "1073741824"}, {"m", "1048576"}, {"k", "1024"}, {"b", "1"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                mult = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length()).trim();
                break;
            }
        }
        try {
            long n = Long.parseLong(s);
            if (n < 0) throw new NumberFormatException();
            return Math.multiplyExact(n, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException(option + ": invalid size '" + v + "' (examples: 1MiB, 512KiB, 1048576)");
        }
    }

    /** "10s", "500ms", "2m", "1h", "10" (seconds) -> Duration. */
    static Duration duration(String option, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            if (s.endsWith("s")) return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            if (s.endsWith("m")) return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            if (s.endsWith("h")) return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
            return Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": invalid duration '" + v + "' (examples: 10s, 500ms, 2m)");
        }
    }

    /** "HOST:PORT", "[v6]:PORT" or ":PORT" (loopback). */
    static java.net.InetSocketAddress hostPort(String option, String v) {
        String host;
        String port;
        if (v.startsWith("[")) {
            int end = v.indexOf("]:");
            if (end < 0) throw new UsageException(option + ": expected [IPv6]:PORT, got '" + v + "'");
            host = v.substring(1, end);
            port = v.substring(end + 2);
        } else {
            int c = v.lastIndexOf(':');
            if (c < 0) throw new UsageException(option + ": expected HOST:PORT, got '" + v + "'");
            host = c == 0 ? "127.0.0.1" : v.substring(0, c);
            port = v.substring(c + 1);
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) throw new NumberFormatException();
            return new java.net.InetSocketAddress(host, p);
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": invalid port in '" + v + "'");
        }
    }
}
