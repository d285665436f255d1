package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.Cmd;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestUpstream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 MiB HTTPS download through a proxy running in a child JVM with a 64 MiB heap and 64 MiB of
 * direct memory: it only completes if the proxy streams with backpressure. The recorded flow has
 * the full size and the SHA-256 of all 200 MiB.
 */
class LargeDownloadTest {
    @TempDir Path dir;

    @Test
    void twoHundredMebibytesThroughASmallHeap() throws Exception {
        TestPki pki = new TestPki(dir);
        long n = 200L << 20;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx64m", "-XX:MaxDirectMemorySize=64m",
                "-Dio.netty.leakDetection.level=disabled", "-cp", System.getProperty("java.class.path"),
                "dev.traffic.proxy.testing.ProxyMain", dir.toString())
                .redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) lines.add(l);
            } catch (java.io.IOException ignored) {
                // child ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        try (TestUpstream upstream = TestUpstream.tls(TestPki.serverContext(pki.upstreamCa, "localhost"))) {
            String portLine = next(lines, "PORT ", 180);
            int port = Integer.parseInt(portLine.substring(5).trim());
            Cmd.Result r = Cmd.run(List.of("curl", "-sS", "--max-time", "120", "-x", "http://127.0.0.1:" + port,
                    "--cacert", pki.proxyCaPem().toString(), "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                    "https://localhost:" + upstream.port() + "/bytes/" + n), null, null, 150);
            assertThat(r.exit()).as(r + "\nchild: " + String.join("\n", lines)).isZero();
            assertThat(r.out()).isEqualTo("200 " + n);
            String flow = next(lines, "FLOW /bytes/" + n, 180);
            assertThat(flow).isEqualTo("FLOW /bytes/" + n + " 200 " + n + " " + TestUpstream.patternSha256(n));
            assertThat(child.isAlive()).isTrue();
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String next(BlockingQueue<String> lines, String prefix, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String l = lines.poll(100, TimeUnit.MILLISECONDS);
            if (l == null) continue;
            if (l.startsWith(prefix)) return l;
            seen.append(l).append('\n');
        }
        throw new AssertionError("child proxy did not print '" + prefix + "'; output:\n" + seen);
    }
}
