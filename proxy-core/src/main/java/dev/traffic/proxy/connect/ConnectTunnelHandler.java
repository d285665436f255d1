package dev.traffic.proxy.connect;

import dev.traffic.proxy.server.Pipelines;
import dev.traffic.proxy.client.HeldReads;
import dev.traffic.proxy.client.Http1ClientHandler;
import dev.traffic.proxy.client.ProxyServerCodec;
import dev.traffic.proxy.exchange.Exchange;
import dev.traffic.proxy.net.ReadGate;
import dev.traffic.proxy.net.Target;
import dev.traffic.proxy.client.ClientSession;
import dev.traffic.proxy.policy.ErrorResponses;
import dev.traffic.proxy.policy.Admission;
import dev.traffic.proxy.policy.Refusals;
import dev.traffic.proxy.record.FlowRecorder;
import dev.traffic.proxy.server.ProxyContext;
import dev.traffic.proxy.tls.InterceptedTlsSetup;
import dev.traffic.proxy.tls.TlsContexts;

import dev.traffic.match.HostGlob;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import dev.traffic.model.PolicyDecision;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over a client connection after {@code CONNECT host:port} passed the name policy: resolves
 * the host once and checks the address, answers {@code 200 Connection Established}, then peeks at
 * the first bytes. A TLS ClientHello is intercepted (SslHandler with a minted leaf, then HTTP)
 * unless the host is a passthrough host; anything else (or silence: server-speaks-first
 * protocols) becomes a raw {@link TunnelRelay}.
 *
 * <p>New hosts: on a port known to carry TLS ({@link EagerTlsPorts}) the upstream connection is
 * started as soon as the CONNECT is accepted (as mitmproxy's default "eager" strategy does),
 * elsewhere when the ClientHello names a server; and the ClientHello is held back until the leaf minted in the
 * background is ready, so the event loop drives the upstream TCP and TLS handshakes while the
 * leaf is being signed instead of waiting inside the client's handshake for it.
 *
 * <p>Buffers: bytes read while deciding are accumulated in {@code pending}, owned here until they
 * are fired into the next pipeline or released on close.
 */
public final class ConnectTunnelHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectTunnelHandler.class);
    private static final byte[] ESTABLISHED = "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ProxyContext px;
    private final String client;
    private final List<Header> connectHeaders;
    private final String httpVersion;
    /** Completes when the background mint of the CONNECT host's leaf is over; null when none was started. */
    private final CompletableFuture<Void> leafReady;
    private Target target;
    private ByteBuf pending;
    private boolean established;
    private boolean decided;
    /** Decided to intercept, ClientHello held in {@code pending} until the leaf is ready. */
    private boolean awaitingLeaf;
    private ScheduledFuture<?> peekTimer;

    private ConnectTunnelHandler(ProxyContext px, String client, Target target, HttpRequest req,
                                 CompletableFuture<Void> leafReady) {
        this.px = px;
        this.leafReady = leafReady;
        this.client = client;
        this.target = target;
        this.connectHeaders = FlowRecorder.headers(req.headers());
        this.httpVersion = req.protocolVersion().text();
    }

    /**
     * Replaces the HTTP handlers of the channel with a tunnel handler; called from within
     * {@code owner.channelRead} for the CONNECT head. Bytes the client sent after the CONNECT
     * (already read) are handed to the new handler as raw bytes, not parsed as HTTP.
     * {@code leafReady}: the background mint of the host's leaf (see {@link TlsContexts#premint}), or null.
     */
    public static void takeOver(ChannelHandlerContext ctx, Http1ClientHandler owner, HttpRequest req, ProxyContext px,
                         String client, Target target, CompletableFuture<Void> leafReady) {
        ChannelPipeline p = ctx.pipeline();
        ReadGate.of(ctx.channel()).pause(ReadGate.SETUP);
        owner.detach();
        ConnectTunnelHandler h = new ConnectTunnelHandler(px, client, target, req, leafReady);
        p.remove(owner);
        Pipelines.connectTunnel(p, h);
        // Removing these hands anything they still hold (already-read bytes) to the new handler.
        if (p.get(HeldReads.class) != null) p.remove(HeldReads.class);
        if (p.get(ProxyServerCodec.class) != null) p.remove(ProxyServerCodec.class);
        h.begin(p.context(h)); // only now: our 200 must not pass through the HTTP encoder
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        pending = ctx.alloc().buffer();
    }

    private void begin(ChannelHandlerContext ctx) {
        CompletableFuture<Admission.Destination> f = px.admission().checkDestination(target);
        if (f.isDone()) admitted(ctx, f.join());
        else f.whenComplete((d, e) -> ctx.executor().execute(() -> admitted(ctx, d)));
    }

    private void admitted(ChannelHandlerContext ctx, Admission.Destination d) {
        if (ctx.isRemoved() || !ctx.channel().isActive()) return;
        if (d.refused() != null) {
            refuse(ctx, d.refused().status(), d.refused().message(), d.refused().decision());
            return;
        }
        target = d.target();
        establish(ctx);
    }

    private void establish(ChannelHandlerContext ctx) {
        established = true;
        // Where CONNECTs carry TLS (configured, or learned: EagerTlsPorts) the upstream handshake starts
        // with our 200; elsewhere once a ClientHello arrives, so a plain-TCP server sees no TLS from us.
        if (leafReady != null && px.eagerTlsPorts().eager(target.port())) prewarmUpstream(ctx);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(ESTABLISHED));
        long ms = peekTimeoutMillis(target.port());
        peekTimer = ctx.executor().schedule(() -> decide(ctx, true), ms, TimeUnit.MILLISECONDS);
        ReadGate.of(ctx.channel()).resume(ReadGate.SETUP);
        if (pending.isReadable()) decide(ctx, false);
    }

    /**
     * How long to wait for the client's first bytes before treating the tunnel as raw. Protocols
     * where the server speaks first (SSH, SMTP, ...) need a short wait; everywhere else the client
     * speaks first, and a busy client may take a while to produce its ClientHello, so waiting
     * longer avoids wrongly relaying TLS un-intercepted.
     */
    private long peekTimeoutMillis(int port) {
        return SERVER_FIRST_PORTS.contains(port) ? px.config().tlsPeekTimeout().toMillis() : 30_000;
    }

    private static final java.util.Set<Integer> SERVER_FIRST_PORTS =
            java.util.Set.of(21, 22, 23, 25, 110, 143, 587, 2525, 3306);

    /** Starts the upstream connection the first intercepted request will want (a no-op if one is idle or being made). */
    private void prewarmUpstream(ChannelHandlerContext ctx) {
        px.pool(ctx.channel().eventLoop()).prewarm(Exchange.upstreamKey(px, target, false));
    }

    /** Records the refused CONNECT, answers with raw bytes (the HTTP codec is gone) and closes. */
    private void refuse(ChannelHandlerContext ctx, int status, String message, PolicyDecision decision) {
        Refusals.recordAlone(px, client, connectRequest(), status, message, decision, null);
        decided = true;
        ctx.writeAndFlush(ErrorResponses.raw(ctx.alloc(), status, message)).addListener(ChannelFutureListener.CLOSE);
    }

    public FlowRequest connectRequest() {
        return new FlowRequest("CONNECT", "https", target.host(), target.port(), null, null, httpVersion,
                connectHeaders, null, null, null);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf b) || (decided && !awaitingLeaf)) {
            ReferenceCountUtil.release(msg); // e.g. the codec's empty LastHttpContent after CONNECT
            return;
        }
        pending.writeBytes(b);
        b.release();
        if (established && !awaitingLeaf) decide(ctx, false);
    }

    private void decide(ChannelHandlerContext ctx, boolean timedOut) {
        if (decided || ctx.isRemoved()) return;
        ClientHello.Peek peek = ClientHello.peek(pending);
        if (peek.kind() == ClientHello.Kind.INCOMPLETE && !timedOut) return;
        decided = true;
        if (peekTimer != null) peekTimer.cancel(false);
        ClientHello hello = peek.hello();
        boolean tls = peek.kind() == ClientHello.Kind.TLS
                || (peek.kind() == ClientHello.Kind.INCOMPLETE && pending.isReadable() && pending.getUnsignedByte(pending.readerIndex()) == 22);
        String sni = hello == null ? null : hello.sni();
        px.eagerTlsPorts().saw(target.port(), tls);
        boolean passthrough = tls && (matches(px.config().passthrough(), target.host()) || matches(px.config().passthrough(), sni));
        ChannelPipeline p = ctx.pipeline();
        if (tls && !passthrough && px.tls().server() != null) {
            // The first request will want this upstream: connect while the client handshakes with us.
            // Only for a real ClientHello naming a server: garbage after CONNECT must not reach the upstream.
            if (sni != null) prewarmUpstream(ctx);
            if (leafReady != null && !leafReady.isDone() && (sni == null || sni.equalsIgnoreCase(target.host()))) {
                awaitingLeaf = true; // later bytes keep collecting in pending
                leafReady.whenComplete((v, e) -> ctx.executor().execute(() -> intercept(ctx, sni)));
                return;
            }
            intercept(ctx, sni);
            return;
        }
        if (!tls && plainHttp(pending) && !matches(px.config().passthrough(), target.host())) {
            // plain HTTP inside the tunnel (kubectl's exec/attach/port-forward, any client that
            // CONNECTs even for http://): served like any other request, so admission, the request
            // stages and the record apply here too instead of an unchecked raw relay
            Target plain = new Target("http", target.host(), target.port(), target.address());
            Pipelines.interceptedHttp1(p, ctx.name(), px, new ClientSession(client, "http", plain, null));
            handOver(ctx);
            return;
        }
        Pipelines.rawTunnel(p, ctx.name(), new TunnelRelay(px, client, target, tls ? sni : null, passthrough,
                connectRequest(), tls ? hello : null));
        handOver(ctx);
    }

    /**
     * Whether the first bytes are an HTTP/1 request line: a method token of upper-case letters and a
     * space ({@code GET /x HTTP/1.1}). Not the h2c preface ({@code PRI * HTTP/2.0}), which stays a tunnel.
     */
    static boolean plainHttp(io.netty.buffer.ByteBuf b) {
        int n = Math.min(b.readableBytes(), 16);
        int i = 0;
        for (; i < n; i++) {
            int c = b.getUnsignedByte(b.readerIndex() + i);
            if (c == ' ') break;
            if (c < 'A' || c > 'Z') return false;
        }
        if (i < 3 || i == n) return false;
        return !(i == 3 && b.getUnsignedByte(b.readerIndex()) == 'P' && b.getUnsignedByte(b.readerIndex() + 1) == 'R'
                && b.getUnsignedByte(b.readerIndex() + 2) == 'I');
    }

    /** Puts TLS interception behind this handler and replays the ClientHello into it. */
    private void intercept(ChannelHandlerContext ctx, String sni) {
        awaitingLeaf = false;
        if (ctx.isRemoved() || pending == null) return; // closed while the leaf was minted
        ChannelPipeline p = ctx.pipeline();
        SslHandler ssl = px.tls().server().newHandler(ctx.alloc(), target.host(), target.port());
        Pipelines.interceptTls(p, ctx.name(), ssl, new InterceptedTlsSetup(px, client, target, sni, this));
        handOver(ctx);
    }

    /** Fires the bytes read so far into the handlers just installed and leaves the pipeline. */
    private void handOver(ChannelHandlerContext ctx) {
        ChannelPipeline p = ctx.pipeline();
        ByteBuf b = pending;
        pending = null;
        ctx.fireChannelRead(b);
        ctx.fireChannelReadComplete();
        p.remove(this);
    }

    private static boolean matches(List<HostGlob> globs, String host) {
        if (host == null) return false;
        for (HostGlob g : globs) if (g.matches(host)) return true;
        return false;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ReferenceCountUtil.release(evt); // idle events: a tunnel being set up is not idle-closed here
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (peekTimer != null) peekTimer.cancel(false);
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: {}", ctx.channel().remoteAddress(), cause.toString(), cause);
        ctx.close();
    }
}
