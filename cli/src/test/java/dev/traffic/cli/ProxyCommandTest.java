package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code traffic proxy}: usage errors exit 2 naming the value; a real run prints one startup line and exits 0 on SIGTERM. */
class ProxyCommandTest {
    @TempDir Path dir;

    private int run(StringWriter err, String... args) {
        var cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(new StringWriter()));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    @Test
    void badValuesAreUsageErrorsNamingTheValue() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "proxy", "--data-dir", dir.toString(), "--listen", "nope")).isEqualTo(2);
        assertThat(err.toString()).contains("--listen").contains("nope");
        err = new StringWriter();
        assertThat(run(err, "proxy", "--data-dir", dir.toString(), "--max-body-record", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("--max-body-record").contains("lots");
        err = new StringWriter();
        assertThat(run(err, "proxy", "--data-dir", dir.toString(), "--deny", "10.0.0.0/77")).isEqualTo(2);
        assertThat(err.toString()).contains("10.0.0.0/77");
        err = new StringWriter();
        assertThat(run(err, "proxy", "--data-dir", dir.toString(), "--upstream-ca", dir.resolve("missing.pem").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("missing.pem");
        err = new StringWriter();
        assertThat(run(err, "proxy", "--data-dir", dir.toString(), "--client-idle-timeout", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("--client-idle-timeout").contains("soon");
        err = new StringWriter();
        assertThat(run(err, "proxy", "--data-dir", dir.toString(), "--pool-idle-timeout", "0s")).isEqualTo(2);
        assertThat(err.toString()).contains("--pool-idle-timeout").contains("more than 0");
        err = new StringWriter();
        assertThat(run(err, "proxy", "--data-dir", dir.toString(), "--warm-up", "-3")).isEqualTo(2);
        assertThat(err.toString()).contains("--warm-up").contains("-3");
    }

    @Test
    void timeoutFlagsReachTheProxyConfig() {
        var cmd = Main.commandLine();
        cmd.parseArgs("proxy", "--connect-timeout", "3s", "--client-idle-timeout", "2m",
                "--upstream-idle-timeout", "45s", "--pool-idle-timeout", "500ms");
        ProxyCommand p = cmd.getSubcommands().get("proxy").getCommand();
        var c = p.configure().build();
        assertThat(c.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(c.clientIdleTimeout()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(c.upstreamIdleTimeout()).isEqualTo(java.time.Duration.ofSeconds(45));
        assertThat(c.poolIdleTimeout()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(c.warmUpHandshakes()).isEqualTo(ProxyCommand.DEFAULT_WARM_UP);
        cmd.parseArgs("proxy", "--warm-up", "250");
        assertThat(p.configure().build().warmUpHandshakes()).isEqualTo(250);
    }

    @Test
    void startsPrintsOneLineServesAndExitsZeroOnSigterm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.traffic.cli.Main",
                "proxy", "--listen", "127.0.0.1:0", "--data-dir", dir.toString(), "--grace", "2s")
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as(Files.exists(dir.resolve("stderr.txt")) ? Files.readString(dir.resolve("stderr.txt")) : "")
                    .startsWith("traffic proxy listening on 127.0.0.1:").contains("CA certificate: " + dir.resolve("ca").resolve("ca.pem"));
            int port = Integer.parseInt(line.replaceAll(".*listening on 127\\.0\\.0\\.1:(\\d+).*", "$1"));
            // the proxy answers (its own port is refused by policy: a clear 403, no upstream needed)
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/").openConnection(
                    new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", port)));
            assertThat(c.getResponseCode()).isEqualTo(403);
            c.disconnect();
            // SIGTERM without Process.destroy(), which would also close our end of its stdout
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor()).isZero();
            assertThat(out.readLine()).isEqualTo("traffic proxy stopped");
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }
}
