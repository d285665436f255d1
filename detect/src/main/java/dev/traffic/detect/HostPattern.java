package dev.traffic.detect;

import java.util.Locale;

/**
 * One host pattern from a policy: {@code api.github.com} (exact), {@code *.githubusercontent.com}
 * (any subdomain, not the bare domain) or {@code discord.com/api/webhooks} (host plus a path prefix,
 * used for sinks). The one glob matcher the detector uses for destinations, sinks and internal hosts.
 */
public record HostPattern(String host, boolean wildcard, String pathPrefix) {

    public static HostPattern parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) throw new IllegalArgumentException("empty host pattern");
        int slash = s.indexOf('/');
        String path = null;
        if (slash >= 0) {
            path = s.substring(slash);
            s = s.substring(0, slash);
        }
        boolean wild = s.startsWith("*.");
        if (wild) s = s.substring(2);
        if (s.isEmpty() || s.contains("*")) throw new IllegalArgumentException("bad host pattern '" + spec + "'");
        return new HostPattern(s, wild, path);
    }

    /** True when {@code host} (lower case, no port) matches, ignoring any path prefix. */
    public boolean matchesHost(String host) {
        if (host == null) return false;
        if (wildcard) return host.length() > this.host.length() && host.endsWith(this.host)
                && host.charAt(host.length() - this.host.length() - 1) == '.';
        return host.equals(this.host);
    }

    /** Host match plus, when the pattern has one, a case-insensitive path prefix match. */
    public boolean matches(String host, String path) {
        if (!matchesHost(host)) return false;
        if (pathPrefix == null) return true;
        return path != null && path.toLowerCase(Locale.ROOT).startsWith(pathPrefix);
    }

    @Override
    public String toString() {
        return (wildcard ? "*." : "") + host + (pathPrefix == null ? "" : pathPrefix);
    }
}
