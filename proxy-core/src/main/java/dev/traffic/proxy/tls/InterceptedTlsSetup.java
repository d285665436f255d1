package dev.traffic.proxy.tls;

import dev.traffic.proxy.client.ClientSession;
import dev.traffic.proxy.client.HeldReads;
import dev.traffic.proxy.client.Http1ClientHandler;
import dev.traffic.proxy.client.ProxyServerCodec;
import dev.traffic.proxy.connect.ConnectTunnelHandler;
import dev.traffic.proxy.net.Target;
import dev.traffic.proxy.record.FlowRecorder;
import dev.traffic.proxy.server.ProxyContext;

import dev.traffic.model.FlowKind;
import dev.traffic.model.TlsInfo;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import dev.traffic.proxy.client.h2.H2ClientPipeline;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits behind the client-side SslHandler of an intercepted tunnel until the handshake ends. On
 * success it installs the HTTP pipeline for the negotiated protocol (HTTP/1.1, or the HTTP/2
 * codecs of {@link H2ClientPipeline} when ALPN chose h2) with the client-side TLS facts; on failure
 * (e.g. the client does not trust our CA) it records the failed tunnel and closes.
 * Buffers: decrypted bytes that arrive before the completion event are held and replayed.
 */
public final class InterceptedTlsSetup extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(InterceptedTlsSetup.class);

    private final ProxyContext px;
    private final String client;
    private final Target target;
    private final String sni;
    private final ConnectTunnelHandler connect;
    private final List<Object> early = new ArrayList<>();

    public InterceptedTlsSetup(ProxyContext px, String client, Target target, String sni, ConnectTunnelHandler connect) {
        this.px = px;
        this.client = client;
        this.target = target;
        this.sni = sni;
        this.connect = connect;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        early.add(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof SslHandshakeCompletionEvent done)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (!done.isSuccess()) {
            FlowRecorder rec = new FlowRecorder(px, client, FlowKind.TUNNEL);
            rec.start(connect.connectRequest());
            rec.tls(new TlsInfo(sni, null, null, null, null, null, null, null, null, null));
            String why = "client TLS handshake failed: " + rootMessage(done.cause());
            rec.error(why);
            rec.finish();
            log.debug("{} -> {}: {}", client, target.authority(), why);
            ctx.close();
            return;
        }
        SSLSession s = ssl.engine().getSession();
        TlsInfo tls = new TlsInfo(sni, s.getProtocol(), s.getCipherSuite(), ssl.applicationProtocol(),
                null, null, null, null, null, null);
        ClientSession session = new ClientSession(client, "https", target, tls);
        var p = ctx.pipeline();
        if (ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
            H2ClientPipeline.install(p, ctx.name(), px, session);
        } else {
            p.addAfter(ctx.name(), "http", new ProxyServerCodec(px.config().maxInitialLineLength(), px.config().maxHeaderSize()));
            p.addAfter("http", "flow-control", new HeldReads());
            p.addAfter("flow-control", "client", new Http1ClientHandler(px, session));
        }
        for (Object m : early) ctx.fireChannelRead(m);
        early.clear();
        p.remove(this);
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        for (Object m : early) ReferenceCountUtil.release(m);
        early.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // SslHandler reports garbage and handshake errors here as well as through the completion event.
        log.debug("{}: {}", ctx.channel().remoteAddress(), cause.toString(), cause);
        ctx.close();
    }
}
