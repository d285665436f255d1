package dev.traffic.cli;

import java.time.Duration;

/** Parses human-friendly option values (sizes, durations, host:port); a bad one is a usage error naming it. */
final class Values {
    private Values() {}

    /** A size as every option reads it ({@link dev.traffic.units.ByteSizes}); a bad one is a usage error naming the option. */
    static long size(String option, String v) {
        try {
            return dev.traffic.units.ByteSizes.parse(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    /** A duration as every option reads it ({@link dev.traffic.units.Durations}); a bad one is a usage error naming the option. */
    static Duration duration(String option, String v) {
        try {
            return dev.traffic.units.Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
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
