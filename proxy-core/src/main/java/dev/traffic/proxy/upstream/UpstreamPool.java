package dev.traffic.proxy.upstream;

import dev.traffic.proxy.server.Pipelines;
import dev.traffic.proxy.connect.ClientHello;
import dev.traffic.proxy.server.ProxyContext;
import dev.traffic.proxy.tls.AlpnPolicy;

import dev.traffic.proxy.upstream.h2.H2Upstream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Upstream connections of ONE event loop, kept per {@link UpstreamKey} and reused across client
 * connections served by that loop (so a client and its upstream share a thread and never need
 * locks). Idle connections close after the pool idle timeout. Upstreams that choose h2 get one
 * shared connection per key ({@link H2Upstream}); each acquire then opens a stream on it, and
 * acquires made while such a connection is still being set up wait for it. Event-loop confined.
 */
public final class UpstreamPool {
    private final ProxyContext px;
    private final EventLoop loop;
    private final Map<UpstreamKey, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
    /** One timer per pooled connection, armed once and re-armed on expiry (not per release: cancel+schedule per request showed in profiles). */
    private final Map<UpstreamConnection, ScheduledFuture<?>> idleTimers = new IdentityHashMap<>();
    /** Live shared h2 connections (one per key), and the connections being made that may turn out h2. */
    private final Map<UpstreamKey, H2Upstream> h2 = new HashMap<>();
    private final Map<UpstreamKey, List<Promise<UpstreamConnection>>> h2Candidates = new HashMap<>();
    private final Map<H2Upstream, UpstreamConnection> h2Tls = new IdentityHashMap<>();
    /** Connections started ahead of their first request ({@link #prewarm}), not yet claimed. */
    private final Map<UpstreamKey, Future<UpstreamConnection>> warming = new HashMap<>();

    public UpstreamPool(ProxyContext px, EventLoop loop) {
        this.px = px;
        this.loop = loop;
    }

    /** A pooled live connection for {@code key} when one is idle (and {@code pooledOk}), else a new one. */
    public Future<UpstreamConnection> acquire(UpstreamKey key, boolean pooledOk) {
        if (pooledOk) {
            Future<UpstreamConnection> warm = warming.remove(key); // claimed: its completion is ours now
            if (warm != null) return warm;
            H2Upstream shared = h2.get(key);
            if (shared != null && shared.usable()) return openStream(key, shared, loop.newPromise());
            List<Promise<UpstreamConnection>> waiting = h2Candidates.get(key);
            if (waiting != null) { // a connection to this key is being made: wait to learn whether it is h2
                Promise<UpstreamConnection> p = loop.newPromise();
                waiting.add(p);
                return p;
            }
            ArrayDeque<UpstreamConnection> q = idle.get(key);
            while (q != null && !q.isEmpty()) {
                UpstreamConnection c = q.pollLast();
                c.pooled(false);
                if (c.channel().isActive()) {
                    c.markUsed();
                    return loop.newSucceededFuture(c);
                }
            }
        }
        return connect(key);
    }

    /**
     * Starts connecting to {@code key} before any request needs it: an intercepted tunnel calls this
     * when the client's ClientHello arrives, so the upstream TCP and TLS handshakes (and the
     * certificate check) overlap the client's handshake with us instead of following it. The first
     * {@link #acquire} for the key claims the attempt, done or not; an unclaimed connection goes
     * to the pool when ready. A no-op when a connection for the key is idle, shared or being made.
     */
    public void prewarm(UpstreamKey key) {
        if (px.draining() || warming.containsKey(key) || h2.containsKey(key) || h2Candidates.containsKey(key)) return;
        ArrayDeque<UpstreamConnection> q = idle.get(key);
        if (q != null && !q.isEmpty()) return;
        Future<UpstreamConnection> f = connect(key);
        warming.put(key, f);
        f.addListener(done -> {
            if (!warming.remove(key, f)) return; // claimed by an exchange
            if (done.isSuccess()) release((UpstreamConnection) done.getNow());
        });
    }

    /** Returns a connection whose exchange completed cleanly; closed or unusable ones are dropped. */
    public void release(UpstreamConnection c) {
        c.attach(null);
        if (c.channel() instanceof Http2StreamChannel) { // a finished stream; its connection stays shared
            c.channel().close();
            return;
        }
        if (!c.channel().isActive() || px.draining()) {
            c.channel().close();
            return;
        }
        if (!c.channel().config().isAutoRead()) c.channel().config().setAutoRead(true); // notice a close while idle
        idle.computeIfAbsent(c.key(), k -> new ArrayDeque<>()).addLast(c);
        c.pooled(true);
        c.idleSince(System.nanoTime());
        if (!idleTimers.containsKey(c)) armIdleTimer(c, px.config().poolIdleTimeout().toNanos());
    }

    /** Closes {@code c} once it has sat idle in the pool for the idle timeout; a connection in use waits for its next release. */
    private void armIdleTimer(UpstreamConnection c, long delayNanos) {
        idleTimers.put(c, loop.schedule(() -> {
            idleTimers.remove(c);
            if (!c.pooled() || !c.channel().isActive()) return; // in use (or gone): release() re-arms
            long left = c.idleSince() + px.config().poolIdleTimeout().toNanos() - System.nanoTime();
            if (left > 0) {
                armIdleTimer(c, left);
                return;
            }
            removeIdle(c);
            c.channel().close();
        }, delayNanos, TimeUnit.NANOSECONDS));
    }

    /** Closes every idle connection (shutdown). */
    public void closeIdle() {
        for (H2Upstream c : List.copyOf(h2.values())) if (!c.busy()) c.channel().close(); // forgets itself on close
        for (ArrayDeque<UpstreamConnection> q : idle.values()) for (UpstreamConnection c : q) c.channel().close();
        idle.clear();
        for (ScheduledFuture<?> t : idleTimers.values()) t.cancel(false);
        idleTimers.clear();
    }

    private void removeIdle(UpstreamConnection c) {
        c.pooled(false);
        ArrayDeque<UpstreamConnection> q = idle.get(c.key());
        if (q != null) {
            q.remove(c);
            if (q.isEmpty()) idle.remove(c.key());
        }
    }

    private Future<UpstreamConnection> connect(UpstreamKey key) {
        Promise<UpstreamConnection> promise = loop.newPromise();
        if (key.tls() && AlpnPolicy.H2_OR_HTTP1.equals(key.alpn()) && !h2Candidates.containsKey(key)) {
            List<Promise<UpstreamConnection>> waiting = new ArrayList<>();
            h2Candidates.put(key, waiting);
            promise.addListener(f -> settleWaiters(key, waiting, f));
        }
        UpstreamHandler handler = new UpstreamHandler();
        long started = System.nanoTime();
        UpstreamDialer dialer = px.dialer();
        int timeoutMs = dialer.timeoutMillis();
        // AUTO_CLOSE off: a failed write (upstream answered early, then closed/reset) only shuts our
        // output: the response already in the receive buffer must still be read and relayed
        ChannelFuture cf = dialer.dial(loop, key.host(), key.address(), key.port(), key.viaProxy(), false, ch -> {
            SslHandler ssl = null;
            if (key.tls()) {
                ssl = px.tls().upstream(key.host(), key.alpn()).newHandler(ch.alloc(), key.host(), key.port());
                ssl.setHandshakeTimeoutMillis(timeoutMs);
            }
            Pipelines.upstreamHttp(ch, px, ssl, handler);
        });
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
            }
            Channel ch = cf.channel();
            UpstreamConnection conn = new UpstreamConnection(key, ch, handler);
            conn.markUsed();
            handler.onClose(() -> {
                removeIdle(conn);
                ScheduledFuture<?> t = idleTimers.remove(conn);
                if (t != null) t.cancel(false);
            });
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            if (ssl == null) {
                px.config().events().upstreamConnected(key.host(), key.port(), false, System.nanoTime() - started);
                promise.trySuccess(conn);
                return;
            }
            ssl.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    conn.captureTls(ssl);
                    px.config().events().upstreamConnected(key.host(), key.port(), true, System.nanoTime() - started);
                    if (ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
                        H2Upstream shared = H2Upstream.install(ch, px.config().poolIdleTimeout().toMillis(),
                                () -> forgetH2(key, ch), "http", "idle", "upstream");
                        h2.put(key, shared);
                        h2Tls.put(shared, conn);
                        openStream(key, shared, promise);
                        return;
                    }
                    promise.trySuccess(conn);
                } else {
                    ch.close();
                    promise.tryFailure(h.cause());
                }
            });
        });
        return promise;
    }

    // ---- HTTP/2: one shared connection per key, a stream per exchange -------------------------

    /** Opens a stream on {@code shared} and completes {@code promise} with it as an UpstreamConnection. */
    private Future<UpstreamConnection> openStream(UpstreamKey key, H2Upstream shared, Promise<UpstreamConnection> promise) {
        UpstreamHandler handler = new UpstreamHandler();
        boolean reused = shared.reused();
        shared.openStream(handler, px.config().upstreamIdleTimeout().toMillis()).addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
            UpstreamConnection tls = h2Tls.get(shared);
            UpstreamConnection c = tls.forStream(stream, handler, reused);
            if (!promise.trySuccess(c)) stream.close();
        });
        return promise;
    }

    /** A connection attempt for an h2-capable key ended: waiters share it when h2, else connect on their own. */
    private void settleWaiters(UpstreamKey key, List<Promise<UpstreamConnection>> waiting, Future<?> f) {
        h2Candidates.remove(key, waiting);
        H2Upstream shared = h2.get(key);
        for (Promise<UpstreamConnection> p : waiting) {
            if (!f.isSuccess()) p.tryFailure(f.cause());
            else if (shared != null && shared.usable()) openStream(key, shared, p);
            else connect(key).addListener(g -> {
                if (g.isSuccess()) {
                    if (!p.trySuccess((UpstreamConnection) g.getNow())) ((UpstreamConnection) g.getNow()).channel().close();
                } else {
                    p.tryFailure(g.cause());
                }
            });
        }
    }

    private void forgetH2(UpstreamKey key, Channel ch) {
        H2Upstream shared = h2.get(key);
        if (shared != null && shared.channel() == ch) {
            h2.remove(key);
            h2Tls.remove(shared);
        }
    }
}
