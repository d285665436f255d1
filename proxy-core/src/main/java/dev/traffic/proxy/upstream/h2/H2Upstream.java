package dev.traffic.proxy.upstream.h2;

import dev.traffic.proxy.client.h2.H2Messages;
import dev.traffic.proxy.net.H2Settings;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection to an upstream, shared by every exchange of its pool (one event loop) that
 * goes to the same (host, address, port, TLS, ALPN, upstream proxy): each exchange gets its own
 * stream channel carrying HttpObjects, so it looks to the exchange exactly like an HTTP/1.1
 * connection. The connection stops taking new streams after GOAWAY or close, and closes itself
 * when it has had no stream for the pool idle time. Event-loop confined.
 */
public final class H2Upstream {
    private final Channel parent;
    private final Http2FrameCodec codec;
    private boolean goAway;
    private int streamsOpened;

    private H2Upstream(Channel parent, Http2FrameCodec codec) {
        this.parent = parent;
        this.codec = codec;
    }

    /**
     * Turns a connected, TLS-handshaken upstream channel (ALPN chose h2) into an h2 client
     * connection: {@code http1Handlers} (names of the HTTP/1.1 handlers) are removed and the h2
     * codec, stream multiplexer and connection handler take their place.
     */
    public static H2Upstream install(Channel ch, long poolIdleMs, Runnable onGone, String... http1Handlers) {
        ChannelPipeline p = ch.pipeline();
        for (String n : http1Handlers) if (p.get(n) != null) p.remove(n);
        ch.config().setAutoRead(true); // the connection always reads; each stream has its own backpressure
        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                .initialSettings(H2Settings.initial().pushEnabled(false))
                .validateHeaders(true)
                .build();
        H2Upstream h2 = new H2Upstream(ch, codec);
        p.addLast("h2", codec);
        p.addLast("h2-streams", new Http2MultiplexHandler(new RefusePush()));
        p.addLast("h2-idle", new IdleStateHandler(0, 0, poolIdleMs, TimeUnit.MILLISECONDS));
        p.addLast("h2-conn", h2.new ConnectionEvents(onGone));
        ch.writeAndFlush(new DefaultHttp2WindowUpdateFrame(H2Settings.CONNECTION_WINDOW - 65_535));
        return h2;
    }

    public Channel channel() {
        return parent;
    }

    /** True while new streams can be opened here. */
    public boolean usable() {
        return parent.isActive() && !goAway && codec.connection().local().canOpenStream();
    }

    /** True while some stream is open. */
    public boolean busy() {
        return codec.connection().numActiveStreams() > 0;
    }

    /** True once a stream has been opened (a failure may then be a stale connection). */
    public boolean reused() {
        return streamsOpened > 0;
    }

    /**
     * Opens a stream whose pipeline ends with {@code last} (receives HttpObjects; idle events after
     * {@code idleMs} without traffic on this stream).
     */
    public Future<Http2StreamChannel> openStream(ChannelHandler last, long idleMs) {
        streamsOpened++;
        return new Http2StreamChannelBootstrap(parent).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline()
                        .addLast("http", new H2RequestEncoder())
                        .addLast("h2-messages", H2Messages.INSTANCE)
                        .addLast("idle", new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS))
                        .addLast("upstream", last);
            }
        }).open();
    }

    private final class ConnectionEvents extends ChannelInboundHandlerAdapter {
        private final Runnable onGone;

        ConnectionEvents(Runnable onGone) {
            this.onGone = onGone;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame) {
                goAway = true;
                onGone.run();
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent && codec.connection().numActiveStreams() == 0) {
                goAway = true;
                onGone.run();
                ctx.close();
                return;
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            goAway = true;
            onGone.run();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Server push is disabled in our SETTINGS; a pushed stream is closed at once. */
    @ChannelHandler.Sharable
    private static final class RefusePush extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.channel().close();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
