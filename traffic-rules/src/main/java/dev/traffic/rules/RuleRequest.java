package dev.traffic.rules;

import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import dev.traffic.match.HostGlob;
import dev.traffic.rules.internal.Paths;
import dev.traffic.rules.internal.ReceivePack;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as the rules see it. What only some rules need (the normalised path, the query and
 * form parameters, the git commands) is worked out on first use, so a request no rule looks at
 * closely costs a few field reads. Not thread-safe: one per request.
 */
public final class RuleRequest {
    private final String method;
    private final String host;
    private final int port;
    private final String rawPath;
    private final String rawQuery;
    private final List<Header> headers;
    private final byte[] body;
    private final boolean bodyTruncated;
    private final List<GitUpdate> givenUpdates;

    private String[] segments;
    private List<Map.Entry<String, String>> query;
    private List<Map.Entry<String, String>> form;
    private ReceivePack.Request push;
    private ReceivePack.Unreadable pushError;

    private RuleRequest(String method, String host, int port, String rawPath, String rawQuery, List<Header> headers,
            byte[] body, boolean bodyTruncated, List<GitUpdate> givenUpdates) {
        this.method = method == null ? "" : method.toUpperCase(Locale.ROOT);
        this.host = host == null ? "" : HostGlob.normalize(host);
        this.port = port;
        this.rawPath = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        this.rawQuery = rawQuery;
        this.headers = headers == null ? List.of() : headers;
        this.body = body == null ? new byte[0] : body;
        this.bodyTruncated = bodyTruncated;
        this.givenUpdates = givenUpdates;
    }

    /** The request a stage saw: its held body prefix is what the git and form matchers read. */
    public static RuleRequest of(FlowRequest r) {
        return new RuleRequest(r.method(), r.host(), r.port(), r.path(), r.query(), r.headers(),
                r.body().recorded(), r.body().truncated(), null);
    }

    /** A request described by hand ({@code traffic policy explain}); {@code updates} stand for a push body. */
    public static RuleRequest of(String method, String host, int port, String path, String query, List<Header> headers,
            byte[] body, List<GitUpdate> updates) {
        return new RuleRequest(method, host, port, path, query, headers, body, false, updates);
    }

    public String method() {
        return method;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    String[] segments() {
        if (segments == null) segments = Paths.segments(rawPath);
        return segments;
    }

    /** Every value of a header, case-insensitive name. */
    List<String> headerValues(String name) {
        List<String> out = null;
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                if (out == null) out = new ArrayList<>(1);
                out.add(h.value());
            }
        }
        return out == null ? List.of() : out;
    }

    String header(String name) {
        for (Header h : headers) if (h.name().equalsIgnoreCase(name)) return h.value();
        return null;
    }

    List<Map.Entry<String, String>> query() {
        if (query == null) query = params(rawQuery);
        return query;
    }

    /** Form parameters of an application/x-www-form-urlencoded body (the held prefix). */
    List<Map.Entry<String, String>> form() {
        if (form == null) {
            String ct = header("content-type");
            boolean isForm = ct != null && ct.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
            form = isForm ? params(new String(body, StandardCharsets.ISO_8859_1)) : List.of();
        }
        return form;
    }

    /** Whether the request is a git push (POST .../git-receive-pack) or carries hand-given updates. */
    boolean isGitPush() {
        return givenUpdates != null || ReceivePack.isPush(method, segments());
    }

    /** The push's ref updates; throws when the body cannot be read completely (the caller fails closed). */
    List<GitUpdate> gitUpdates() throws ReceivePack.Unreadable {
        if (givenUpdates != null) return givenUpdates;
        if (push == null && pushError == null) {
            try {
                push = ReceivePack.parse(body, bodyTruncated, header("content-encoding"));
            } catch (ReceivePack.Unreadable e) {
                pushError = e;
            }
        }
        if (pushError != null) throw pushError;
        return push.updates();
    }

    static List<Map.Entry<String, String>> params(String raw) {
        if (raw == null || raw.isEmpty()) return List.of();
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.add(Map.entry(decode(k), decode(v)));
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape is matched as written
        }
    }
}
