package dev.traffic.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15 item 11: a CA key others can read or replace is refused at load, naming the fix. */
class KeyPermissionsTest {
    @TempDir Path tmp;
    Path dir;
    Path key;

    @BeforeEach
    void create() {
        dir = tmp.resolve("ca");
        CertificateAuthority.create(dir, CaOptions.defaults(), false);
        key = dir.resolve("ca-key.pem");
    }

    private void chmod(Path p, String mode) throws Exception {
        Process pr = new ProcessBuilder("chmod", mode, p.toString()).inheritIO().start();
        assertThat(pr.waitFor()).isZero();
    }

    @Test
    void aFreshCaLoads() {
        assertThat(CertificateAuthority.load(dir)).isNotNull();
    }

    @Test
    void aWorldReadableOrWritableKeyIsRefused() throws Exception {
        for (String mode : new String[] {"666", "644", "604", "620"}) {
            chmod(key, mode);
            assertThatThrownBy(() -> CertificateAuthority.load(dir)).as(mode).isInstanceOf(CaException.class)
                    .hasMessageContaining(key.toString()).hasMessageContaining("chmod 600");
        }
    }

    @Test
    void aGroupReadableKeyAsKubernetesMountsItLoads() throws Exception {
        chmod(key, "440");
        assertThat(CertificateAuthority.load(dir)).isNotNull();
        chmod(key, "640");
        assertThat(CertificateAuthority.load(dir)).isNotNull();
    }

    @Test
    void aWorldWritableDirectoryIsRefusedUnlessSticky() throws Exception {
        chmod(dir, "777");
        assertThatThrownBy(() -> CertificateAuthority.load(dir)).isInstanceOf(CaException.class)
                .hasMessageContaining("writable by every user").hasMessageContaining("chmod 700");
        chmod(dir, "1777");
        assertThat(CertificateAuthority.load(dir)).isNotNull();
    }

    @Test
    void importingFromALooseSourceIsAllowedAndTheCopyIsPrivate() throws Exception {
        chmod(key, "644");
        Path copy = tmp.resolve("copy");
        CertificateAuthority.importFrom(dir, copy, false);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve("ca-key.pem")))).isEqualTo("rw-------");
        assertThat(CertificateAuthority.load(copy)).isNotNull();
    }
}
