package dev.traffic.detect;

import java.util.List;
import java.util.Locale;

/**
 * Where one token family may legitimately be sent: host patterns and locations
 * ({@code header:authorization}, {@code query:X-Amz-Credential}, {@code path}, {@code url-userinfo},
 * {@code body}, {@code body-form}, {@code body-json}). Both must match for traffic to be normal.
 */
public record Destination(List<HostPattern> hosts, List<String> locations) {
    public static final Destination NOWHERE = new Destination(List.of(), List.of());

    public Destination {
        hosts = List.copyOf(hosts);
        locations = locations.stream().map(l -> l.trim().toLowerCase(Locale.ROOT)).toList();
    }

    public static Destination of(List<String> hosts, List<String> locations) {
        return new Destination(hosts.stream().map(HostPattern::parse).toList(), locations);
    }

    public boolean hostAllowed(String host) {
        for (HostPattern p : hosts) if (p.matchesHost(host)) return true;
        return false;
    }

    /** {@code body} covers every body location; otherwise the location must be listed exactly. */
    public boolean locationAllowed(String location) {
        String l = location.toLowerCase(Locale.ROOT);
        for (String a : locations) {
            if (a.equals(l)) return true;
            if (a.equals("body") && l.startsWith("body")) return true;
        }
        return false;
    }
}
