package dev.traffic.ca.internal;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.util.IPAddress;

/**
 * A validated host a leaf is minted for: a DNS name (lower-cased, IDN to ASCII, trailing dot dropped)
 * or an IPv4/IPv6 literal (canonical form, brackets dropped). Never resolves anything.
 */
public record HostName(String value, boolean ip) {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    /** Parses {@code raw}; throws IllegalArgumentException naming the value when it is not a host. */
    public static HostName parse(String raw) {
        if (raw == null || raw.isBlank()) throw new IllegalArgumentException("invalid host name: '" + raw + "' (empty)");
        String s = raw.trim();
        if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1);
        if (IPAddress.isValidIPv4(s)) return new HostName(canonicalIp(s, raw), true);
        if (s.indexOf(':') >= 0) {
            if (!IPAddress.isValidIPv6(s)) throw new IllegalArgumentException("invalid host name: '" + raw + "' (not an IPv6 literal)");
            return new HostName(canonicalIp(s, raw), true);
        }
        if (s.endsWith(".")) s = s.substring(0, s.length() - 1);
        String ascii;
        try {
            ascii = IDN.toASCII(s, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid host name: '" + raw + "' (" + e.getMessage() + ")");
        }
        if (ascii.isEmpty() || ascii.length() > 253) {
            throw new IllegalArgumentException("invalid host name: '" + raw + "' (length must be 1..253)");
        }
        for (String label : ascii.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("invalid host name: '" + raw + "' (bad label '" + label + "')");
            }
        }
        if (ascii.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            throw new IllegalArgumentException("invalid host name: '" + raw + "' (numeric but not an IPv4 address)");
        }
        return new HostName(ascii, false);
    }

    private static String canonicalIp(String literal, String raw) {
        try {
            // a validated literal: InetAddress parses it without any lookup
            return InetAddress.getByName(literal).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("invalid host name: '" + raw + "' (" + e.getMessage() + ")");
        }
    }

    /** True when this DNS name equals {@code domain} or is below it. */
    public boolean within(String domain) {
        return !ip && (value.equals(domain) || value.endsWith("." + domain));
    }

    @Override
    public String toString() {
        return value;
    }
}
