package dev.traffic.match;

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
 *
 * <p>It lives in traffic-model (no Netty) because the proxy's flags and the request rules of the
 * policy file share it: one host language for every place a user writes a host.
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
        byte[] addr = ipLiteral(addrPart);
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
            byte[] a = ipLiteral(h);
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

    /**
     * The bytes of an IPv4 (strict dotted quad) or IPv6 literal (brackets and a {@code %zone}
     * already stripped or ignored), or null for anything else. Never resolves a name: a string is
     * handed to {@link InetAddress} only when it holds nothing but hex digits, ':' and '.', and
     * at least one ':', which the JDK parses as an IPv6 literal without a lookup.
     */
    static byte[] ipLiteral(String s) {
        if (s.isEmpty()) return null;
        byte[] v4 = ipv4(s);
        if (v4 != null) return v4;
        int pct = s.indexOf('%');
        String a = pct >= 0 ? s.substring(0, pct) : s;
        if (a.indexOf(':') < 0) return null;
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (c != ':' && c != '.' && Character.digit(c, 16) < 0) return null;
        }
        try {
            byte[] b = InetAddress.getByName(a).getAddress();
            if (b.length == 4) {
                // the JDK turns ::ffff:a.b.c.d into an IPv4 address; keep the 16-byte form
                byte[] m = new byte[16];
                m[10] = (byte) 0xff;
                m[11] = (byte) 0xff;
                System.arraycopy(b, 0, m, 12, 4);
                return m;
            }
            return b;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] ipv4(String s) {
        byte[] out = new byte[4];
        int part = 0, value = 0, digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i == s.length() ? '.' : s.charAt(i);
            if (c == '.') {
                if (digits == 0 || part == 4) return null;
                out[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) return null;
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
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
