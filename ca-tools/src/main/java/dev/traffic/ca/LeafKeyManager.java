package dev.traffic.ca;

import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * One server-side key manager for ALL hosts: proxy-core builds a single SslContext/SSLContext from it and
 * the leaf is picked per handshake for the host: the SNI name from the ClientHello, else the
 * engine's peer host (proxy-core passes the CONNECT host when it creates the engine; for an SSLSocket,
 * the local address the client connected to). The alias names one minted leaf, {@code host#serial}
 * (serial in base 36): a re-minted leaf gets a new alias, so key material cached per alias (Netty's
 * {@code OpenSslCachingX509KeyManagerFactory}) is never served stale. A bare host as alias means the
 * host's current leaf. Key types asked for
 * by the JDK ("EC") and by Netty's OpenSSL provider ("EC", "EC_EC", and the cipher auth names) are
 * accepted; RSA requests get no alias so the handshake negotiates ECDSA.
 * <p>Checked with Netty's BoringSSL provider (SslContextBuilder.forServer(asFactory())), TLS 1.2 and 1.3,
 * with and without SNI, and wrapped in Netty's {@code OpenSslCachingX509KeyManagerFactory} (which caches
 * the native key material per alias, saving its PEM encoding and parsing on every handshake).
 */
public final class LeafKeyManager extends X509ExtendedKeyManager {
    private static final Set<String> EC_KEY_TYPES = Set.of("EC", "EC_EC", "ECDSA", "ECDHE_ECDSA", "ECDH_ECDSA");

    private final LeafMinter minter;
    /**
     * The leaf chosen last on this thread: getCertificateChain and getPrivateKey follow chooseXxxAlias on
     * the same thread, and reading it back guarantees key and chain belong together even if the cache
     * evicted and re-minted the host in between.
     */
    private final ThreadLocal<Chosen> lastChosen = new ThreadLocal<>();

    private record Chosen(String alias, IssuedLeaf leaf) {}

    public LeafKeyManager(LeafMinter minter) {
        this.minter = minter;
    }

    /** The minter behind this key manager (so a server can mint a host's leaf ahead of its handshake). */
    public LeafMinter minter() {
        return minter;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        if (engine == null) return null;
        return choose(keyType, serverName(engine.getHandshakeSession()), engine.getPeerHost());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        if (!(socket instanceof SSLSocket ssl)) return null;
        // a server socket has no CONNECT host: fall back to the address the client dialed
        String local = ssl.getLocalAddress() == null ? null : ssl.getLocalAddress().getHostAddress();
        if (local != null && local.indexOf('%') >= 0) local = local.substring(0, local.indexOf('%'));
        return choose(keyType, serverName(ssl.getHandshakeSession()), local);
    }

    private String choose(String keyType, String sni, String peerHost) {
        if (keyType == null || !EC_KEY_TYPES.contains(keyType)) return null;
        String host = sni != null ? sni : peerHost;
        if (host == null || host.isEmpty()) return null;
        try {
            IssuedLeaf leaf = minter.leafFor(host);
            String alias = host + '#' + leaf.leaf().getSerialNumber().toString(Character.MAX_RADIX);
            lastChosen.set(new Chosen(alias, leaf));
            return alias;
        } catch (IllegalArgumentException e) {
            return null; // not a host we can mint for: the handshake fails with no certificate
        }
    }

    private static String serverName(SSLSession session) {
        if (!(session instanceof ExtendedSSLSession ext)) return null;
        List<SNIServerName> names;
        try {
            names = ext.getRequestedServerNames();
        } catch (UnsupportedOperationException e) {
            return null;
        }
        if (names == null) return null;
        for (SNIServerName n : names) {
            if (n instanceof SNIHostName h) return h.getAsciiName();
            if (n.getType() == 0) return new SNIHostName(n.getEncoded()).getAsciiName();
        }
        return null;
    }

    private IssuedLeaf leaf(String alias) {
        if (alias == null) return null;
        Chosen c = lastChosen.get();
        if (c != null && c.alias().equals(alias)) return c.leaf();
        int hash = alias.indexOf('#');
        try {
            IssuedLeaf current = minter.leafFor(hash < 0 ? alias : alias.substring(0, hash));
            if (hash < 0) return current;
            // a specific leaf: only if it is still the host's current one (never another leaf's key under its name)
            String serial = alias.substring(hash + 1);
            return current.leaf().getSerialNumber().toString(Character.MAX_RADIX).equals(serial) ? current : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        IssuedLeaf l = leaf(alias);
        return l == null ? null : l.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        IssuedLeaf l = leaf(alias);
        return l == null ? null : l.privateKey();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null; // aliases are hosts, known only per handshake
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    /** A KeyManagerFactory whose only key manager is this one (for Netty's SslContextBuilder.forServer). */
    public KeyManagerFactory asFactory() {
        return new Factory(this);
    }

    private static final class Factory extends KeyManagerFactory {
        private static final Provider PROVIDER = new Provider("traffic-leaf", "1.0", "traffic leaf key manager") {};

        Factory(LeafKeyManager km) {
            super(new Spi(km), PROVIDER, "traffic-leaf");
        }
    }

    private static final class Spi extends KeyManagerFactorySpi {
        private final KeyManager[] managers;

        Spi(LeafKeyManager km) {
            this.managers = new KeyManager[] {km};
        }

        @Override
        protected void engineInit(KeyStore ks, char[] password) {
            // nothing to load: keys are minted per host
        }

        @Override
        protected void engineInit(ManagerFactoryParameters spec) {
            // nothing to load: keys are minted per host
        }

        @Override
        protected KeyManager[] engineGetKeyManagers() {
            return managers.clone();
        }
    }
}
