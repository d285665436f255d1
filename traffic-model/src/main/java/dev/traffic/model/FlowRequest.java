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

    /** scheme://host[:port]/path?query, port omitted when it is the scheme's default. */
    public String url() {
        boolean dflt = ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80)
                || ("wss".equals(scheme) && port == 443) || ("ws".equals(scheme) && port == 80);
        String h = host != null && host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return scheme + "://" + h + (dflt || port <= 0 ? "" : ":" + port) + target();
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
