package dev.traffic.proxy.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The admin listener ({@code traffic proxy --admin HOST:PORT}), apart from the proxy port:
 * {@code GET /healthz} 200 while the process is up; {@code GET /readyz} 200 when every
 * {@link ReadinessCheck} passes, else 503 naming the failing ones; {@code GET /metrics} the
 * Prometheus text of {@link ProxyMetrics}. Anything else: 404, or 405 for other methods.
 *
 * <p>Runs on the JDK's HTTP server with its own two daemon threads, so a slow scrape never
 * touches Netty's event loops.
 */
public final class AdminServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final ProxyMetrics metrics;
    private final Map<String, ReadinessCheck> checks;

    private AdminServer(HttpServer server, ExecutorService executor, ProxyMetrics metrics, Map<String, ReadinessCheck> checks) {
        this.server = server;
        this.executor = executor;
        this.metrics = metrics;
        this.checks = checks;
    }

    /** Binds and serves; {@code checks} are evaluated in order at each {@code /readyz}. */
    public static AdminServer start(InetSocketAddress bind, ProxyMetrics metrics, Map<String, ReadinessCheck> checks)
            throws IOException {
        HttpServer server = HttpServer.create(bind, 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "traffic-admin");
            t.setDaemon(true);
            return t;
        });
        AdminServer admin = new AdminServer(server, executor, metrics, new LinkedHashMap<>(checks));
        server.setExecutor(executor);
        server.createContext("/", admin::handle);
        server.start();
        return admin;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            if (!path.equals("/healthz") && !path.equals("/readyz") && !path.equals("/metrics")) {
                send(ex, 404, "text/plain; charset=utf-8", "not found: " + path + " (try /healthz, /readyz, /metrics)\n");
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "text/plain; charset=utf-8", "method not allowed\n");
                return;
            }
            switch (path) {
                case "/healthz" -> send(ex, 200, "text/plain; charset=utf-8", "ok\n");
                case "/readyz" -> readyz(ex);
                default -> send(ex, 200, ProxyMetrics.contentType(), metrics.scrape());
            }
        }
    }

    private void readyz(HttpExchange ex) throws IOException {
        StringBuilder body = new StringBuilder();
        boolean ready = true;
        for (var e : checks.entrySet()) {
            String problem;
            try {
                problem = e.getValue().problem();
            } catch (RuntimeException failure) {
                problem = failure.toString();
            }
            if (problem == null) {
                body.append("ok   ").append(e.getKey()).append('\n');
            } else {
                ready = false;
                body.append("FAIL ").append(e.getKey()).append(": ").append(problem).append('\n');
            }
        }
        send(ex, ready ? 200 : 503, "text/plain; charset=utf-8", body.toString());
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
