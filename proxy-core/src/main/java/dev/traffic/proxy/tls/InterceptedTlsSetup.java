package dev.traffic.proxy.tls;

import dev.traffic.proxy.client.ClientSession;
import dev.traffic.proxy.connect.ConnectTunnelHandler;
import dev.traffic.proxy.net.Target;
import dev.traffic.proxy.record.FlowRecorder;
import dev.traffic.proxy.server.Pipelines;
import dev.traffic.proxy.server.ProxyContext;

import dev.traffic.model.FlowKind;
import dev.traffic.model.TlsInfo;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits behind the client-side SslHandler of an intercepted tunnel until the handshake ends: Netty's
 * {@link ApplicationProtocolNegotiationHandler} (it holds decrypted bytes that arrive before the
 * completion event and replays them into the new handlers). On success it installs the HTTP
 * pipeline for the protocol ALPN chose (HTTP/1.1, the fallback, or HTTP/2) with the client-side
 * TLS facts, through {@link dev.traffic.proxy.server.Pipelines}; on any failure (e.g. the client
 * does not trust our CA, or leaves mid-handshake) it records the failed tunnel and closes.
 */
public final class InterceptedTlsSetup extends ApplicationProtocolNegotiationHandler {
    private static final Logger log = LoggerFactory.getLogger(InterceptedTlsSetup.class);

    private final ProxyContext px;
    private final String client;
    private final Target target;
    private final String sni;
    private final ConnectTunnelHandler connect;

    public InterceptedTlsSetup(ProxyContext px, String client, Target target, String sni, ConnectTunnelHandler connect) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.px = px;
        this.client = client;
        this.target = target;
        this.sni = sni;
        this.connect = connect;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        SSLSession s = ssl.engine().getSession();
        TlsInfo tls = new TlsInfo(sni, s.getProtocol(), s.getCipherSuite(), ssl.applicationProtocol(),
                null, null, null, null, null, null);
        ClientSession session = new ClientSession(client, "https", target, tls);
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            Pipelines.interceptedHttp2(ctx.pipeline(), ctx.name(), px, session);
        } else {
            Pipelines.interceptedHttp1(ctx.pipeline(), ctx.name(), px, session);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        // Netty's handler leaves a failed handshake to exceptionCaught, which a client that just
        // closes mid-handshake never reaches: every failure is recorded here instead
        if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
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
        super.userEventTriggered(ctx, evt);
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // SslHandler reports garbage and handshake errors here as well as through the completion
        // event (which records them): close quietly instead of Netty's warning
        log.debug("{}: {}", ctx.channel().remoteAddress(), cause.toString(), cause);
        ctx.close();
    }
}
