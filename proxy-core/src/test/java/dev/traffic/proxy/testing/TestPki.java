package dev.traffic.proxy.testing;

import dev.traffic.ca.CaOptions;
import dev.traffic.ca.CertificateAuthority;
import dev.traffic.ca.IssuedLeaf;
import dev.traffic.ca.LeafKeyManager;
import dev.traffic.ca.LeafMinter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import javax.net.ssl.KeyManagerFactory;

/**
 * Test PKI from ca-tools: the proxy's interception CA, and a separate "upstream" CA whose leaves
 * test upstream servers present (trusted by the proxy through --upstream-ca, or not).
 */
public final class TestPki {
    public final CertificateAuthority proxyCa;
    public final CertificateAuthority upstreamCa;

    public TestPki(Path dir) {
        this.proxyCa = CertificateAuthority.loadOrCreate(dir.resolve("proxy-ca"), CaOptions.defaults());
        this.upstreamCa = CertificateAuthority.loadOrCreate(dir.resolve("upstream-ca"), CaOptions.defaults());
    }

    public KeyManagerFactory interceptKeys() {
        return new LeafKeyManager(new LeafMinter(proxyCa)).asFactory();
    }

    public Path proxyCaPem() {
        return proxyCa.certificateFile();
    }

    public Path upstreamCaPem() {
        return upstreamCa.certificateFile();
    }

    /** A JDK SSLContext trusting only the given PEM CA (a client of the proxy, or of an upstream). */
    public static javax.net.ssl.SSLContext clientContext(Path caPem) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(caPem)) {
            int i = 0;
            for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A server context for a test upstream, its leaf for {@code host} minted by {@code ca}. */
    public static SslContext serverContext(CertificateAuthority ca, String host) throws Exception {
        IssuedLeaf leaf = new LeafMinter(ca).leafFor(host);
        return SslContextBuilder.forServer(leaf.privateKey(), leaf.chain()).build();
    }
}
