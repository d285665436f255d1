package dev.traffic.proxy.client;

import dev.traffic.proxy.net.Target;

/**
 * The request-target split for forwarding and recording: the target plus the origin-form
 * ({@code /path?query}) sent upstream. Absolute-form comes from plain-proxy clients; origin-form
 * from requests inside an intercepted tunnel (the target then is the tunnel's).
 *
 * <p>{@code userinfo}: an absolute-form target may carry {@code user:pass@} (RFC 9110 4.2.4
 * deprecates it and forbids senders to generate it, but raw clients and scripts do). It is
 * accepted, recorded and scanned, and never forwarded: the upstream gets the origin-form and a Host
 * built from the target. (curl itself turns URL credentials into {@code Authorization: Basic}.)
 * Origin-form, CONNECT's authority-form and Host headers have no userinfo: null.
 */
public record RequestLine(Target target, String originForm, String path, String query, String userinfo) {

    /** Parses {@code http://[userinfo@]host[:port]/path?query}; null when it is not a usable absolute http URL. */
    public static RequestLine parseAbsolute(String uri) {
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd <= 0) return null;
        String scheme = uri.substring(0, schemeEnd).toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) return null;
        int authStart = schemeEnd + 3;
        int pathStart = authStart;
        while (pathStart < uri.length() && "/?#".indexOf(uri.charAt(pathStart)) < 0) pathStart++;
        String authority = uri.substring(authStart, pathStart);
        String userinfo = null;
        int at = authority.lastIndexOf('@'); // as curl and browsers: the host is what follows the last '@'
        if (at >= 0) {
            userinfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            for (int i = 0; i < userinfo.length(); i++) {
                char c = userinfo.charAt(i);
                if (c <= ' ' || c == 0x7f) return null;
            }
        }
        Target t = Target.parseAuthority(authority, scheme);
        if (t == null) return null;
        RequestLine origin = parseOrigin(pathStart < uri.length() ? uri.substring(pathStart) : "/", t);
        return origin == null || userinfo == null ? origin
                : new RequestLine(t, origin.originForm(), origin.path(), origin.query(), userinfo);
    }

    /** Parses origin-form for a known target; null when it does not start with '/' (or is '*'). */
    public static RequestLine parseOrigin(String uri, Target target) {
        String u = uri;
        int hash = u.indexOf('#');
        if (hash >= 0) u = u.substring(0, hash);
        if (u.isEmpty() || u.startsWith("?")) u = "/" + u;
        if (!u.startsWith("/")) return null;
        for (int i = 0; i < u.length(); i++) {
            char c = u.charAt(i);
            if (c <= ' ' || c == 0x7f) return null;
        }
        int q = u.indexOf('?');
        String path = q < 0 ? u : u.substring(0, q);
        String query = q < 0 ? null : u.substring(q + 1);
        return new RequestLine(target, u, path, query, null);
    }
}
