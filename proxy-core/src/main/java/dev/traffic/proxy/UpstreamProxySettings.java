package dev.traffic.proxy;

import dev.traffic.match.HostGlob;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the proxy's own upstream connections go: direct, or through an HTTP proxy (CONNECT),
 * chosen per destination host with {@code NO_PROXY}. Built from {@code --upstream-proxy} or from
 * {@code HTTPS_PROXY}/{@code HTTP_PROXY}/{@code NO_PROXY} (either case) of the proxy's environment.
 */
public final class UpstreamProxySettings {
    public static final UpstreamProxySettings DIRECT = new UpstreamProxySettings(null, null, List.of(), null, null);

    private final InetSocketAddress httpProxy;
    private final InetSocketAddress httpsProxy;
    private final List<HostGlob> noProxy;
    /** Where each proxy came from: {@code --upstream-proxy} or the variable's name as set. */
    private final String httpSource;
    private final String httpsSource;

    private UpstreamProxySettings(InetSocketAddress httpProxy, InetSocketAddress httpsProxy, List<HostGlob> noProxy,
            String httpSource, String httpsSource) {
        this.httpProxy = httpProxy;
        this.httpsProxy = httpsProxy;
        this.noProxy = List.copyOf(noProxy);
        this.httpSource = httpProxy == null ? null : httpSource;
        this.httpsSource = httpsProxy == null ? null : httpsSource;
    }

    /** One proxy for everything (the {@code --upstream-proxy http://host:port} option); NO_PROXY still applies. */
    public static UpstreamProxySettings explicit(String url, Map<String, String> env) {
        InetSocketAddress a = parse(url, "--upstream-proxy");
        return new UpstreamProxySettings(a, a, noProxy(env), "--upstream-proxy", "--upstream-proxy");
    }

    /** From the environment; absent variables mean direct. */
    public static UpstreamProxySettings fromEnvironment(Map<String, String> env) {
        String httpsName = name(env, "HTTPS_PROXY");
        String httpName = name(env, "HTTP_PROXY");
        return new UpstreamProxySettings(
                httpName == null ? null : parse(env.get(httpName).trim(), httpName),
                httpsName == null ? null : parse(env.get(httpsName).trim(), httpsName),
                noProxy(env), httpName, httpsName);
    }

    /**
     * These settings with any proxy that is this proxy's own listener {@code listen} taken out: a
     * proxy from the environment is dropped (direct instead) with a warning to {@code warn}, since a
     * shell that exported HTTPS_PROXY for its clients also exports it to the proxy; an explicit
     * {@code --upstream-proxy} is refused (IllegalArgumentException), as it can only be a mistake.
     * Without this every request would loop back into the proxy. A port-0 listener matches nothing.
     */
    public UpstreamProxySettings withoutOwnListener(InetSocketAddress listen, java.util.function.Consumer<String> warn) {
        boolean http = OwnListener.is(httpProxy, listen);
        boolean https = OwnListener.is(httpsProxy, listen);
        if (!http && !https) return this;
        String where = " is this proxy's own listener (--listen " + show(listen) + "): every request would come back to it";
        if ("--upstream-proxy".equals(http ? httpSource : httpsSource)) {
            throw new IllegalArgumentException("--upstream-proxy " + show(http ? httpProxy : httpsProxy) + where
                    + "; point it at another proxy or leave it out");
        }
        if (http) warn.accept("ignoring " + httpSource + "=" + show(httpProxy) + ": it" + where + "; plain HTTP goes direct");
        if (https) warn.accept("ignoring " + httpsSource + "=" + show(httpsProxy) + ": it" + where + "; HTTPS goes direct");
        return new UpstreamProxySettings(http ? null : httpProxy, https ? null : httpsProxy, noProxy, httpSource, httpsSource);
    }

    /** One line for the start-up log: which upstream proxy is used and where it came from. */
    public String describe() {
        if (isDirect()) return "direct (no --upstream-proxy; no HTTPS_PROXY/HTTP_PROXY, or only ones pointing at this proxy)";
        StringBuilder b = new StringBuilder();
        b.append("https: ").append(httpsProxy == null ? "direct" : show(httpsProxy) + " (from " + httpsSource + ")");
        b.append(", http: ").append(httpProxy == null ? "direct" : show(httpProxy) + " (from " + httpSource + ")");
        if (!noProxy.isEmpty()) b.append(", not for NO_PROXY hosts ").append(noProxy);
        return b.toString();
    }

    private static String show(InetSocketAddress a) {
        String h = a.getHostString();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    /** The proxy to use for this destination, or null to go direct. */
    public InetSocketAddress proxyFor(String host, boolean tls) {
        InetSocketAddress p = tls ? httpsProxy : httpProxy;
        if (p == null) return null;
        for (HostGlob g : noProxy) if (g.matches(host)) return null;
        return p;
    }

    public boolean isDirect() {
        return httpProxy == null && httpsProxy == null;
    }

    @Override
    public String toString() {
        return isDirect() ? "direct" : "http=" + httpProxy + " https=" + httpsProxy + " no_proxy=" + noProxy;
    }

    /** The name of the set variable, upper case first, else lower case; null when neither is set. */
    private static String name(Map<String, String> env, String upper) {
        String v = env.get(upper);
        if (v != null && !v.isBlank()) return upper;
        String lower = upper.toLowerCase(Locale.ROOT);
        v = env.get(lower);
        return v != null && !v.isBlank() ? lower : null;
    }

    private static String get(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) v = env.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static List<HostGlob> noProxy(Map<String, String> env) {
        String v = get(env, "NO_PROXY");
        List<HostGlob> out = new ArrayList<>();
        if (v == null) return out;
        for (String part : v.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            if (p.equals("*")) {
                out.add(HostGlob.of("*"));
                continue;
            }
            int colon = p.lastIndexOf(':');
            if (colon > 0 && p.indexOf(':') == colon) p = p.substring(0, colon); // host:port -> host
            if (p.startsWith(".")) p = p.substring(1);
            // curl/Go semantics: "example.com" also covers its subdomains
            out.add(HostGlob.of(p));
            if (!p.contains("*") && !p.contains("/") && Character.isLetter(p.charAt(p.length() - 1)))
                out.add(HostGlob.of("*." + p));
        }
        return out;
    }

    private static InetSocketAddress parse(String url, String what) {
        String u = url.contains("://") ? url : "http://" + url;
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": invalid proxy URL '" + url + "'");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()))
            throw new IllegalArgumentException(what + ": only http:// proxies are supported, got '" + url + "'");
        if (uri.getHost() == null) throw new IllegalArgumentException(what + ": no host in '" + url + "'");
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        return InetSocketAddress.createUnresolved(uri.getHost(), port);
    }
}
