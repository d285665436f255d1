package dev.traffic.cli;

import java.net.InetSocketAddress;

/** Parses {@code HOST:PORT} / {@code [v6]:PORT} option values; a bad one is a usage error naming the option. */
final class HostPort {
    private HostPort() {}

    static InetSocketAddress parse(String option, String value) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new UsageException(option + ": expected HOST:PORT, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": bad port in '" + value + "'");
        }
        if (port < 0 || port > 65535) throw new UsageException(option + ": port out of range in '" + value + "'");
        return new InetSocketAddress(host, port);
    }
}
