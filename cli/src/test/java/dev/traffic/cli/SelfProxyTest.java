package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 #2: a proxy whose upstream proxy is its own listener would send every request back to
 * itself. An explicit --upstream-proxy pointing at it is a usage error (before anything is
 * created); *_PROXY variables pointing at it (a shell that exported the README's HTTPS_PROXY) are
 * ignored with a WARN, and requests go direct.
 */
class SelfProxyTest {
    @TempDir Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void anExplicitUpstreamProxyThatIsOurOwnListenerIsAUsageError() throws Exception {
        int port = freePort();
        for (String[] listenAndVia : new String[][] {
            {"127.0.0.1:" + port, "http://127.0.0.1:" + port},
            {"127.0.0.1:" + port, "http://localhost:" + port},
            {"0.0.0.0:" + port, "http://127.0.0.1:" + port},
            {"0.0.0.0:" + port, "127.0.0.1:" + port}}) {
            StringWriter err = new StringWriter();
            var cmd = Main.commandLine();
            cmd.setOut(new PrintWriter(new StringWriter()));
            cmd.setErr(new PrintWriter(err));
            Path data = dir.resolve("d" + port + listenAndVia[0].length() + listenAndVia[1].length());
            int code = cmd.execute("proxy", "--data-dir", data.toString(), "--listen", listenAndVia[0], "--upstream-proxy", listenAndVia[1]);
            assertThat(code).as(err.toString()).isEqualTo(2);
            assertThat(err.toString()).contains("--upstream-proxy").contains("own listener").contains("--listen " + listenAndVia[0]);
            assertThat(data.resolve("ca")).as("nothing is created before the flags are checked").doesNotExist();
            assertThat(data.resolve("store")).doesNotExist();
        }
    }

    @Test
    void anotherPortIsNotUs() throws Exception {
        var cmd = Main.commandLine();
        int port = freePort();
        cmd.parseArgs("proxy", "--listen", "127.0.0.1:" + port, "--upstream-proxy", "http://127.0.0.1:" + (port == 65535 ? 1 : port + 1));
        ProxyCommand p = cmd.getSubcommands().get("proxy").getCommand();
        assertThat(p.configure().build().upstreamProxy().isDirect()).isFalse();
    }

    @Test
    void proxyVariablesPointingAtUsAreIgnoredWithAWarningAndRequestsGoDirect() throws Exception {
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", ex -> {
            byte[] b = "from upstream".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        upstream.start();
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.traffic.cli.Main",
                "proxy", "--listen", "127.0.0.1:" + port, "--data-dir", dir.toString(), "--grace", "1s")
                .redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().put("HTTPS_PROXY", "http://127.0.0.1:" + port);
        pb.environment().put("http_proxy", "http://localhost:" + port);
        pb.environment().remove("HTTP_PROXY");
        pb.environment().remove("NO_PROXY");
        pb.environment().remove("no_proxy");
        Process p = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            String err = Files.readString(dir.resolve("stderr.txt"));
            assertThat(line).as(err).startsWith("traffic proxy listening on 127.0.0.1:" + port);
            assertThat(err).contains("ignoring HTTPS_PROXY=127.0.0.1:" + port).contains("ignoring http_proxy=localhost:" + port)
                    .contains("own listener").contains("WARN")
                    .contains("upstream proxy: direct");
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + upstream.getAddress().getPort() + "/x")
                    .openConnection(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", port)));
            assertThat(c.getResponseCode()).isEqualTo(200);
            assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from upstream");
            c.disconnect();
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor()).isZero();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
            upstream.stop(0);
        }
    }
}
