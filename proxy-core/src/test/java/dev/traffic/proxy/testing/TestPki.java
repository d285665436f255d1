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

    /** A server context for a test upstream, its leaf for {@code host} minted by {@code ca}. */
    public static SslContext serverContext(CertificateAuthority ca, String host) throws Exception {
        IssuedLeaf leaf = new LeafMinter(ca).leafFor(host);
        return SslContextBuilder.forServer(leaf.privateKey(), leaf.chain()).build();
    }
}
