package dev.traffic.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The leaf profile, host validation, the cache and its single-flight minting. */
class LeafMinterTest {
    @TempDir static Path dir;
    static CertificateAuthority ca;

    @BeforeAll
    static void createCa() {
        ca = CertificateAuthority.create(dir.resolve("ca"), CaOptions.defaults(), false);
    }

    @Test
    void leafProfile() throws Exception {
        Instant before = Instant.now();
        IssuedLeaf l = new LeafMinter(ca).leafFor("api.example.com");
        X509Certificate c = l.leaf();
        assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=api.example.com");
        assertThat(c.getSubjectAlternativeNames()).containsExactly(List.of(2, "api.example.com"));
        assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(c.getKeyUsage()[0]).isTrue();
        assertThat(c.getKeyUsage()).containsOnlyOnce(true);
        assertThat(c.getCriticalExtensionOIDs()).contains("2.5.29.15");
        assertThat(c.getBasicConstraints()).isEqualTo(-1);
        assertThat(c.getExtensionValue("2.5.29.19")).isNotNull(); // CA:false present explicitly
        byte[] aki = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(c.getExtensionValue("2.5.29.35")).getOctets())
                .getKeyIdentifierOctets();
        byte[] ski = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                ca.certificate().getExtensionValue("2.5.29.14")).getOctets()).getKeyIdentifier();
        assertThat(aki).isEqualTo(ski);
        assertThat(c.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        BigInteger serial = c.getSerialNumber();
        assertThat(serial.signum()).isPositive();
        assertThat(serial.bitLength()).isLessThanOrEqualTo(159);
        Instant nb = c.getNotBefore().toInstant();
        assertThat(nb).isBetween(before.minus(Duration.ofHours(1)).minusSeconds(2), before.minus(Duration.ofMinutes(59)));
        assertThat(Duration.between(nb, c.getNotAfter().toInstant())).isLessThanOrEqualTo(Duration.ofDays(90))
                .isGreaterThan(Duration.ofDays(89));
        assertThat(((ECPublicKey) c.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(l.privateKey().getAlgorithm()).isEqualTo("EC");
        c.verify(ca.certificate().getPublicKey());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.1.2.3", "::1", "[2001:db8::5]"})
    void ipLiteralsGetIpSans(String host) throws Exception {
        X509Certificate c = new LeafMinter(ca).leafFor(host).leaf();
        List<?> san = c.getSubjectAlternativeNames().iterator().next();
        assertThat(san.get(0)).isEqualTo(7);
        String expected = java.net.InetAddress.getByName(host.replace("[", "").replace("]", "")).getHostAddress();
        assertThat(san.get(1)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "bad host", "under_score..com", "a/b", "-lead.example.com", "*.example.com",
        "1.2.3.4.5", "fe80::1%eth0", "exa mple.com"})
    void invalidHostsAreRejectedNamingTheValue(String host) {
        LeafMinter m = new LeafMinter(ca);
        assertThatThrownBy(() -> m.leafFor(host)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + host + "'");
        assertThat(m.cacheMisses()).isZero();
    }

    @Test
    void validityIsConfigurableAndCapped() throws Exception {
        X509Certificate c = new LeafMinter(ca, new LeafOptions(Duration.ofDays(200), 10)).leafFor("x.example").leaf();
        assertThat(Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(200));
        assertThatThrownBy(() -> new LeafOptions(Duration.ofDays(201), 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("200 days");
        assertThat(LeafOptions.defaults().cacheTtl()).isEqualTo(Duration.ofDays(45));
    }

    @Test
    void longNamesOmitTheCommonNameAndMarkTheSanCritical() throws Exception {
        String host = "a".repeat(60) + ".example.com";
        X509Certificate c = new LeafMinter(ca).leafFor(host).leaf();
        assertThat(c.getSubjectX500Principal().getName()).isEmpty();
        assertThat(c.getCriticalExtensionOIDs()).contains("2.5.29.17");
        assertThat(c.getSubjectAlternativeNames()).containsExactly(List.of(2, host));
    }

    @Test
    void cacheHitsAndEquivalentSpellingsShareOneLeaf() {
        LeafMinter m = new LeafMinter(ca);
        IssuedLeaf a = m.leafFor("Example.COM");
        assertThat(m.leafFor("example.com")).isSameAs(a);
        assertThat(m.leafFor("example.com.")).isSameAs(a);
        assertThat(m.leafFor("Example.COM")).isSameAs(a);
        assertThat(m.cacheMisses()).isEqualTo(1);
        assertThat(m.cacheHits()).isEqualTo(3);
    }

    @Test
    void concurrentCallersForOneHostMintOnce() throws Exception {
        LeafMinter m = new LeafMinter(ca);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<IssuedLeaf>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return m.leafFor("same.example.com");
                }));
            }
            assertThat(ready.await(20, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            IssuedLeaf first = results.get(0).get(20, TimeUnit.SECONDS);
            for (Future<IssuedLeaf> f : results) assertThat(f.get(20, TimeUnit.SECONDS)).isSameAs(first);
            assertThat(m.cacheMisses()).isEqualTo(1);
            assertThat(m.cacheHits()).isEqualTo(threads - 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void differentHostsGetDifferentSerialsAndKeys() {
        LeafMinter m = new LeafMinter(ca);
        Set<BigInteger> serials = new HashSet<>();
        Set<java.security.PublicKey> keys = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            IssuedLeaf l = m.leafFor("h" + i + ".example.com");
            serials.add(l.leaf().getSerialNumber());
            keys.add(l.leaf().getPublicKey());
        }
        assertThat(serials).hasSize(50);
        assertThat(keys).hasSize(50);
        assertThat(m.cacheMisses()).isEqualTo(50);
    }

    @Test
    void boundedCacheEvicts() {
        LeafMinter m = new LeafMinter(ca, new LeafOptions(Duration.ofDays(90), 2));
        for (int i = 0; i < 20; i++) m.leafFor("h" + i + ".example.com");
        // Caffeine evicts asynchronously on its maintenance pass; the bound holds after cleanUp
        assertThat(m.cacheMisses()).isEqualTo(20);
        assertThat(m.cachedEntries()).isLessThanOrEqualTo(2);
    }
}
