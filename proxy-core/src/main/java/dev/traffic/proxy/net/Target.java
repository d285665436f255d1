package dev.traffic.proxy.net;

import dev.traffic.match.HostGlob;
import io.netty.util.NetUtil;
import java.net.InetAddress;

/**
 * Where a request goes: scheme, host (normalized, no brackets), port, and the address it was
 * resolved to (null until resolved; a CONNECT tunnel resolves once and every request inside it
 * reuses that address).
 */
public record Target(String scheme, String host, int port, InetAddress address) {
    public boolean tls() {
        return "https".equals(scheme);
    }

    public Target withAddress(InetAddress a) {
        return new Target(scheme, host, port, a);
    }

    public boolean isIpLiteral() {
        return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    }

    /** host:port with IPv6 in brackets, for messages. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Parses a CONNECT authority ({@code host:port}); null when malformed. */
    public static Target parseAuthority(String authority, String scheme) {
        if (authority == null || authority.isEmpty()) return null;
        String host;
        String portText;
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            if (end < 0) return null;
            host = authority.substring(1, end);
            // brackets hold an IPv6 literal (RFC 3986 IP-literal), never a name or an IPv4 address
            if (!NetUtil.isValidIpV6Address(host)) return null;
            String rest = authority.substring(end + 1);
            if (rest.isEmpty()) portText = null;
            else if (rest.startsWith(":")) portText = rest.substring(1);
            else return null;
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon >= 0 && authority.indexOf(':') != colon) return null; // bare IPv6 without brackets
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        int port = "https".equals(scheme) ? 443 : 80;
        if (portText != null) {
            if (portText.isEmpty() || portText.length() > 5) return null;
            for (int i = 0; i < portText.length(); i++) if (!Character.isDigit(portText.charAt(i))) return null;
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) return null;
        }
        if (!validHost(host)) return null;
        return new Target(scheme, HostGlob.normalize(host), port, null);
    }

    /** Letters, digits, '-', '.', '_' for names; any valid IP literal. */
    static boolean validHost(String host) {
        if (host.isEmpty() || host.length() > 253) return false;
        if (NetUtil.isValidIpV6Address(host)) return true;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_';
            if (!ok) return false;
        }
        return !host.startsWith(".") && !host.contains("..");
    }
}
