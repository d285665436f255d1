package dev.traffic.cli.doctor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The HTTP client the checks send through the proxy with: HTTPS_PROXY from the sandbox's
 * environment (none when unset, for a server reached directly in tests), trusting only the expected
 * CA, HTTP/1.1, bounded connect time.
 */
final class ProxiedHttp {
    private ProxiedHttp() {}

    static HttpClient client(DoctorContext ctx) throws GeneralSecurityException, IOException {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(ctx.timeout());
        ProxyAddress proxy = ctx.httpsProxy();
        if (proxy != null) b.proxy(ProxySelector.of(new InetSocketAddress(proxy.host(), proxy.port())));
        if (ctx.expectedCa() != null) {
            b.sslContext(InterceptionCheck.trustingOnly(ctx.expectedCa(), new AtomicReference<X509Certificate[]>()));
        }
        return b.build();
    }

    /** "via http://host:port" or "directly", for details. */
    static String via(DoctorContext ctx) {
        ProxyAddress p = ctx.httpsProxy();
        return p == null ? "directly (HTTPS_PROXY unset)" : "via " + p;
    }
}
