package dev.traffic.ca;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.traffic.ca.internal.CertProfiles;
import dev.traffic.ca.internal.HostName;
import dev.traffic.ca.internal.Keys;
import dev.traffic.ca.internal.SpareKeys;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Mints EC P-256 leaf certificates for hosts from a {@link CertificateAuthority}, with a bounded cache
 * (Caffeine) whose entries expire at half the leaf validity. Concurrent callers for one host wait for a
 * single mint. Thread-safe; proxy-core calls it from its event loops via {@link LeafKeyManager}.
 */
public final class LeafMinter {
    private final CertificateAuthority ca;
    private final LeafOptions options;
    private final java.security.PrivateKey signingKey;
    private final Cache<String, IssuedLeaf> cache;
    private final LongAdder lookups = new LongAdder();
    private final LongAdder mints = new LongAdder();
    /** Enough for a burst of new hosts (an agent's first requests); refilled in the background. */
    private final SpareKeys keys = new SpareKeys(8);

    public LeafMinter(CertificateAuthority ca) {
        this(ca, LeafOptions.defaults());
    }

    public LeafMinter(CertificateAuthority ca, LeafOptions options) {
        this.ca = ca;
        this.options = options;
        this.signingKey = Keys.forSigning(ca.issuerKey());
        this.cache = Caffeine.newBuilder()
                .maximumSize(options.cacheSize())
                .expireAfterWrite(options.cacheTtl())
                .build();
    }

    /**
     * The leaf for {@code host} (a DNS name or IPv4/IPv6 literal, optionally in brackets), from the cache
     * or freshly minted. Throws IllegalArgumentException naming the value when it is not a valid host.
     */
    public IssuedLeaf leafFor(String host) {
        IssuedLeaf hit = cache.getIfPresent(host);
        if (hit != null) {
            lookups.increment();
            return hit;
        }
        HostName name = HostName.parse(host);
        lookups.increment();
        // keyed by the canonical name so "Example.COM", "example.com." and "example.com" share one leaf
        IssuedLeaf leaf = cache.get(name.value(), k -> mint(name));
        if (!host.equals(name.value())) cache.asMap().putIfAbsent(host, leaf);
        return leaf;
    }

    private IssuedLeaf mint(HostName host) {
        mints.increment();
        KeyPair pair = keys.take();
        X509Certificate leaf = CertProfiles.leaf(host, pair.getPublic(), ca.issuerCertificate(), ca.issuerKeyId(),
                signingKey, Instant.now(), options.validity());
        List<X509Certificate> issuers = ca.issuerChain();
        X509Certificate[] chain = new X509Certificate[1 + issuers.size()];
        chain[0] = leaf;
        for (int i = 0; i < issuers.size(); i++) chain[i + 1] = issuers.get(i);
        return new IssuedLeaf(pair.getPrivate(), chain);
    }

    /** Lookups answered from the cache (including callers that waited on another caller's mint). */
    public long cacheHits() {
        return lookups.sum() - mints.sum();
    }

    /** Leaves minted. */
    public long cacheMisses() {
        return mints.sum();
    }

    /** Entries in the cache after pending evictions are applied (for tests and metrics). */
    public long cachedEntries() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    public CertificateAuthority authority() {
        return ca;
    }
}
