package dev.traffic.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.traffic.ca.internal.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Leaves verify under the strictest validators we have: {@code openssl verify -x509_strict} (with
 * purpose and host checks) and the JDK's PKIX CertPathValidator, from the root and through a
 * name-constrained intermediate; hosts outside the permitted domains fail.
 */
class VerificationTest {
    @TempDir static Path dir;
    static CertificateAuthority plain;
    static CertificateAuthority rsa;
    static CertificateAuthority constrained;

    @BeforeAll
    static void createCas() {
        plain = CertificateAuthority.create(dir.resolve("plain"), CaOptions.defaults(), false);
        rsa = CertificateAuthority.create(dir.resolve("rsa"), CaOptions.defaults().withKeyType(KeyType.RSA), false);
        constrained = CertificateAuthority.create(dir.resolve("constrained"),
                CaOptions.defaults().withPermittedDomains(List.of("example.com", "internal.test")), false);
    }

    static Path writeLeaf(CertificateAuthority ca, String host, String name) throws Exception {
        Path f = dir.resolve(name + ".pem");
        Files.write(f, Pem.certificates(new LeafMinter(ca).leafFor(host).leaf()));
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"api.example.com", "localhost", "127.0.0.1", "::1"})
    void opensslStrictVerifiesLeavesFromTheRoot(String host) throws Exception {
        for (CertificateAuthority ca : List.of(plain, rsa)) {
            Path leaf = writeLeaf(ca, host, "root-leaf");
            String hostCheck = host.contains(":") || Character.isDigit(host.charAt(0)) ? "-verify_ip" : "-verify_hostname";
            String out = Openssl.ok(dir, "verify", "-x509_strict", "-purpose", "sslserver", hostCheck, host,
                    "-CAfile", ca.certificateFile().toString(), leaf.toString());
            assertThat(out).contains(": OK");
        }
    }

    @Test
    void opensslStrictVerifiesLeavesThroughTheIntermediate() throws Exception {
        Path leaf = writeLeaf(constrained, "git.internal.test", "inter-leaf");
        Path inter = constrained.directory().resolve("intermediate.pem");
        String out = Openssl.ok(dir, "verify", "-x509_strict", "-purpose", "sslserver", "-verify_hostname",
                "git.internal.test", "-CAfile", constrained.certificateFile().toString(), "-untrusted", inter.toString(),
                leaf.toString());
        assertThat(out).contains(": OK");
        // the root is self-signed and well-formed by itself too
        assertThat(Openssl.ok(dir, "verify", "-x509_strict", "-CAfile", constrained.certificateFile().toString(),
                inter.toString())).contains(": OK");
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.org", "example.com.evil.org", "10.0.0.1"})
    void hostsOutsideThePermittedDomainsFailThroughTheIntermediate(String host) throws Exception {
        Path leaf = writeLeaf(constrained, host, "outside-leaf");
        Path inter = constrained.directory().resolve("intermediate.pem");
        Openssl.Result r = Openssl.run(dir, "verify", "-x509_strict", "-CAfile", constrained.certificateFile().toString(),
                "-untrusted", inter.toString(), leaf.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("subtree violation");
        assertThat(constrained.permits(host)).isFalse();

        X509Certificate cert = new LeafMinter(constrained).leafFor(host).leaf();
        assertThatThrownBy(() -> pkix(constrained, cert)).isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void jdkPkixAcceptsLeavesFromRootAndIntermediate() throws Exception {
        pkix(plain, new LeafMinter(plain).leafFor("api.example.com").leaf());
        pkix(plain, new LeafMinter(plain).leafFor("2001:db8::1").leaf());
        pkix(rsa, new LeafMinter(rsa).leafFor("api.example.com").leaf());
        pkix(constrained, new LeafMinter(constrained).leafFor("deep.sub.example.com").leaf());
        assertThat(constrained.permits("deep.sub.example.com")).isTrue();
        assertThat(constrained.permittedDomains()).containsExactly("example.com", "internal.test");
    }

    /** Validates leaf + issuer chain against the root alone, with no revocation (we publish no CRLs). */
    static void pkix(CertificateAuthority ca, X509Certificate leaf) throws Exception {
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        path.addAll(ca.issuerChain());
        CertPath cp = CertificateFactory.getInstance("X.509").generateCertPath(path);
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(cp, params);
    }

    @Test
    void minterChainIsLeafThenIssuerChain() {
        IssuedLeaf l = new LeafMinter(constrained).leafFor("example.com");
        assertThat(Arrays.asList(l.chain())).hasSize(2).element(1).isEqualTo(constrained.issuerChain().get(0));
        assertThat(new LeafMinter(plain).leafFor("example.com").chain()).hasSize(1);
    }
}
