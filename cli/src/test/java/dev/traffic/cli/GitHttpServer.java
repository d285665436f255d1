package dev.traffic.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A smart-HTTP git server for tests: {@code git http-backend} (CGI) behind a JDK HttpServer on
 * loopback, serving the repositories under {@code root} (pushes enabled).
 */
final class GitHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Path root;

    GitHttpServer(Path root) throws IOException {
        this.root = root;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String repo) {
        return "http://127.0.0.1:" + port() + "/" + repo;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
            Map<String, String> env = pb.environment();
            env.put("GIT_PROJECT_ROOT", root.toString());
            env.put("GIT_HTTP_EXPORT_ALL", "1");
            env.put("REQUEST_METHOD", ex.getRequestMethod());
            env.put("PATH_INFO", ex.getRequestURI().getRawPath());
            env.put("QUERY_STRING", ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
            String ct = ex.getRequestHeaders().getFirst("Content-Type");
            env.put("CONTENT_TYPE", ct == null ? "" : ct);
            env.put("CONTENT_LENGTH", Integer.toString(body.length));
            String ce = ex.getRequestHeaders().getFirst("Content-Encoding");
            if (ce != null) env.put("HTTP_CONTENT_ENCODING", ce);
            String proto = ex.getRequestHeaders().getFirst("Git-Protocol");
            if (proto != null) env.put("GIT_PROTOCOL", proto);
            env.put("REMOTE_USER", "tester");
            env.put("REMOTE_ADDR", "127.0.0.1");
            Process p = pb.start();
            Thread feeder = new Thread(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(body);
                } catch (IOException ignored) {
                    // the backend stopped reading: its output says why
                }
            });
            feeder.start();
            byte[] out;
            try (InputStream o = p.getInputStream()) {
                out = o.readAllBytes();
            }
            p.getErrorStream().transferTo(OutputStream.nullOutputStream());
            int split = indexOf(out, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            int sep = 4;
            if (split < 0) {
                split = indexOf(out, "\n\n".getBytes(StandardCharsets.US_ASCII));
                sep = 2;
            }
            int status = 200;
            for (String line : new String(out, 0, Math.max(0, split), StandardCharsets.ISO_8859_1).split("\r?\n")) {
                int c = line.indexOf(':');
                if (c <= 0) continue;
                String k = line.substring(0, c).trim();
                String v = line.substring(c + 1).trim();
                if (k.equalsIgnoreCase("Status")) status = Integer.parseInt(v.split(" ")[0]);
                else ex.getResponseHeaders().add(k, v);
            }
            byte[] rest = split < 0 ? out : java.util.Arrays.copyOfRange(out, split + sep, out.length);
            ex.sendResponseHeaders(status, rest.length == 0 ? -1 : rest.length);
            if (rest.length > 0) ex.getResponseBody().write(rest);
        }
    }

    private static int indexOf(byte[] b, byte[] pat) {
        outer:
        for (int i = 0; i + pat.length <= b.length; i++) {
            for (int j = 0; j < pat.length; j++) if (b[i + j] != pat[j]) continue outer;
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** Runs git in {@code dir} through {@code proxyPort}; returns exit code and combined output. */
    static Result git(Path dir, int proxyPort, String... args) throws Exception {
        String[] cmd = new String[args.length + 5];
        cmd[0] = "git";
        cmd[1] = "-c";
        cmd[2] = proxyPort > 0 ? "http.proxy=http://127.0.0.1:" + proxyPort : "http.proxy=";
        cmd[3] = "-c";
        cmd[4] = "protocol.version=2";
        System.arraycopy(args, 0, cmd, 5, args.length);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy") || k.startsWith("GIT_"));
        env.put("HOME", dir.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_AUTHOR_NAME", "t");
        env.put("GIT_AUTHOR_EMAIL", "t@x");
        env.put("GIT_COMMITTER_NAME", "t");
        env.put("GIT_COMMITTER_EMAIL", "t@x");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("git " + String.join(" ", args) + " did not finish: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    record Result(int exit, String out) {}

    static String read(InputStream in) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        in.transferTo(o);
        return o.toString(StandardCharsets.UTF_8);
    }
}
