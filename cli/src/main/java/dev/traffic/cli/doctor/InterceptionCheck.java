package dev.traffic.cli.doctor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * An HTTPS request through HTTPS_PROXY succeeds while trusting ONLY the expected CA: so the proxy
 * intercepted it and minted the server certificate from that CA (not another proxy's, not the origin's).
 */
public final class InterceptionCheck implements DoctorCheck {
    @Override
    public String name() {
        return "interception";
    }

    @Override
    public String description() {
        return "an HTTPS request through the proxy succeeds and is signed by the expected CA";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        if (ctx.expectedCa() == null) {
            return CheckResult.fail("no expected CA: " + ctx.expectedCaProblem(),
                    "pass --ca-cert FILE (the proxy's ca.pem) or set TRAFFIC_CA_CERT");
        }
        ProxyAddress proxy = ctx.httpsProxy();
        if (proxy == null) return CheckResult.fail("HTTPS_PROXY is not set", "see proxy-reachable");
        AtomicReference<X509Certificate[]> seen = new AtomicReference<>();
        HttpClient client;
        try {
            client = HttpClient.newBuilder()
                    .proxy(ProxySelector.of(new InetSocketAddress(proxy.host(), proxy.port())))
                    .sslContext(trustingOnly(ctx.expectedCa(), seen))
                    .connectTimeout(ctx.timeout())
                    // this check is about who signs the certificate, not about HTTP/2 translation
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
        } catch (GeneralSecurityException | IOException e) {
            return CheckResult.fail("cannot set up TLS trusting the expected CA: " + e, "check --ca-cert");
        }
        HttpRequest req = HttpRequest.newBuilder(ctx.probeUrl()).timeout(ctx.timeout().multipliedBy(3)).GET().build();
        try {
            HttpResponse<Void> r = client.send(req, HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() >= 500) {
                return CheckResult.fail("GET " + ctx.probeUrl() + " through " + proxy + " answered " + r.statusCode(),
                        "the proxy could not reach the origin: check its logs and upstream network");
            }
            X509Certificate[] chain = seen.get();
            String leaf = chain == null ? "?" : chain[0].getSubjectX500Principal().getName();
            return CheckResult.pass("GET " + ctx.probeUrl() + " -> " + r.statusCode() + " via " + proxy
                    + ", certificate " + leaf + " issued under " + ctx.expectedCa().getSubjectX500Principal().getName());
        } catch (SSLHandshakeException e) {
            X509Certificate[] chain = seen.get();
            String issuer = chain == null ? "unknown" : chain[chain.length - 1].getIssuerX500Principal().getName();
            return CheckResult.fail("TLS through " + proxy + " was not signed by the expected CA (chain issued by " + issuer + ")",
                    "point HTTPS_PROXY at the traffic proxy that uses this CA, or pass the right --ca-cert");
        } catch (IOException e) {
            return CheckResult.fail("GET " + ctx.probeUrl() + " through " + proxy + " failed: " + e,
                    "check that the proxy runs and may reach " + ctx.probeUrl().getHost());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.fail("interrupted", "run again");
        }
    }

    static SSLContext trustingOnly(X509Certificate ca, AtomicReference<X509Certificate[]> seen)
            throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("traffic-ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        X509TrustManager delegate = (X509TrustManager) tmf.getTrustManagers()[0];
        X509TrustManager recording = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                delegate.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                seen.set(chain);
                delegate.checkServerTrusted(chain, authType);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return delegate.getAcceptedIssuers();
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {recording}, null);
        return ctx;
    }
}
