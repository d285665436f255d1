package dev.traffic.proxy;

import dev.traffic.proxy.client.ClientInitializer;
import dev.traffic.proxy.client.Http1ClientHandler;
import dev.traffic.proxy.server.ProxyContext;
import dev.traffic.proxy.tls.TlsContexts;
import dev.traffic.proxy.tls.TlsWarmUp;
import dev.traffic.proxy.client.h2.H2ClientPipeline;
import dev.traffic.proxy.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: binds the listener (native epoll where available, NIO otherwise), owns the
 * event loops and shuts down gracefully (stop accepting, let in-flight exchanges finish within the
 * grace period, close the rest, flush the sink). The sink itself belongs to the caller.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final ProxyConfig config;
    private final ProxyContext px;
    private final EventLoopGroup group;
    private final Channel server;
    private final ChannelGroup clients;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean stopping;
    /** Background TLS warm-up (see {@link TlsWarmUp}), or null. */
    private volatile TlsWarmUp warmUp;

    private ProxyServer(ProxyConfig config, ProxyContext px, EventLoopGroup group, Channel server, ChannelGroup clients) {
        this.config = config;
        this.px = px;
        this.group = group;
        this.server = server;
        this.clients = clients;
    }

    /** Binds and starts serving; throws when the address cannot be bound or TLS cannot be set up. */
    public static ProxyServer start(ProxyConfig config) throws IOException, GeneralSecurityException {
        Transport transport = Transport.detect(!Boolean.getBoolean("traffic.nio"));
        TlsContexts tls = new TlsContexts(config);
        ProxyContext px = new ProxyContext(config, tls, transport);
        int threads = config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors();
        EventLoopGroup group = transport.newGroup(threads, "traffic-io");
        ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.AUTO_READ, true)
                    .childHandler(new ClientInitializer(px, clients))
                    .bind(config.listen())
                    .syncUninterruptibly()
                    .channel();
            InetSocketAddress bound = (InetSocketAddress) server.localAddress();
            px.policy().addOwnPort(bound.getPort());
            ProxyServer started = new ProxyServer(config, px, group, server, clients);
            if (config.warmUpHandshakes() > 0 && tls.minter() != null && tls.server() != null) {
                started.warmUp = new TlsWarmUp(tls.minter(), tls.provider(), config.warmUpHandshakes());
                started.warmUp.start();
            }
            return started;
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            px.close();
            if (e.getCause() instanceof IOException io) throw new IOException("cannot listen on " + config.listen() + ": " + io.getMessage(), io);
            if (e instanceof io.netty.channel.ChannelException || e.getClass().getName().contains("Native")) {
                throw new IOException("cannot listen on " + config.listen() + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** The bound address (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public String transportName() {
        return px.transport().name();
    }

    public String tlsProviderName() {
        return px.tls().provider().name();
    }

    /** Warm-up handshakes completed so far (0 when the warm-up is off). */
    public int warmUpHandshakesDone() {
        TlsWarmUp w = warmUp;
        return w == null ? 0 : w.completed();
    }

    /** How often reading stopped because the sink could not keep up. */
    public long sinkBackpressureCount() {
        return px.sinkBackpressureCount();
    }

    public ProxyConfig config() {
        return config;
    }

    /**
     * Graceful stop: no new connections; idle keep-alive connections close now; in-flight exchanges
     * and tunnels get {@code grace} to finish; then everything closes and the sink is flushed.
     */
    public void shutdown(Duration grace) {
        synchronized (this) {
            if (stopping) {
                awaitTermination();
                return;
            }
            stopping = true;
        }
        if (warmUp != null) warmUp.stop();
        try {
            server.close().syncUninterruptibly();
            px.startDraining();
            px.closeIdleUpstreams();
            for (Channel ch : clients) {
                ch.eventLoop().execute(() -> {
                    Http1ClientHandler h = ch.pipeline().get(Http1ClientHandler.class);
                    if ((h != null && h.idle()) || H2ClientPipeline.isH2(ch)) ch.close(); // h2: GOAWAY, open streams finish
                });
            }
            long deadline = System.nanoTime() + grace.toNanos();
            while (!clients.isEmpty() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20); // production shutdown wait, not a test
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (!clients.isEmpty()) log.info("grace period over: closing {} connection(s) still open", clients.size());
            clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            px.closeIdleUpstreams();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            try {
                config.sink().flush();
            } catch (RuntimeException e) {
                log.warn("flushing the flow sink failed: {}", e.toString());
            }
            px.close();
        } finally {
            terminated.countDown();
        }
    }

    /** Blocks until {@link #shutdown} has completed. */
    public void awaitTermination() {
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
