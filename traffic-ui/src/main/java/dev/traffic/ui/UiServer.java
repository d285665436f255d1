package dev.traffic.ui;

import com.sun.net.httpserver.HttpServer;
import dev.traffic.store.StoreLayout;
import dev.traffic.ui.internal.Routes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The read-only web UI over a flow store ({@code traffic ui}, {@code traffic proxy --ui}). It reads
 * the store's files the way {@code search} and {@code tail} do, on its own threads: it never touches
 * the proxy's event loops. Only GET and HEAD are served; nothing changes the store.
 */
public final class UiServer implements AutoCloseable {
    static {
        // the JDK server's only read timeout: a request (line + headers) must arrive within this many
        // seconds, so a slow client cannot hold one of the few handler threads (read once, at class load)
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) System.setProperty("sun.net.httpserver.maxReqTime", "10");
        if (System.getProperty("sun.net.httpserver.maxReqHeaders") == null) System.setProperty("sun.net.httpserver.maxReqHeaders", "100");
    }

    private static final int THREADS = 16;

    private final HttpServer server;
    private final ExecutorService pool;
    private final Routes routes;
    private final UiAccess access;

    private UiServer(HttpServer server, ExecutorService pool, Routes routes, UiAccess access) {
        this.server = server;
        this.pool = pool;
        this.routes = routes;
        this.access = access;
    }

    /** Serves the store at {@code storeDir} on {@code listen} (port 0: any free port). */
    public static UiServer start(Path storeDir, InetSocketAddress listen, UiAccess access) throws IOException {
        StoreLayout layout = new StoreLayout(storeDir.toAbsolutePath());
        Routes routes = new Routes(layout, access, UiAccess.isLoopback(listen));
        HttpServer s = HttpServer.create(listen, 64);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256), r -> {
            Thread t = new Thread(r, "traffic-ui-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        s.setExecutor(pool);
        s.createContext("/", routes);
        try {
            routes.start();
        } catch (IOException | RuntimeException e) {
            pool.shutdownNow();
            throw e;
        }
        s.start();
        return new UiServer(s, pool, routes, access);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The URL to open: with the one-time token when one is required. */
    public String url() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) host = "[" + host + "]";
        return "http://" + host + ":" + a.getPort() + "/" + (access.required() ? "?token=" + access.token() : "");
    }

    @Override
    public void close() {
        routes.close();
        server.stop(0);
        pool.shutdownNow();
    }
}
