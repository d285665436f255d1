package dev.traffic.proxy.client;

import dev.traffic.proxy.connect.ConnectTunnelHandler;
import dev.traffic.proxy.exchange.Exchange;
import dev.traffic.proxy.exchange.ExchangeOwner;
import dev.traffic.proxy.net.ReadGate;
import dev.traffic.proxy.net.Target;
import dev.traffic.proxy.policy.ErrorResponses;
import dev.traffic.proxy.policy.Admission;
import dev.traffic.proxy.policy.Refusals;
import dev.traffic.proxy.record.FlowRecorder;
import dev.traffic.proxy.server.ProxyContext;

import dev.traffic.model.FlowRequest;
import dev.traffic.model.PolicyDecision;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of a client HTTP/1.1 connection (plain proxy port, or the inside of an intercepted
 * CONNECT tunnel). Validates each request head, hands CONNECT to {@link ConnectTunnelHandler},
 * and runs one {@link Exchange} at a time: after a request is read completely, further reads wait
 * ({@link HeldReads} in front holds pipelined requests) until the response is done.
 *
 * <p>Buffers: request contents arriving here are passed to the current exchange, which owns them;
 * anything else is released here.
 */
public final class Http1ClientHandler extends ChannelInboundHandlerAdapter implements ExchangeOwner {
    private static final Logger log = LoggerFactory.getLogger(Http1ClientHandler.class);

    private final ProxyContext px;
    private final ClientSession session;
    private Exchange current;
    private boolean closing;
    private io.netty.channel.Channel channel;

    public Http1ClientHandler(ProxyContext px, ClientSession session) {
        this.px = px;
        this.session = session;
    }

    static String describe(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            String h = i.getAddress() == null ? i.getHostString() : i.getAddress().getHostAddress();
            return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest req) {
            if (current != null) { // cannot happen while reads are gated; be safe
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            onRequestHead(ctx, req);
            if (current == null) { // refused before an exchange existed: drop any body piece in this message
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpContent c) current.onRequestContent(c); // a full request (rare)
            return;
        }
        if (msg instanceof HttpContent c && current != null) {
            current.onRequestContent(c);
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    private void onRequestHead(ChannelHandlerContext ctx, HttpRequest req) {
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            int status = cause instanceof TooLongHttpHeaderException ? 431
                    : cause instanceof TooLongHttpLineException ? 414
                    : cause instanceof TooLongFrameException ? 431 : 400;
            String why = status == 431 ? "request headers too large (limit " + px.config().maxHeaderSize() + " bytes)"
                    : status == 414 ? "request line too long" : "bad request: " + cause.getMessage();
            badRequest(ctx, req, status, why);
            return;
        }
        String framing = RequestChecks.framingProblem(req);
        if (framing != null) {
            badRequest(ctx, req, 400, "bad request: " + framing);
            return;
        }
        if (req.method().equals(HttpMethod.CONNECT)) {
            if (session.tunnelTarget() != null) {
                badRequest(ctx, req, 405, "CONNECT inside an intercepted tunnel is not supported");
                return;
            }
            Target t = Target.parseAuthority(req.uri(), "https");
            if (t == null) {
                badRequest(ctx, req, 400, "bad request: invalid CONNECT target '" + abbreviate(req.uri()) + "'");
                return;
            }
            Admission.Refused no = px.admission().checkHead(t.host(), false);
            if (no != null) {
                refuse(ctx, req, t, no.status(), no.message(), no.decision());
                return;
            }
            px.applySinkBackpressure(ctx.channel());
            // most tunnels are intercepted TLS: mint the leaf while the client reads our 200 and sends its hello
            CompletableFuture<Void> leaf =
                    passthrough(t.host()) ? null : px.tls().premint(t.host(), px.inspectionExecutor());
            ConnectTunnelHandler.takeOver(ctx, this, req, px, session.clientAddress(), t, leaf);
            return;
        }
        RequestLine line = session.tunnelTarget() != null
                ? RequestLine.parseOrigin(req.uri(), session.tunnelTarget())
                : RequestLine.parseAbsolute(req.uri());
        if (line == null) {
            String why = session.tunnelTarget() == null && req.uri().startsWith("/")
                    ? "this is a proxy: send absolute-form requests (http://host/path) or use CONNECT"
                    : "bad request: invalid request target '" + abbreviate(req.uri()) + "'";
            badRequest(ctx, req, 400, why);
            return;
        }
        px.applySinkBackpressure(ctx.channel());
        current = new Exchange(px, ctx.channel(), this, session);
        current.start(req, line);
    }

    private boolean passthrough(String host) {
        for (dev.traffic.match.HostGlob g : px.config().passthrough()) if (g.matches(host)) return true;
        return false;
    }

    /** Answers a request we will not parse further and closes: after a framing error nothing that follows can be trusted. */
    private void badRequest(ChannelHandlerContext ctx, HttpRequest req, int status, String why) {
        refuse(ctx, req, session.tunnelTarget(), status, why, null);
    }

    /** Records the refused request as a flow, answers {@code status} with {@code why} and closes. */
    private void refuse(ChannelHandlerContext ctx, HttpRequest req, Target t, int status, String why, PolicyDecision decision) {
        closing = true;
        boolean bad = req.decoderResult().isFailure();
        String method = bad ? "-" : req.method().name();
        // with an inspector the whole target (bounded by the line-length limit) is scanned and redacted
        // as recorded; cutting it first could leave a partial credential no rule recognises
        String target = bad ? null : withoutUserinfo(req.uri());
        if (target != null && px.config().inspector() == null) target = abbreviate(target);
        FlowRequest head = new FlowRequest(method, session.scheme(), t == null ? null : t.host(), t == null ? 0 : t.port(),
                target, null, req.protocolVersion().text(),
                bad ? null : FlowRecorder.headers(req.headers()), null, null, null);
        var resp = ErrorResponses.of(status, why, true);
        Refusals.recordAlone(px, session.clientAddress(), head, status, why, decision, resp.headers());
        ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }

    /** True between exchanges (nothing in flight): such a connection can be closed on shutdown. */
    public boolean idle() {
        return current == null;
    }

    /** Gives up the channel to another protocol (after CONNECT): nothing more is read here. */
    public void detach() {
        closing = true;
    }

    /** A refused target is recorded as text: without any {@code user:pass@} (it may be a credential). */
    static String withoutUserinfo(String uri) {
        int s = uri.indexOf("://");
        int from = s < 0 ? 0 : s + 3;
        int end = from;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) end++;
        int at = uri.lastIndexOf('@', end - 1);
        return at < from ? uri : uri.substring(0, from) + uri.substring(at + 1);
    }

    static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @Override
    public void exchangeDone(Exchange exchange, boolean keepAlive) {
        if (exchange != current) return;
        current = null;
        var ch = channel;
        if (!keepAlive || px.draining()) {
            closing = true;
            ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ReadGate.of(ch).resume(ReadGate.EXCHANGE_BUSY);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (current != null) current.flushUpstream();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) current.clientWritabilityChanged(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (current != null) {
            Exchange e = current;
            current = null;
            e.clientClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (current == null) ctx.close(); // idle between requests; an active exchange has its own timeout
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client connection {} failed", session.clientAddress(), cause);
        ctx.close();
    }
}
