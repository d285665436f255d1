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
    public static final UpstreamProxySettings DIRECT = new UpstreamProxySettings(null, null, List.of());

    private final InetSocketAddress httpProxy;
    private final InetSocketAddress httpsProxy;
    private final List<HostGlob> noProxy;

    private UpstreamProxySettings(InetSocketAddress httpProxy, InetSocketAddress httpsProxy, List<HostGlob> noProxy) {
        this.httpProxy = httpProxy;
        this.httpsProxy = httpsProxy;
        this.noProxy = List.copyOf(noProxy);
    }

    /** One proxy for everything (the {@code --upstream-proxy http://host:port} option); NO_PROXY still applies. */
    public static UpstreamProxySettings explicit(String url, Map<String, String> env) {
        InetSocketAddress a = parse(url, "--upstream-proxy");
        return new UpstreamProxySettings(a, a, noProxy(env));
    }

    /** From the environment; absent variables mean direct. */
    public static UpstreamProxySettings fromEnvironment(Map<String, String> env) {
        String https = get(env, "HTTPS_PROXY");
        String http = get(env, "HTTP_PROXY");
        return new UpstreamProxySettings(
                http == null ? null : parse(http, "HTTP_PROXY"),
                https == null ? null : parse(https, "HTTPS_PROXY"),
                noProxy(env));
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
