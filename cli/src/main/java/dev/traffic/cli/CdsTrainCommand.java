package dev.traffic.cli;

import dev.traffic.ca.CaOptions;
import dev.traffic.ca.CertificateAuthority;
import dev.traffic.ca.IssuedLeaf;
import dev.traffic.ca.LeafKeyManager;
import dev.traffic.ca.LeafMinter;
import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.ProxyServer;
import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code traffic cds-train} (hidden): the training run of the class-data-sharing archive. The
 * launchers run it once per build under {@code -XX:ArchiveClassesAtExit} (./traffic after building
 * the jar, the image at build time), so every later start maps the classes it loaded from the
 * archive instead of loading and verifying them from the jar (docs/performance/recording-tax-2026-12-08.md).
 * <p>It runs what a session runs, in a throw-away directory, touching only loopback: a proxy with
 * a flow store intercepting one HTTPS and one HTTP request to an upstream on 127.0.0.1, then the
 * reading commands (search, tail, show, stats, verify, export) and every command's help. Add a step
 * here when a command's start-up classes are not covered yet; a failing step is reported and the
 * others still run (the archive is only a speed-up).
 */
@Command(name = "cds-train", hidden = true,
        description = "Training run for the class-data-sharing archive (used by the launchers).")
public final class CdsTrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path tmp = Files.createTempDirectory("traffic-cds-train");
        List<String> failed = new ArrayList<>();
        try {
            step(failed, "proxy", () -> proxySession(tmp));
            for (String[] args : readingCommands(tmp)) step(failed, args[0], () -> quiet(args));
            for (String sub : Main.commandLine().getSubcommands().keySet()) step(failed, sub + " --help", () -> quiet(sub, "--help"));
        } finally {
            deleteTree(tmp);
        }
        if (!failed.isEmpty()) spec.commandLine().getErr().println("cds-train: steps failed (archive covers less): " + failed);
        return 0;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void step(List<String> failed, String name, Step s) {
        try {
            s.run();
        } catch (Exception | LinkageError e) {
            failed.add(name + ": " + e);
        }
    }

    private static List<String[]> readingCommands(Path tmp) {
        String d = tmp.toString();
        return List.of(
                new String[] {"search", "--data-dir", d, "host:localhost"},
                new String[] {"search", "--data-dir", d, "-o", "json", "status:200"},
                new String[] {"search", "--data-dir", d, "--count", "~d localhost & !~c 500 & ~h authorization"},
                new String[] {"tail", "--data-dir", d, "-n", "5"},
                new String[] {"show", "--data-dir", d, "1"},
                new String[] {"stats", "--data-dir", d},
                new String[] {"verify", "--data-dir", d},
                new String[] {"export", "--data-dir", d, "--out", tmp.resolve("flows.har").toString()});
    }

    /** Runs a command with its output discarded. */
    private static void quiet(String... args) {
        CommandLine c = Main.commandLine();
        c.setOut(new PrintWriter(new StringWriter()));
        c.setErr(new PrintWriter(new StringWriter()));
        c.execute(args);
    }

    /** A recording proxy on loopback relaying one HTTPS (MITM) and one plain HTTP request. */
    private static void proxySession(Path tmp) throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(tmp.resolve("ca"), CaOptions.defaults());
        LeafMinter minter = new LeafMinter(ca);
        try (FlowStore store = FlowStore.open(tmp.resolve("store"), StoreOptions.DEFAULTS);
                Upstream https = Upstream.tls(serverContext(minter.leafFor("localhost")));
                Upstream http = Upstream.plain()) {
            ProxyConfig config = ProxyConfig.builder()
                    .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .interceptKeys(new LeafKeyManager(minter).asFactory())
                    .upstreamCaFile(ca.certificateFile())
                    .sink(store)
                    .session(store.session())
                    .warmUpHandshakes(8)
                    .build();
            ProxyServer proxy = ProxyServer.start(config);
            try {
                InetSocketAddress p = proxy.address();
                SSLContext client = clientContext(ca);
                for (int i = 0; i < 3; i++) {
                    viaConnect(p, https.port(), client);
                    viaAbsoluteForm(p, http.port());
                }
            } finally {
                proxy.shutdown(java.time.Duration.ofSeconds(2));
                proxy.awaitTermination();
            }
            store.flush();
            store.awaitIndexed(5_000);
        }
    }

    private static void viaConnect(InetSocketAddress proxy, int port, SSLContext client) throws IOException {
        try (Socket s = new Socket(proxy.getAddress(), proxy.getPort())) {
            s.setSoTimeout(10_000);
            send(s.getOutputStream(), "CONNECT localhost:" + port + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n");
            readHead(s.getInputStream());
            try (SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(s, "localhost", port, true)) {
                send(tls.getOutputStream(), "GET /cds?x=1 HTTP/1.1\r\nHost: localhost:" + port
                        + "\r\nAuthorization: Bearer training\r\nConnection: close\r\n\r\n");
                tls.getInputStream().readAllBytes();
            }
        }
    }

    private static void viaAbsoluteForm(InetSocketAddress proxy, int port) throws IOException {
        try (Socket s = new Socket(proxy.getAddress(), proxy.getPort())) {
            s.setSoTimeout(10_000);
            send(s.getOutputStream(), "POST http://localhost:" + port + "/cds HTTP/1.1\r\nHost: localhost:" + port
                    + "\r\nContent-Type: application/json\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{\"a\":\"train\"}");
            s.getInputStream().readAllBytes();
        }
    }

    private static void send(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads up to the blank line ending a response head. */
    private static void readHead(InputStream in) throws IOException {
        int state = 0;
        for (int c; state < 4 && (c = in.read()) >= 0; ) {
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
    }

    private static SSLContext serverContext(IssuedLeaf leaf) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("leaf", leaf.privateKey(), new char[0], leaf.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), null, null);
        return c;
    }

    private static SSLContext clientContext(CertificateAuthority ca) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    /** A one-thread HTTP/1.1 server on 127.0.0.1 answering every request with a small JSON body and closing. */
    private static final class Upstream implements AutoCloseable {
        private final java.net.ServerSocket server;
        private final Thread thread;

        private Upstream(java.net.ServerSocket server) {
            this.server = server;
            this.thread = new Thread(this::serve, "cds-train-upstream");
            thread.setDaemon(true);
            thread.start();
        }

        static Upstream plain() throws IOException {
            return new Upstream(new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        }

        static Upstream tls(SSLContext ctx) throws IOException {
            SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            return new Upstream(s);
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(10_000);
                    InputStream in = s.getInputStream();
                    readHead(in);
                    byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.US_ASCII);
                    send(s.getOutputStream(), "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length + "\r\nConnection: close\r\n\r\n");
                    s.getOutputStream().write(body);
                    s.getOutputStream().flush();
                    s.shutdownOutput();
                } catch (IOException e) {
                    // closed, or a client that went away: keep serving until closed
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        }
    }
}
