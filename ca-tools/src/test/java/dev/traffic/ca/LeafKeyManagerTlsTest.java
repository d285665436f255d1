package dev.traffic.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real TLS handshakes on 127.0.0.1 against one SSLContext built from {@link LeafKeyManager}: the client
 * trusts only the CA root and checks the host name (HTTPS endpoint identification).
 */
class LeafKeyManagerTlsTest {
    @TempDir Path dir;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private SSLContext serverContext(CertificateAuthority ca, LeafMinter minter) throws Exception {
        KeyManagerFactory kmf = new LeafKeyManager(minter).asFactory();
        assertThat(kmf.getKeyManagers()).hasSize(1);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    static SSLContext clientTrusting(X509Certificate root) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("root", root);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void socketHandshakeUsesSniHost(String protocol) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), CaOptions.defaults(), false);
        LeafMinter minter = new LeafMinter(ca);
        try (SSLServerSocket server = (SSLServerSocket) serverContext(ca, minter).getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Future<?> accepted = pool.submit(() -> echoOnce(server));
            Certificate[] peer = connectAndGreet(ca, server.getLocalPort(), "api.example.test", protocol, true);
            assertThat(((X509Certificate) peer[0]).getSubjectX500Principal().getName()).isEqualTo("CN=api.example.test");
            assertThat(peer).hasSize(1);
            accepted.get(20, TimeUnit.SECONDS);
        }
        assertThat(minter.cacheMisses()).isEqualTo(1);
    }

    @Test
    void socketHandshakeWithoutSniUsesTheLocalAddressFallback() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), CaOptions.defaults(), false);
        LeafMinter minter = new LeafMinter(ca);
        try (SSLServerSocket server = (SSLServerSocket) serverContext(ca, minter).getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Future<?> accepted = pool.submit(() -> echoOnce(server));
            // an IP literal sends no SNI; the server's peer is 127.0.0.1 too
            Certificate[] peer = connectAndGreet(ca, server.getLocalPort(), "127.0.0.1", "TLSv1.3", false);
            assertThat(((X509Certificate) peer[0]).getSubjectAlternativeNames())
                    .containsExactly(List.of(7, "127.0.0.1"));
            accepted.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void engineHandshakeWithoutSniUsesPeerHost() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), CaOptions.defaults(), false);
        SSLContext serverCtx = serverContext(ca, new LeafMinter(ca));
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            // what proxy-core does: the engine's peer host is the CONNECT target
            Future<?> served = pool.submit(() -> {
                try (SocketChannel ch = server.accept()) {
                    SSLEngine engine = serverCtx.createSSLEngine("192.0.2.7", 443);
                    engine.setUseClientMode(false);
                    EngineDriver.handshakeAndSend(engine, ch, "hello\n");
                }
                return null;
            });
            Certificate[] peer = connectAndRead(ca, server.socket().getLocalPort(), "192.0.2.7");
            assertThat(((X509Certificate) peer[0]).getSubjectAlternativeNames()).containsExactly(List.of(7, "192.0.2.7"));
            served.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void engineHandshakeWithSniThroughNameConstrainedIntermediateServesTheChain() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"),
                CaOptions.defaults().withPermittedDomains(List.of("example.test")), false);
        SSLContext serverCtx = serverContext(ca, new LeafMinter(ca));
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Future<?> served = pool.submit(() -> {
                try (SocketChannel ch = server.accept()) {
                    SSLEngine engine = serverCtx.createSSLEngine("wrong.example.test", 443); // SNI wins
                    engine.setUseClientMode(false);
                    EngineDriver.handshakeAndSend(engine, ch, "hello\n");
                }
                return null;
            });
            Certificate[] peer = connectAndRead(ca, server.socket().getLocalPort(), "git.example.test");
            assertThat(peer).hasSize(2);
            assertThat(((X509Certificate) peer[0]).getSubjectX500Principal().getName()).isEqualTo("CN=git.example.test");
            assertThat(peer[1]).isEqualTo(ca.issuerChain().get(0));
            served.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void rsaOnlyClientGetsNoCertificate() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), CaOptions.defaults(), false);
        LeafKeyManager km = new LeafKeyManager(new LeafMinter(ca));
        assertThat(km.getCertificateChain("example.test")).hasSize(1);
        assertThat(km.getPrivateKey("example.test").getAlgorithm()).isEqualTo("EC");
        assertThat(km.getCertificateChain("not a host")).isNull();
    }

    private static Void echoOnce(SSLServerSocket server) throws Exception {
        try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
            ((SSLSocket) s).startHandshake();
            out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.getInputStream().read(); // wait for the client to close
        }
        return null;
    }

    private static Certificate[] connectAndGreet(CertificateAuthority ca, int port, String host, String protocol,
            boolean sni) throws Exception {
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
                SSLSocket s = (SSLSocket) clientTrusting(ca.certificate()).getSocketFactory()
                        .createSocket(plain, host, port, true)) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            p.setProtocols(new String[] {protocol});
            if (sni) p.setServerNames(List.of(new SNIHostName(host)));
            s.setSSLParameters(p);
            s.startHandshake();
            return readGreeting(s);
        }
    }

    private static Certificate[] connectAndRead(CertificateAuthority ca, int port, String host) throws Exception {
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
                SSLSocket s = (SSLSocket) clientTrusting(ca.certificate()).getSocketFactory()
                        .createSocket(plain, host, port, true)) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            return readGreeting(s);
        }
    }

    private static Certificate[] readGreeting(SSLSocket s) throws Exception {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[6];
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) break;
            n += r;
        }
        assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("hello\n");
        return s.getSession().getPeerCertificates();
    }

    /** A minimal blocking SSLEngine driver over a SocketChannel (server side). */
    static final class EngineDriver {
        static void handshakeAndSend(SSLEngine engine, SocketChannel ch, String message) throws Exception {
            int packet = engine.getSession().getPacketBufferSize();
            ByteBuffer netIn = ByteBuffer.allocate(packet * 2);
            ByteBuffer netOut = ByteBuffer.allocate(packet * 2);
            ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() * 2);
            ByteBuffer empty = ByteBuffer.allocate(0);
            engine.beginHandshake();
            SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            while (hs != SSLEngineResult.HandshakeStatus.FINISHED && hs != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                switch (hs) {
                    case NEED_TASK -> {
                        Runnable t;
                        while ((t = engine.getDelegatedTask()) != null) t.run();
                        hs = engine.getHandshakeStatus();
                    }
                    case NEED_WRAP -> {
                        netOut.clear();
                        SSLEngineResult r = engine.wrap(empty, netOut);
                        netOut.flip();
                        while (netOut.hasRemaining()) ch.write(netOut);
                        hs = r.getHandshakeStatus();
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        netIn.flip();
                        SSLEngineResult r = engine.unwrap(netIn, app);
                        netIn.compact();
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            if (ch.read(netIn) < 0) throw new java.io.EOFException("client closed during handshake");
                        }
                        hs = r.getHandshakeStatus();
                    }
                    default -> throw new IllegalStateException("unexpected " + hs);
                }
            }
            netOut.clear();
            engine.wrap(ByteBuffer.wrap(message.getBytes(StandardCharsets.US_ASCII)), netOut);
            netOut.flip();
            while (netOut.hasRemaining()) ch.write(netOut);
            // wait for the client's close (or its close_notify) so it reads the message first
            netIn.clear();
            ch.read(netIn);
        }
    }
}
