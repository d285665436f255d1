package dev.traffic.proxy.server;

import dev.traffic.proxy.client.ClientSession;
import dev.traffic.proxy.client.HeldReads;
import dev.traffic.proxy.client.Http1ClientHandler;
import dev.traffic.proxy.client.ProxyServerCodec;
import dev.traffic.proxy.client.h2.H2ClientPipeline;
import dev.traffic.proxy.client.h2.H2InterimResponses;
import dev.traffic.proxy.client.h2.H2Messages;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Every pipeline shape the proxy builds, in one place (handler names in brackets). Inbound bytes
 * flow left to right.
 *
 * <pre>
 * Client connection, as accepted ({@link #clientConnection}):
 *   [idle] ─ [http: ProxyServerCodec] ─ [flow-control: HeldReads] ─ [client: Http1ClientHandler] ─▶ Exchange
 *
 * After CONNECT ({@link #connectTunnel}: the HTTP handlers leave, bytes already read are handed on):
 *   [idle] ─ [connect: ConnectTunnelHandler]            peeks: ClientHello, or anything else
 *
 *   intercepted TLS ({@link #interceptTls}):
 *   [idle] ─ [tls: SslHandler, minted leaf] ─ [tls-setup: InterceptedTlsSetup]   (until the handshake ends)
 *     ALPN http/1.1 ({@link #interceptedHttp1}):
 *   [idle] ─ [tls] ─ [http: ProxyServerCodec] ─ [flow-control: HeldReads] ─ [client: Http1ClientHandler]
 *     ALPN h2 ({@link #interceptedHttp2}):
 *   [idle] ─ [tls] ─ [h2: Http2FrameCodec] ─ [h2-streams: Http2MultiplexHandler] ─ [h2-conn]
 *     each stream channel ({@link #clientStream}):
 *       [http: Http2StreamFrameToHttpObjectCodec] ─ [h2-interim] ─ [h2-messages] ─ [client: Http1ClientHandler]
 *
 *   raw tunnel (not TLS, or a passthrough host):
 *   [idle] ─ [tunnel: TunnelRelay]  ◀══ bytes ══▶  upstream: [upstream-proxy]? ─ [BackRelay]
 *
 * Upstream HTTP connection ({@link #upstreamHttp}, dialed by UpstreamDialer):
 *   [upstream-proxy: HttpProxyHandler]? ─ [tls: SslHandler]? ─ [http: HttpClientCodec] ─ [idle] ─ [upstream: UpstreamHandler]
 *     ALPN h2 (H2Upstream.install replaces http/idle/upstream):
 *   ... ─ [tls] ─ [h2] ─ [h2-streams] ─ [h2-idle] ─ [h2-conn]; each stream:
 *       [http: H2RequestEncoder] ─ [h2-messages] ─ [idle] ─ [upstream: UpstreamHandler]
 *
 * WebSocket after 101 (WsUpgrade.relay): the HTTP codecs leave both channels; [ws] relays frames.
 * </pre>
 */
public final class Pipelines {
    private Pipelines() {}

    /** A newly accepted client connection of the proxy port. */
    public static void clientConnection(Channel ch, ProxyContext px, ClientSession session) {
        long idle = px.config().clientIdleTimeout().toMillis();
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS))
                .addLast("http", clientCodec(px))
                .addLast("flow-control", new HeldReads())
                .addLast("client", new Http1ClientHandler(px, session));
    }

    /** The tunnel handler that replaces the HTTP handlers of a connection after its CONNECT. */
    public static void connectTunnel(ChannelPipeline p, ChannelHandler connect) {
        p.addLast("connect", connect);
    }

    /** TLS interception behind {@code after}: our SslHandler with the minted leaf, then the protocol switch. */
    public static void interceptTls(ChannelPipeline p, String after, SslHandler ssl, ChannelHandler setup) {
        p.addAfter(after, "tls", ssl);
        p.addAfter("tls", "tls-setup", setup);
    }

    /** A raw tunnel behind {@code after}. */
    public static void rawTunnel(ChannelPipeline p, String after, ChannelHandler relay) {
        p.addAfter(after, "tunnel", relay);
    }

    /** HTTP/1.1 over the intercepted TLS session, behind {@code after}. */
    public static void interceptedHttp1(ChannelPipeline p, String after, ProxyContext px, ClientSession session) {
        p.addAfter(after, "http", clientCodec(px));
        p.addAfter("http", "flow-control", new HeldReads());
        p.addAfter("flow-control", "client", new Http1ClientHandler(px, session));
    }

    /** HTTP/2 over the intercepted TLS session, behind {@code after}. */
    public static void interceptedHttp2(ChannelPipeline p, String after, ProxyContext px, ClientSession session) {
        H2ClientPipeline.install(p, after, px, session);
    }

    /** One HTTP/2 client stream: HttpObjects, then the same client handler as HTTP/1.1. */
    public static void clientStream(Channel stream, ProxyContext px, ClientSession session) {
        stream.pipeline()
                .addLast("http", new Http2StreamFrameToHttpObjectCodec(true))
                .addLast("h2-interim", new H2InterimResponses())
                .addLast("h2-messages", H2Messages.INSTANCE)
                .addLast("client", new Http1ClientHandler(px, session));
    }

    /** The handlers of an upstream HTTP connection behind the (optional) upstream-proxy hop. */
    public static void upstreamHttp(Channel ch, ProxyContext px, SslHandler tlsOrNull, ChannelHandler upstream) {
        if (tlsOrNull != null) ch.pipeline().addLast("tls", tlsOrNull);
        HttpDecoderConfig dc = new HttpDecoderConfig()
                .setMaxInitialLineLength(px.config().maxInitialLineLength())
                .setMaxHeaderSize(Math.max(px.config().maxHeaderSize(), 64 * 1024))
                .setMaxChunkSize(64 * 1024);
        ch.pipeline().addLast("http", new HttpClientCodec(dc, false, false));
        long idleMs = px.config().upstreamIdleTimeout().toMillis();
        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS));
        ch.pipeline().addLast("upstream", upstream);
    }

    private static ProxyServerCodec clientCodec(ProxyContext px) {
        return new ProxyServerCodec(px.config().maxInitialLineLength(), px.config().maxHeaderSize());
    }
}
