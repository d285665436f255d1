package dev.traffic.model;

import java.time.Instant;
import java.util.List;

/**
 * The request half of a flow. {@code path} excludes the query; {@code query} is the raw query
 * string without '?', or null. {@code httpVersion} is the client side's ("HTTP/1.1", "HTTP/2").
 * {@code userinfo} is the raw (still percent-encoded) {@code user[:password]} of an absolute URL
 * such as {@code http://user:pass@host/}, or null; it was added after the first journals were
 * written, so the 11-argument constructor (null userinfo) stays and old records read back as null.
 * It is never forwarded (RFC 9110 4.2.4), only recorded and scanned.
 */
public record FlowRequest(
        String method,
        String scheme,
        String host,
        int port,
        String path,
        String query,
        String httpVersion,
        List<Header> headers,
        Body body,
        List<Header> trailers,
        Instant end,
        String userinfo) {
    public FlowRequest {
        headers = headers == null ? List.of() : List.copyOf(headers);
        trailers = trailers == null ? List.of() : List.copyOf(trailers);
        if (body == null) body = Body.EMPTY;
        if (userinfo != null && userinfo.isEmpty()) userinfo = null;
    }

    /** Without userinfo (what every request-target but a userinfo-carrying absolute URL gives). */
    public FlowRequest(String method, String scheme, String host, int port, String path, String query,
            String httpVersion, List<Header> headers, Body body, List<Header> trailers, Instant end) {
        this(method, scheme, host, port, path, query, httpVersion, headers, body, trailers, end, null);
    }

    /** First value of a header, case-insensitive, or null. */
    public String header(String name) {
        for (Header h : headers) if (h.name().equalsIgnoreCase(name)) return h.value();
        return null;
    }

    /** Path plus "?query" when there is one. */
    public String target() {
        return query == null ? path : path + "?" + query;
    }

    /**
     * The request as an absolute URL, {@code scheme://host[:port]/path?query} (port omitted when it
     * is the scheme's default; a CONNECT's scheme is https, or http for port 80), always one that
     * {@link java.net.URI} parses: a CONNECT's or any
     * other request without an origin-form path ({@code *}, an authority, none) gets {@code /}, a
     * missing host is {@code invalid} (RFC 2606), and characters a URL may not hold are
     * percent-encoded (as UTF-8), existing {@code %XX} escapes kept.
     */
    public String url() {
        String s = scheme == null || scheme.isEmpty() ? "http" : scheme.toLowerCase(java.util.Locale.ROOT);
        // a tunnel's URL names what it reaches, whatever the proxy connection's own scheme was
        if ("CONNECT".equalsIgnoreCase(method)) s = port == 80 ? "http" : "https";
        boolean dflt = (("https".equals(s) || "wss".equals(s)) && port == 443) || (("http".equals(s) || "ws".equals(s)) && port == 80);
        String h = host == null || host.isEmpty() ? "invalid" : host;
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        h = h.indexOf(':') >= 0 ? "[" + encode(h, ":.") + "]" : encode(h, "");
        String p = path == null || !path.startsWith("/") ? "/" : encode(path, ":@/");
        String q = query == null ? "" : "?" + encode(query, ":@/?");
        return s + "://" + h + (dflt || port <= 0 ? "" : ":" + port) + p + q;
    }

    /** Percent-encodes what is not unreserved, a sub-delim or in {@code extra}; keeps valid %XX. */
    private static String encode(String v, String extra) {
        StringBuilder b = null;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean ok = (c < 128 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=".indexOf(c) >= 0 || extra.indexOf(c) >= 0))
                    || (c == '%' && i + 2 < v.length() && hex(v.charAt(i + 1)) && hex(v.charAt(i + 2)));
            if (ok) {
                if (b != null) b.append(c);
                continue;
            }
            if (b == null) b = new StringBuilder(v.length() + 16).append(v, 0, i);
            int cp = v.codePointAt(i);
            if (Character.charCount(cp) == 2) i++;
            for (byte x : new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                b.append('%').append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(x & 0xf, 16)));
            }
        }
        return b == null ? v : b.toString();
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    public FlowRequest withBody(Body b) {
        return new FlowRequest(method, scheme, host, port, path, query, httpVersion, headers, b, trailers, end, userinfo);
    }

    public FlowRequest withHeaders(List<Header> h) {
        return new FlowRequest(method, scheme, host, port, path, query, httpVersion, h, body, trailers, end, userinfo);
    }

    public FlowRequest withUserinfo(String u) {
        return new FlowRequest(method, scheme, host, port, path, query, httpVersion, headers, body, trailers, end, u);
    }

    /** {@link #url()} with the userinfo put back ({@code scheme://userinfo@host/...}), for HAR export. */
    public String urlWithUserinfo() {
        String u = url();
        if (userinfo == null) return u;
        int at = u.indexOf("://");
        return at < 0 ? u : u.substring(0, at + 3) + userinfo + "@" + u.substring(at + 3);
    }

    public FlowRequest withEnd(Instant e) {
        return new FlowRequest(method, scheme, host, port, path, query, httpVersion, headers, body, trailers, e, userinfo);
    }
}
