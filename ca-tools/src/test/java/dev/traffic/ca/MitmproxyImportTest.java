package dev.traffic.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.ca.internal.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A team migrating from mitmproxy keeps its trusted CA: {@code ~/.mitmproxy/mitmproxy-ca.pem} holds the
 * private key (traditional "RSA PRIVATE KEY" as mitmproxy writes it, or PKCS#8) followed by the
 * certificate; {@code mitmproxy-ca-cert.pem} holds the certificate alone. Made here with openssl.
 */
class MitmproxyImportTest {
    @TempDir Path dir;

    /** Builds a mitmproxy-style CA directory; returns the certificate-only file. */
    private Path mitmproxyDir(String keyKind, boolean withCertFile) throws Exception {
        switch (keyKind) {
            case "rsa-traditional" -> Openssl.ok(dir, "genrsa", "-traditional", "-out", "key.pem", "2048");
            case "rsa-pkcs8" -> Openssl.ok(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "key.pem");
            case "ec-traditional" -> Openssl.ok(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem");
            default -> throw new IllegalArgumentException(keyKind);
        }
        Openssl.ok(dir, "req", "-x509", "-new", "-key", "key.pem", "-sha256", "-days", "3650",
                "-subj", "/CN=mitmproxy/O=mitmproxy", "-out", "cert.pem",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Path mitm = Files.createDirectories(dir.resolve(".mitmproxy"));
        String key = Files.readString(dir.resolve("key.pem"));
        String cert = Files.readString(dir.resolve("cert.pem"));
        if (keyKind.equals("rsa-traditional")) assertThat(key).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        Files.writeString(mitm.resolve("mitmproxy-ca.pem"), key + cert);
        // mitmproxy writes its CA files under umask 077 (certs.py umask_secret)
        Files.setPosixFilePermissions(mitm.resolve("mitmproxy-ca.pem"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        if (withCertFile) Files.writeString(mitm.resolve("mitmproxy-ca-cert.pem"), cert);
        return mitm.resolve("mitmproxy-ca-cert.pem");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-traditional", "rsa-pkcs8", "ec-traditional"})
    void loadsTheMitmproxyDirectoryAndItsLeavesVerify(String keyKind) throws Exception {
        Path certFile = mitmproxyDir(keyKind, true);
        CertificateAuthority ca = CertificateAuthority.load(dir.resolve(".mitmproxy"));
        assertThat(ca.certificateFile()).isEqualTo(certFile);
        assertThat(ca.certificate().getSubjectX500Principal().getName()).contains("CN=mitmproxy");

        for (String host : new String[] {"pypi.org", "127.0.0.1"}) {
            IssuedLeaf leaf = new LeafMinter(ca).leafFor(host);
            Path leafFile = dir.resolve("leaf.pem");
            Files.write(leafFile, Pem.certificates(leaf.chain()));
            assertThat(Openssl.ok(dir, "verify", "-x509_strict", "-purpose", "sslserver",
                    "-CAfile", certFile.toString(), leafFile.toString())).contains(": OK");
            VerificationTest.pkix(ca, leaf.leaf());
        }
    }

    @Test
    void combinedFileAloneGetsACertificateOnlyCopyForClients() throws Exception {
        mitmproxyDir("rsa-traditional", false);
        Path combined = dir.resolve(".mitmproxy/mitmproxy-ca.pem");
        CertificateAuthority ca = CertificateAuthority.load(combined);
        assertThat(CertificateAuthority.loadOrCreate(combined, CaOptions.defaults()).certificate()).isEqualTo(ca.certificate());
        assertThat(ca.keyFile()).isEqualTo(combined);
        Path certFile = ca.certificateFile();
        assertThat(certFile).isEqualTo(dir.resolve(".mitmproxy/mitmproxy-ca-cert.pem"));
        assertThat(Files.readString(certFile)).doesNotContain("PRIVATE KEY").contains("BEGIN CERTIFICATE");
        assertThat(Pem.read(certFile).certificates()).containsExactly(ca.certificate());
    }

    @Test
    void combinedPemInTheCaDirectory() throws Exception {
        // our own files concatenated into ca.pem work too (a key+cert PEM as other tools write it)
        CertificateAuthority.create(dir.resolve("a"), CaOptions.defaults(), false);
        Path d = Files.createDirectories(dir.resolve("b"));
        Files.writeString(d.resolve("ca.pem"), Files.readString(dir.resolve("a/ca-key.pem")) + Files.readString(dir.resolve("a/ca.pem")));
        Files.setPosixFilePermissions(d.resolve("ca.pem"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        CertificateAuthority ca = CertificateAuthority.load(d);
        assertThat(ca.certificate()).isEqualTo(CertificateAuthority.load(dir.resolve("a")).certificate());
        assertThat(Files.readString(ca.certificateFile())).doesNotContain("PRIVATE KEY");
    }
}
