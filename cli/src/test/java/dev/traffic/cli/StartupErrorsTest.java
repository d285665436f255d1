package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16 #10: validate every flag first, then create; every start-up error names the flag and the address. */
class StartupErrorsTest {
    @TempDir Path dir;

    @Test
    void aPortInUseNamesFlagAndAddressAndCreatesNothing() throws Exception {
        Path home = dir.resolve("fresh");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CaCommandsTest.Run r = CaCommandsTest.traffic("proxy", "--data-dir", home.toString(), "--admin", "off",
                    "--listen", "127.0.0.1:" + busy.getLocalPort());
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.ERROR);
            assertThat(r.err()).contains("traffic: --listen 127.0.0.1:" + busy.getLocalPort() + ": address already in use");
        }
        assertThat(home.resolve("ca")).doesNotExist();
        assertThat(home.resolve("store")).doesNotExist();
    }

    @Test
    void aBusyExplicitAdminPortIsFoundBeforeTheCaIsCreated() throws Exception {
        Path home = dir.resolve("fresh-admin");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CaCommandsTest.Run r = CaCommandsTest.traffic("proxy", "--data-dir", home.toString(), "--listen", "127.0.0.1:0",
                    "--admin", "127.0.0.1:" + busy.getLocalPort());
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.ERROR);
            assertThat(r.err()).contains("--admin 127.0.0.1:" + busy.getLocalPort() + ": address already in use");
        }
        assertThat(home.resolve("ca")).doesNotExist();
    }

    @Test
    void aBadPolicyFlagIsAUsageErrorAndCreatesNoCaOrStore() throws Exception {
        Path home = dir.resolve("fresh-policy");
        CaCommandsTest.Run r = CaCommandsTest.traffic("proxy", "--data-dir", home.toString(), "--admin", "off",
                "--listen", "127.0.0.1:0", "--policy", dir.resolve("missing.yaml").toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--policy").contains("missing.yaml");
        assertThat(home.resolve("ca")).doesNotExist();
        assertThat(Files.exists(home.resolve("store"))).isFalse();
    }
}
