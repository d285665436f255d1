package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.ca.LeafKeyManager;
import dev.traffic.ca.LeafMinter;
import dev.traffic.ca.LeafOptions;
import dev.traffic.proxy.testing.Connect;
import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server context caches each leaf's native key material (BoringSSL), keyed by the leaf, not the
 * host: a host whose leaf was re-minted is served the new leaf.
 */
@ExtendWith(LeakCheck.class)
class LeafMaterialCacheTest {
    @TempDir Path dir;

    @Test
    void aReMintedLeafIsServedNotTheCachedOne() throws Exception {
        TestPki pki = new TestPki(dir);
        // a leaf cache of one: minting for a second host evicts the first, which is then re-minted
        LeafMinter minter = new LeafMinter(pki.proxyCa, new LeafOptions(LeafOptions.DEFAULT_VALIDITY, 1));
        try (ProxyFixture p = new ProxyFixture(dir, b -> b.interceptKeys(new LeafKeyManager(minter).asFactory()))) {
            BigInteger first = served(p, pki, "localhost");
            assertThat(served(p, pki, "localhost")).as("the same leaf while it is cached").isEqualTo(first);
            served(p, pki, "127.0.0.1");
            assertThat(minter.cachedEntries()).isEqualTo(1); // localhost's leaf is gone from the minter
            BigInteger again = served(p, pki, "localhost");
            assertThat(again).isNotEqualTo(first)
                    .isEqualTo(minter.leafFor("localhost").leaf().getSerialNumber());
            assertThat(minter.cacheMisses()).isEqualTo(3);
        }
    }

    /** CONNECT host:1 (nothing listens there: only our side of the handshake matters) and the leaf's serial. */
    private static BigInteger served(ProxyFixture p, TestPki pki, String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", p.port())) {
            Connect.open(s, host + ":1");
            try (SSLSocket tls = (SSLSocket) TestPki.clientContext(pki.proxyCaPem()).getSocketFactory()
                    .createSocket(s, host, 1, true)) {
                tls.startHandshake();
                return ((X509Certificate) tls.getSession().getPeerCertificates()[0]).getSerialNumber();
            }
        }
    }
}
