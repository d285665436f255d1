package dev.traffic.proxy.internal;

/**
 * The request-target split for forwarding and recording: the target plus the origin-form
 * ({@code /path?query}) sent upstream. Absolute-form comes from plain-proxy clients; origin-form
 * from requests inside an intercepted tunnel (the target then is the tunnel's).
 */
public record RequestLine(Target target, String originForm, String path, String query) {

    /** Parses {@code http://host[:port]/path?query}; null when it is not a usable absolute http URL. */
    public static RequestLine parseAbsolute(String uri) {
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd <= 0) return null;
        String scheme = uri.substring(0, schemeEnd).toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) return null;
        int authStart = schemeEnd + 3;
        int pathStart = authStart;
        while (pathStart < uri.length() && "/?#".indexOf(uri.charAt(pathStart)) < 0) pathStart++;
        String authority = uri.substring(authStart, pathStart);
        if (authority.indexOf('@') >= 0) return null; // userinfo in a request-target is not allowed
        Target t = Target.parseAuthority(authority, scheme);
        if (t == null) return null;
        RequestLine origin = parseOrigin(pathStart < uri.length() ? uri.substring(pathStart) : "/", t);
        return origin;
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
        return new RequestLine(target, u, path, query);
    }
}
