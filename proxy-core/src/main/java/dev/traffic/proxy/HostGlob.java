package dev.traffic.proxy;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The one host matcher used everywhere (policy, passthrough, insecure-upstream, NO_PROXY).
 *
 * <p>Patterns are case-insensitive. {@code *} matches any run of characters (dots included), so
 * {@code *.example.com} matches {@code a.example.com} and {@code a.b.example.com} but not
 * {@code example.com}; a lone {@code *} matches every host. An IP literal matches that address,
 * and {@code addr/bits} (CIDR, IPv4 or IPv6) matches every address in the block; address patterns
 * are also applied to the address a name resolved to. Trailing dots and IPv6 brackets are ignored.
 */
public final class HostGlob {
    private final String text;
    private final String glob;      // normalized name pattern, null for address patterns
    private final byte[] network;   // address pattern, null for name patterns
    private final int prefixBits;

    private HostGlob(String text, String glob, byte[] network, int prefixBits) {
        this.text = text;
        this.glob = glob;
        this.network = network;
        this.prefixBits = prefixBits;
    }

    /** Parses a pattern; throws {@link IllegalArgumentException} naming the value when it is unusable. */
    public static HostGlob of(String pattern) {
        if (pattern == null || pattern.isBlank()) throw new IllegalArgumentException("empty host pattern");
        String p = normalize(pattern.trim());
        int slash = p.indexOf('/');
        String addrPart = slash >= 0 ? p.substring(0, slash) : p;
        byte[] addr = NetUtil.createByteArrayFromIpAddressString(addrPart);
        if (addr != null) {
            int bits = addr.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(p.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad CIDR prefix in host pattern '" + pattern + "'");
                }
                if (bits < 0 || bits > addr.length * 8)
                    throw new IllegalArgumentException("CIDR prefix out of range in host pattern '" + pattern + "'");
            }
            return new HostGlob(pattern, null, addr, bits);
        }
        if (slash >= 0 || p.contains(" ") || p.contains(":"))
            throw new IllegalArgumentException("invalid host pattern '" + pattern + "'");
        return new HostGlob(pattern, p, null, 0);
    }

    /** Lower-cases, strips IPv6 brackets and one trailing dot. */
    public static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        if (h.endsWith(".") && h.length() > 1) h = h.substring(0, h.length() - 1);
        return h;
    }

    /** True when the host name (or IP literal) matches. */
    public boolean matches(String host) {
        if (host == null) return false;
        String h = normalize(host);
        if (network != null) {
            byte[] a = NetUtil.createByteArrayFromIpAddressString(h);
            return a != null && inNetwork(a);
        }
        return globMatch(glob, 0, h, 0);
    }

    /** True when this is an address pattern and the address lies in it. */
    public boolean matches(InetAddress address) {
        return network != null && address != null && inNetwork(address.getAddress());
    }

    public boolean isAddressPattern() {
        return network != null;
    }

    @Override
    public String toString() {
        return text;
    }

    private boolean inNetwork(byte[] a) {
        if (a.length != network.length) {
            // IPv4-mapped IPv6 vs IPv4
            try {
                a = InetAddress.getByAddress(a).getAddress();
            } catch (UnknownHostException e) {
                return false;
            }
            if (a.length != network.length) return false;
        }
        int full = prefixBits / 8, rest = prefixBits % 8;
        for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    /** Iterative '*' matcher (linear in practice; no regex, no backtracking blow-up on long hosts). */
    private static boolean globMatch(String p, int pi, String s, int si) {
        int star = -1, mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && p.charAt(pi) == s.charAt(si)) {
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
}
