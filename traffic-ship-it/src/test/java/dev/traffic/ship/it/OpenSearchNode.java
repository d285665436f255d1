package dev.traffic.ship.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real single-node OpenSearch from the integration-test distribution (unpacked by the pom; no
 * security plugin) on a free loopback port. OpenSearch refuses to run as root, so as root it runs
 * as the unprivileged user {@value #USER}, created here (useradd) and entered with setpriv; where
 * that is impossible the tests are skipped with the reason. Data survives {@link #kill()} /
 * {@link #start()} (a crashed and restarted cluster).
 */
final class OpenSearchNode implements AutoCloseable {
    static final String USER = "traffic-os";
    private final Path home;
    private final Path work;
    private final int httpPort;
    private final int transportPort;
    private Process process;

    private OpenSearchNode(Path home, Path work, int httpPort, int transportPort) {
        this.home = home;
        this.work = work;
        this.httpPort = httpPort;
        this.transportPort = transportPort;
    }

    static OpenSearchNode create() throws Exception {
        String dist = System.getProperty("opensearch.home");
        Assumptions.assumeTrue(dist != null && Files.isDirectory(Path.of(dist)), "the OpenSearch distribution is not unpacked at " + dist);
        Path work = Files.createTempDirectory("traffic-opensearch-");
        Path home = work.resolve("opensearch");
        run(List.of("cp", "-a", dist, home.toString()));
        if (isRoot()) {
            if (run(List.of("id", USER)) != 0) {
                Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/useradd")),
                        "running as root, OpenSearch refuses root, and useradd is missing to create an unprivileged user");
                int rc = run(List.of("/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER));
                Assumptions.assumeTrue(rc == 0 || run(List.of("id", USER)) == 0, "useradd " + USER + " failed (rc " + rc + ")");
            }
            Assumptions.assumeTrue(run(List.of("which", "setpriv")) == 0, "setpriv (util-linux) is missing: cannot drop root for OpenSearch");
            run(List.of("chown", "-R", USER, work.toString()));
            run(List.of("chmod", "755", work.toString()));
        }
        return new OpenSearchNode(home, work, freePort(), freePort());
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    void start() throws Exception {
        List<String> cmd = new ArrayList<>();
        if (isRoot()) {
            String gid = output(List.of("id", "-g", USER)).strip();
            cmd.addAll(List.of("setpriv", "--reuid=" + USER, "--regid=" + gid, "--clear-groups"));
        }
        cmd.addAll(List.of(home.resolve("bin/opensearch").toString(),
                "-Ehttp.port=" + httpPort, "-Etransport.port=" + transportPort, "-Enetwork.host=127.0.0.1",
                "-Ediscovery.type=single-node", "-Epath.data=" + work.resolve("data"), "-Epath.logs=" + work.resolve("logs"),
                "-Ecluster.routing.allocation.disk.threshold_enabled=false", "-Eaction.auto_create_index=true"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("console.log").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m -XX:-HeapDumpOnOutOfMemoryError");
        process = pb.start();
        awaitHealthy(Duration.ofMinutes(6)); // generous: CI and a shared machine can be slow to recover shards
    }

    /** kill -9 of the node (and whatever it started). */
    void kill() throws InterruptedException {
        if (process == null) return;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
        process = null;
    }

    private void awaitHealthy(Duration limit) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("OpenSearch exited (" + process.exitValue() + "):\n" + tail());
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(url().resolve("/_cluster/health?wait_for_status=yellow&timeout=2s"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet: the next attempt waits in the connect or the health call
                process.waitFor(250, TimeUnit.MILLISECONDS);
            }
        }
        throw new IllegalStateException("OpenSearch did not become healthy within " + limit + ":\n" + tail());
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(work.resolve("console.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no console log)";
        }
    }

    @Override
    public void close() throws Exception {
        kill();
        run(List.of("rm", "-rf", work.toString()));
    }

    static boolean isRoot() {
        try {
            return output(List.of("id", "-u")).strip().equals("0");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static int run(List<String> cmd) throws IOException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static String output(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return s;
    }
}
