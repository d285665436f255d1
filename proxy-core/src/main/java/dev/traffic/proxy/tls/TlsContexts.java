package dev.traffic.proxy.tls;

import dev.traffic.proxy.connect.ClientHello;

import dev.traffic.ca.LeafKeyManager;
import dev.traffic.ca.LeafMinter;

import dev.traffic.match.HostGlob;
import dev.traffic.proxy.ProxyConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the proxy's SSL contexts once: the server context for intercepted clients (leaf chosen
 * per SNI / CONNECT host by the ca-tools key manager) and two client contexts for upstreams: the
 * verifying one (JDK roots plus {@code --upstream-ca}, hostname verification on) and the
 * insecure one used only for {@code --insecure-upstream} hosts.
 */
public final class TlsContexts {
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

    private final SslProvider provider;
    private final SslContext server;
    private final SslContext upstreamVerified;
    private final SslContext upstreamInsecure;
    private final SslContext upstreamVerifiedHttp1;
    private final SslContext upstreamInsecureHttp1;
    private final List<HostGlob> insecureHosts;
    private final LeafMinter minter;

    public TlsContexts(ProxyConfig cfg) throws IOException, GeneralSecurityException {
        this.provider = chooseProvider(cfg.tlsProvider());
        this.insecureHosts = cfg.insecureUpstream();
        this.server = cfg.interceptKeys() == null ? null : serverContext(cfg.interceptKeys(), provider);
        this.minter = minterOf(cfg.interceptKeys());
        X509ExtendedTrustManager trust = new NamingTrustManager(trustManager(cfg.upstreamCaFiles()));
        this.upstreamVerified = upstreamContext(provider, trust, AlpnPolicy.H2_OR_HTTP1);
        this.upstreamInsecure = upstreamContext(provider, null, AlpnPolicy.H2_OR_HTTP1);
        this.upstreamVerifiedHttp1 = upstreamContext(provider, trust, AlpnPolicy.HTTP1_ONLY);
        this.upstreamInsecureHttp1 = upstreamContext(provider, null, AlpnPolicy.HTTP1_ONLY);
        for (HostGlob g : insecureHosts) {
            log.warn("UPSTREAM TLS VERIFICATION DISABLED for hosts matching '{}' (--insecure-upstream)", g);
        }
    }

    public SslProvider provider() {
        return provider;
    }

    /** The server context for intercepted clients, or null when no interception keys were given. */
    public SslContext server() {
        return server;
    }

    /**
     * Mints (or finds cached) the leaf for {@code host} on {@code executor}, so that the client's
     * handshake, which needs it, finds it ready: called when a CONNECT is accepted, minting then
     * overlaps the round trip until the ClientHello arrives. The returned future completes (never
     * exceptionally) when the attempt is over; the tunnel holds the ClientHello back until then, so
     * the event loop is not blocked inside the handshake waiting for this mint (the minter's cache
     * computes each host once) and can drive the upstream connection meanwhile. Null when there is
     * nothing to mint.
     */
    public CompletableFuture<Void> premint(String host, Executor executor) {
        if (minter == null || server == null) return null;
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    minter.leafFor(host);
                } catch (RuntimeException e) {
                    log.debug("pre-minting a leaf for {} failed: {}", host, e.toString()); // the handshake will say
                } finally {
                    done.complete(null);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null; // shutting down: the handshake mints if it still happens
        }
        return done;
    }

    /** The minter behind the interception keys, or null when there are none. */
    public LeafMinter minter() {
        return minter;
    }

    private static LeafMinter minterOf(KeyManagerFactory kmf) {
        if (kmf == null) return null;
        for (KeyManager km : kmf.getKeyManagers()) if (km instanceof LeafKeyManager l) return l.minter();
        return null;
    }

    public boolean insecureFor(String host) {
        for (HostGlob g : insecureHosts) if (g.matches(host)) return true;
        return false;
    }

    public SslContext upstream(String host) {
        return upstream(host, AlpnPolicy.H2_OR_HTTP1);
    }

    /** The upstream context for {@code host} offering the protocols of {@code keyAlpn} (see {@link AlpnPolicy}). */
    public SslContext upstream(String host, String keyAlpn) {
        boolean h1 = AlpnPolicy.HTTP1_ONLY.equals(keyAlpn);
        if (insecureFor(host)) return h1 ? upstreamInsecureHttp1 : upstreamInsecure;
        return h1 ? upstreamVerifiedHttp1 : upstreamVerified;
    }

    /** trust == null: no verification (only for --insecure-upstream hosts). */
    static SslContext upstreamContext(SslProvider provider, X509ExtendedTrustManager trust, String keyAlpn)
            throws SSLException {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider)
                .applicationProtocolConfig(AlpnPolicy.config(AlpnPolicy.upstreamProtocols(keyAlpn)));
        if (trust == null) b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        else b.trustManager(trust).endpointIdentificationAlgorithm("HTTPS");
        return b.build();
    }

    static SslProvider chooseProvider(ProxyConfig.TlsProvider wanted) {
        if (wanted == ProxyConfig.TlsProvider.JDK) return SslProvider.JDK;
        if (OpenSsl.isAvailable()) return SslProvider.OPENSSL;
        if (wanted == ProxyConfig.TlsProvider.OPENSSL) {
            throw new IllegalStateException("OpenSSL (BoringSSL) TLS requested but not available: "
                    + OpenSsl.unavailabilityCause());
        }
        log.info("BoringSSL not available ({}); using the JDK TLS provider", String.valueOf(OpenSsl.unavailabilityCause()));
        return SslProvider.JDK;
    }

    /**
     * BoringSSL: the key manager is wrapped in Netty's caching factory, so each leaf's key and chain
     * are converted to native form once instead of being PEM-encoded and parsed on every handshake
     * (about a sixth of the event loop's time per new connection to a known host). Safe because
     * {@link dev.traffic.ca.LeafKeyManager} names every minted leaf with its own alias (a re-minted
     * leaf is a new entry). The cache holds at most {@link #CACHED_LEAF_MATERIAL} entries (a few KB of
     * native memory each); beyond that, handshakes convert per connection as before.
     */
    static SslContext serverContext(KeyManagerFactory kmf, SslProvider provider) throws SSLException {
        KeyManagerFactory keys = provider == SslProvider.JDK ? kmf
                : new OpenSslCachingX509KeyManagerFactory(kmf, CACHED_LEAF_MATERIAL);
        return SslContextBuilder.forServer(keys)
                .sslProvider(provider)
                .applicationProtocolConfig(AlpnPolicy.config(AlpnPolicy.clientProtocols()))
                .build();
    }

    static final int CACHED_LEAF_MATERIAL = 1024;

    /** JDK default roots plus the extra CA files, in one PKIX trust manager. */
    static X509ExtendedTrustManager trustManager(List<Path> extraCaFiles) throws IOException, GeneralSecurityException {
        TrustManagerFactory dflt = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        dflt.init((KeyStore) null);
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (TrustManager tm : dflt.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                for (X509Certificate c : x.getAcceptedIssuers()) ks.setCertificateEntry("jdk-" + i++, c);
            }
        }
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (Path p : extraCaFiles) {
            int n = 0;
            try (InputStream in = Files.newInputStream(p)) {
                for (Certificate c : cf.generateCertificates(in)) {
                    ks.setCertificateEntry("extra-" + i++, c);
                    n++;
                }
            } catch (java.security.cert.CertificateException e) {
                throw new IllegalArgumentException("--upstream-ca " + p + ": not a PEM certificate file (" + e.getMessage() + ")");
            }
            if (n == 0) throw new IllegalArgumentException("--upstream-ca " + p + ": no certificate found");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) return x;
        }
        throw new GeneralSecurityException("no X509ExtendedTrustManager available");
    }
}
