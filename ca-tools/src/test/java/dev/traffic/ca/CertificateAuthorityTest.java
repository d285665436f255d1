package dev.traffic.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The root and intermediate profiles, the files on disk and their modes, create/load round trips. */
class CertificateAuthorityTest {
    @TempDir Path dir;

    @Test
    void ecRootProfile() throws Exception {
        Instant before = Instant.now();
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), CaOptions.defaults(), false);
        X509Certificate root = ca.certificate();
        assertThat(root.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) root.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(root.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(root.getBasicConstraints()).isEqualTo(0);
        assertThat(root.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        assertThat(root.getKeyUsage()).containsExactly(false, false, false, false, false, true, true, false, false);
        assertThat(root.getExtensionValue("2.5.29.14")).isNotNull();
        assertThat(root.getSubjectX500Principal().getName()).matches("CN=traffic CA \\S+ \\d{4}-\\d{2}-\\d{2},O=traffic");
        assertThat(root.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        assertThat(root.getSerialNumber().signum()).isPositive();
        assertThat(root.getSerialNumber().bitLength()).isLessThanOrEqualTo(159).isGreaterThan(100);
        Instant nb = root.getNotBefore().toInstant();
        assertThat(nb).isBetween(before.minus(Duration.ofHours(1)).minusSeconds(2), before.minus(Duration.ofMinutes(59)));
        assertThat(Duration.between(nb, root.getNotAfter().toInstant()).toDays()).isBetween(3650L, 3653L);
        assertThat(ca.issuerChain()).isEmpty();
        assertThat(ca.keyType()).isEqualTo(KeyType.EC);
        root.verify(root.getPublicKey());
    }

    @Test
    void rsaRootIs3072Bits() {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), CaOptions.defaults().withKeyType(KeyType.RSA), false);
        assertThat(((RSAPublicKey) ca.certificate().getPublicKey()).getModulus().bitLength()).isEqualTo(3072);
        assertThat(ca.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(CertificateAuthority.load(dir.resolve("ca")).keyType()).isEqualTo(KeyType.RSA);
    }

    @Test
    void filesAndModes() throws Exception {
        Path ca = dir.resolve("data/ca");
        CertificateAuthority.create(ca, CaOptions.defaults(), false);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve("ca-key.pem")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve("ca.pem")))).isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca))).isEqualTo("rwx------");
        assertThat(Files.readString(ca.resolve("ca-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(ca.resolve("ca.pem"))).startsWith("-----BEGIN CERTIFICATE-----")
                .doesNotContain("PRIVATE");
        try (var files = Files.list(ca)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ca-key.pem", "ca.pem");
        }
    }

    @Test
    void constrainedIntermediateFilesAndProfile() throws Exception {
        Path d = dir.resolve("ca");
        CertificateAuthority ca = CertificateAuthority.create(d, CaOptions.defaults().withPermittedDomains(List.of("Example.COM")), false);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d.resolve("intermediate-key.pem")))).isEqualTo("rw-------");
        X509Certificate inter = ca.issuerChain().get(0);
        assertThat(ca.certificate().getBasicConstraints()).isEqualTo(1); // the root must allow one CA below it
        assertThat(inter.getBasicConstraints()).isEqualTo(0);
        assertThat(inter.getCriticalExtensionOIDs()).contains("2.5.29.30", "2.5.29.19", "2.5.29.15");
        assertThat(ca.permittedDomains()).containsExactly("example.com");
        inter.verify(ca.certificate().getPublicKey());

        CertificateAuthority loaded = CertificateAuthority.load(d);
        assertThat(loaded.certificate()).isEqualTo(ca.certificate());
        assertThat(loaded.issuerChain()).containsExactly(inter);

        // replacing it with an unconstrained CA removes the intermediate files
        CertificateAuthority.create(d, CaOptions.defaults(), true);
        assertThat(d.resolve("intermediate.pem")).doesNotExist();
        assertThat(CertificateAuthority.load(d).issuerChain()).isEmpty();
    }

    @Test
    void loadRoundTripsAndLoadOrCreateCreatesOnce() {
        Path d = dir.resolve("ca");
        CertificateAuthority created = CertificateAuthority.loadOrCreate(d, CaOptions.defaults());
        CertificateAuthority again = CertificateAuthority.loadOrCreate(d, CaOptions.defaults());
        assertThat(again.certificate()).isEqualTo(created.certificate());
        assertThat(again.certificateFile()).isEqualTo(d.resolve("ca.pem").toAbsolutePath());
        assertThat(again.keyFile()).isEqualTo(d.resolve("ca-key.pem").toAbsolutePath());
    }

    @Test
    void refusesToOverwriteWithoutForce() throws Exception {
        Path d = dir.resolve("ca");
        CertificateAuthority first = CertificateAuthority.create(d, CaOptions.defaults(), false);
        byte[] key = Files.readAllBytes(d.resolve("ca-key.pem"));
        assertThatThrownBy(() -> CertificateAuthority.create(d, CaOptions.defaults(), false))
                .isInstanceOf(CaException.class).hasMessageContaining(d.toString()).hasMessageContaining("--force");
        assertThat(Files.readAllBytes(d.resolve("ca-key.pem"))).isEqualTo(key);
        CertificateAuthority second = CertificateAuthority.create(d, CaOptions.defaults(), true);
        assertThat(second.certificate()).isNotEqualTo(first.certificate());
        assertThat(CertificateAuthority.load(d).certificate()).isEqualTo(second.certificate());
        try (var files = Files.list(d)) { // no temp files left behind
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ca-key.pem", "ca.pem");
        }
    }

    @Test
    void invalidPermittedDomainNamesTheValue() {
        assertThatThrownBy(() -> CertificateAuthority.create(dir.resolve("ca"),
                CaOptions.defaults().withPermittedDomains(List.of("bad domain")), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad domain'");
        assertThatThrownBy(() -> CertificateAuthority.create(dir.resolve("ca"),
                CaOptions.defaults().withPermittedDomains(List.of("10.0.0.1")), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.0.0.1");
        assertThat(dir.resolve("ca")).doesNotExist();
    }

    @Test
    void aFailedReplaceLeavesTheOldCaIntact() throws Exception {
        Path d = dir.resolve("ca");
        CertificateAuthority old = CertificateAuthority.create(d, CaOptions.defaults(), false);
        byte[] key = Files.readAllBytes(d.resolve("ca-key.pem"));
        // a directory where intermediate.pem must go: the write fails before any file is replaced
        Files.createDirectories(d.resolve("intermediate.pem/blocker"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CertificateAuthority.create(d,
                CaOptions.defaults().withPermittedDomains(List.of("example.com")), true))
                .isInstanceOf(CaException.class).hasMessageContaining("cannot write the CA to " + d);
        assertThat(Files.readAllBytes(d.resolve("ca-key.pem"))).isEqualTo(key);
        assertThat(d.resolve("intermediate-key.pem")).doesNotExist();
        try (var files = Files.list(d)) { // no temp or backup files left
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("ca-key.pem", "ca.pem", "intermediate.pem");
        }
        Files.delete(d.resolve("intermediate.pem/blocker"));
        Files.delete(d.resolve("intermediate.pem"));
        assertThat(CertificateAuthority.load(d).certificate()).isEqualTo(old.certificate());
    }
}
