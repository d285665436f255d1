package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --admin}: default loopback 8081, 'off', bad values, and a busy explicit port failing the start. */
class AdminOptionTest {
    private static AdminOption parse(String... args) {
        AdminOption o = new AdminOption();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    @Test
    void defaultsToLoopback8081AndCanBeTurnedOff() {
        AdminOption d = parse();
        assertThat(d.explicit()).isFalse();
        assertThat(d.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(d.address().getPort()).isEqualTo(8081);
        assertThat(parse("--admin", "off").address()).isNull();
        assertThat(parse("--admin", "0.0.0.0:9091").address().getPort()).isEqualTo(9091);
        assertThatThrownBy(() -> parse("--admin", "nonsense").address()).isInstanceOf(UsageException.class)
                .hasMessageContaining("--admin");
    }

    @Test
    void anExplicitBusyAdminPortFailsTheProxyStartNamingIt(@TempDir Path dir) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CommandLine cmd = Main.commandLine();
            StringWriter err = new StringWriter();
            cmd.setErr(new PrintWriter(err));
            cmd.setOut(new PrintWriter(new StringWriter()));
            int exit = cmd.execute("proxy", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:" + busy.getLocalPort(),
                    "--data-dir", dir.toString(), "--no-record");
            assertThat(exit).isEqualTo(ExitCodes.ERROR);
            assertThat(err.toString()).contains("traffic: --admin 127.0.0.1:" + busy.getLocalPort());
        }
    }
}
