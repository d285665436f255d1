package dev.traffic.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad CA directories and files: a clear CaException naming the file, nothing written. */
class LoadErrorsTest {
    @TempDir Path dir;

    @Test
    void missingDirectory() {
        Path d = dir.resolve("nope");
        assertThatThrownBy(() -> CertificateAuthority.load(d)).isInstanceOf(CaException.class)
                .hasMessageContaining(d.toString()).hasMessageContaining("traffic ca init");
        assertThat(d).doesNotExist();
    }

    @Test
    void emptyDirectory() {
        assertThatThrownBy(() -> CertificateAuthority.load(dir)).isInstanceOf(CaException.class)
                .hasMessageContaining("no CA in " + dir);
    }

    @Test
    void keyThatDoesNotMatchTheCertificate() throws Exception {
        CertificateAuthority.create(dir.resolve("a"), CaOptions.defaults(), false);
        CertificateAuthority.create(dir.resolve("b"), CaOptions.defaults(), false);
        Files.copy(dir.resolve("b/ca-key.pem"), dir.resolve("a/ca-key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> CertificateAuthority.load(dir.resolve("a"))).isInstanceOf(CaException.class)
                .hasMessageContaining(dir.resolve("a/ca-key.pem").toString())
                .hasMessageContaining("does not match").hasMessageContaining(dir.resolve("a/ca.pem").toString());
    }

    @Test
    void combinedFileWithMismatchedKey() throws Exception {
        CertificateAuthority.create(dir.resolve("a"), CaOptions.defaults(), false);
        CertificateAuthority.create(dir.resolve("b"), CaOptions.defaults(), false);
        Path combined = dir.resolve("combined.pem");
        Files.writeString(combined, Files.readString(dir.resolve("a/ca-key.pem")) + Files.readString(dir.resolve("b/ca.pem")));
        assertThatThrownBy(() -> CertificateAuthority.load(combined)).isInstanceOf(CaException.class)
                .hasMessageContaining(combined.toString()).hasMessageContaining("does not match");
    }

    @Test
    void certificateWithoutKey() throws Exception {
        CertificateAuthority.create(dir.resolve("a"), CaOptions.defaults(), false);
        Files.delete(dir.resolve("a/ca-key.pem"));
        assertThatThrownBy(() -> CertificateAuthority.load(dir.resolve("a"))).isInstanceOf(CaException.class)
                .hasMessageContaining(dir.resolve("a/ca.pem").toString()).hasMessageContaining("no private key");
    }

    @Test
    void garbageAndEncryptedKeys() throws Exception {
        Path f = dir.resolve("junk.pem");
        Files.writeString(f, "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> CertificateAuthority.load(f)).isInstanceOf(CaException.class).hasMessageContaining(f.toString());

        Openssl.ok(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256",
                "-pass", "pass:secret", "-out", "enc.pem");
        Path enc = dir.resolve("enc.pem");
        assertThatThrownBy(() -> CertificateAuthority.load(enc)).isInstanceOf(PasswordRequiredException.class)
                .hasMessageContaining(enc.toString()).hasMessageContaining("password");
    }

    @Test
    void encryptedPemKeysLoadWithTheRightPasswordOnly() throws Exception {
        CertificateAuthority plain = CertificateAuthority.create(dir.resolve("a"), CaOptions.defaults(), false);
        for (String cipher : new String[] {"-aes256", "-des3"}) {
            Path enc = dir.resolve("enc" + cipher + ".pem");
            Openssl.ok(dir, "pkey", "-in", dir.resolve("a/ca-key.pem").toString(), cipher, "-passout", "pass:secret",
                    "-out", enc.toString());
            Files.writeString(enc, Files.readString(enc) + Files.readString(dir.resolve("a/ca.pem")));
            assertThat(CertificateAuthority.load(enc, "secret".toCharArray()).certificate()).isEqualTo(plain.certificate());
            assertThatThrownBy(() -> CertificateAuthority.load(enc, "wrong".toCharArray())).isInstanceOf(CaException.class)
                    .hasMessageContaining(enc.toString()).hasMessageContaining("wrong password");
        }
        // traditional "Proc-Type: 4,ENCRYPTED" RSA key, as old openssl versions write it
        Path trad = dir.resolve("trad.pem");
        Openssl.ok(dir, "genrsa", "-traditional", "-aes128", "-passout", "pass:secret", "-out", trad.toString(), "2048");
        assertThat(Files.readString(trad)).contains("Proc-Type: 4,ENCRYPTED");
        assertThatThrownBy(() -> CertificateAuthority.load(trad, "wrong".toCharArray())).hasMessageContaining("wrong password");
        assertThatThrownBy(() -> CertificateAuthority.load(trad, "secret".toCharArray())).hasMessageContaining("holds no certificate");
    }

    @Test
    void pkcs12WithTheKeyRoundTripsAndRejectsAWrongPassword() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("a"), CaOptions.defaults(), false);
        Path p12 = dir.resolve("backup.p12");
        CaExport.write(p12, CaExport.pkcs12(ca, "pw".toCharArray(), true), true);
        CertificateAuthority loaded = CertificateAuthority.load(p12, "pw".toCharArray());
        assertThat(loaded.certificate()).isEqualTo(ca.certificate());
        assertThat(new LeafMinter(loaded).leafFor("x.example").leaf().getIssuerX500Principal())
                .isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThatThrownBy(() -> CertificateAuthority.load(p12, "nope".toCharArray())).isInstanceOf(CaException.class)
                .hasMessage(p12 + ": wrong password (PKCS#12 integrity check failed)");
        assertThatThrownBy(() -> CertificateAuthority.load(p12)).isInstanceOf(PasswordRequiredException.class);
        Path trustOnly = dir.resolve("trust.p12");
        CaExport.write(trustOnly, CaExport.pkcs12(ca, "pw".toCharArray(), false), false);
        assertThatThrownBy(() -> CertificateAuthority.load(trustOnly, "pw".toCharArray()))
                .hasMessageContaining("holds no private key entry");
    }

    @Test
    void unreadableKeyFile() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads files whatever their mode");
        CertificateAuthority.create(dir.resolve("a"), CaOptions.defaults(), false);
        Path key = dir.resolve("a/ca-key.pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
        assertThatThrownBy(() -> CertificateAuthority.load(dir.resolve("a"))).isInstanceOf(CaException.class)
                .hasMessageContaining(key.toString()).hasMessageContaining("permission denied");
    }

    @Test
    void createOverAFileFails() throws Exception {
        Path f = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> CertificateAuthority.create(f, CaOptions.defaults(), false))
                .isInstanceOf(CaException.class).hasMessageContaining(f + ": not a directory");
    }
}
