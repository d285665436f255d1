package dev.traffic.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A minted leaf: its EC P-256 private key and the chain to serve, {@code chain[0]} the leaf followed by
 * {@link CertificateAuthority#issuerChain()}; the root is not included (clients already trust it).
 * Shared between handshakes: callers must not modify the array.
 */
public record IssuedLeaf(PrivateKey privateKey, X509Certificate[] chain) {
    public X509Certificate leaf() {
        return chain[0];
    }
}
