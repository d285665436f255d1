package dev.traffic.proxy.tls;

import dev.traffic.ca.LeafKeyManager;
import dev.traffic.ca.LeafMinter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs TLS handshakes between two in-memory endpoints at start, on one background thread, so the JIT
 * compiles the new-host path before the first real host needs it. A cold JVM spends several ms of
 * compilation per new host for its first few hundred hosts (measured: 5-7 ms of C2 time per host),
 * and an agent's first requests all go to new hosts.
 * <p>Each round mints a leaf, serves it with the proxy's own server context code and verifies it
 * with the upstream context code (PKIX and host-name check): the same classes a first request to a
 * new host runs, on both sides. The leaves come from a separate minter over the same CA and are
 * trusted by a trust manager holding only that CA, so the real leaf cache, its metrics and the
 * upstream trust stay untouched. Nothing touches the network; every buffer is released per round.
 */
public final class TlsWarmUp implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(TlsWarmUp.class);
    private static final int MAX_ROUND_TRIPS = 16;

    private final LeafMinter minter;
    private final SslProvider provider;
    private final int handshakes;
    private volatile boolean stopped;
    private volatile int completed;

    public TlsWarmUp(LeafMinter realMinter, SslProvider provider, int handshakes) {
        this.minter = new LeafMinter(realMinter.authority());
        this.provider = provider;
        this.handshakes = handshakes;
    }

    /** Starts the warm-up on a daemon thread; returns it (for tests). */
    public Thread start() {
        Thread t = new Thread(this, "traffic-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    /** Ends the warm-up after the current handshake (the proxy is shutting down). */
    public void stop() {
        stopped = true;
    }

    /** Handshakes completed so far. */
    public int completed() {
        return completed;
    }

    @Override
    public void run() {
        long t0 = System.nanoTime();
        try {
            SslContext server = TlsContexts.serverContext(new LeafKeyManager(minter).asFactory(), provider);
            SslContext client = TlsContexts.upstreamContext(provider, new NamingTrustManager(trusting(minter)),
                    AlpnPolicy.H2_OR_HTTP1);
            for (int i = 0; i < handshakes && !stopped; i++) {
                if (!handshake(server, client, "warmup-" + i + ".invalid")) {
                    log.debug("warm-up handshake {} did not complete; stopping the warm-up", i);
                    break;
                }
                completed = i + 1;
            }
        } catch (Exception | LinkageError e) {
            log.debug("TLS warm-up stopped: {}", e.toString()); // only a speed-up: serving is unaffected
        }
        log.info("TLS warm-up: {} handshakes in {} ms", completed, (System.nanoTime() - t0) / 1_000_000);
    }

    private static boolean handshake(SslContext server, SslContext client, String host) {
        SslHandler c = client.newHandler(ByteBufAllocator.DEFAULT, host, 443);
        EmbeddedChannel cc = new EmbeddedChannel(c);
        EmbeddedChannel sc = new EmbeddedChannel(server.newHandler(ByteBufAllocator.DEFAULT));
        try {
            for (int i = 0; i < MAX_ROUND_TRIPS && !c.handshakeFuture().isDone(); i++) {
                shuttle(cc, sc);
                shuttle(sc, cc);
            }
            return c.handshakeFuture().isSuccess();
        } finally {
            cc.finishAndReleaseAll();
            sc.finishAndReleaseAll();
        }
    }

    /** Moves what {@code from} wrote into {@code to} as received bytes. */
    private static void shuttle(EmbeddedChannel from, EmbeddedChannel to) {
        for (ByteBuf b; (b = from.readOutbound()) != null; ) to.writeInbound(b);
    }

    private static X509ExtendedTrustManager trusting(LeafMinter m) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("warmup-ca", m.authority().certificate());
        int i = 0;
        for (X509Certificate c : m.authority().issuerChain()) ks.setCertificateEntry("warmup-" + i++, c);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) return x;
        }
        throw new IllegalStateException("no X509ExtendedTrustManager");
    }
}
