package dev.traffic.proxy.client.h2;

import dev.traffic.proxy.server.Pipelines;
import dev.traffic.proxy.exchange.Exchange;
import dev.traffic.proxy.net.H2Settings;

import dev.traffic.proxy.client.ClientSession;
import dev.traffic.proxy.client.Http1ClientHandler;
import dev.traffic.proxy.server.ProxyContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * The HTTP/2 server side of an intercepted client connection that negotiated {@code h2}: frame
 * codec plus multiplexer on the connection, and on every client stream the HttpObject codec
 * followed by the very same handlers an HTTP/1.1 connection uses ({@link Http1ClientHandler}
 * running one {@code Exchange}). Each stream is its own child channel, so backpressure (autoRead
 * off) on one stream only withholds that stream's window: other streams keep flowing. No
 * FlowControlHandler here: a stream channel already stops delivering frames when autoRead is off
 * (one frame is one message), and a FlowControlHandler would swallow the read() that restarts
 * a stream channel's delivery, leaving its buffered frames stuck.
 */
public final class H2ClientPipeline {
    private H2ClientPipeline() {}

    /** Installs the h2 handlers after {@code after} in {@code p}. */
    public static void install(ChannelPipeline p, String after, ProxyContext px, ClientSession session) {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(H2Settings.initial())
                .validateHeaders(true)
                // close() = GOAWAY, then wait for open streams; the proxy's --grace bounds it from outside
                .gracefulShutdownTimeoutMillis(H2Settings.GRACEFUL_CLOSE_MS)
                .build();
        p.addAfter(after, "h2", codec);
        p.addAfter("h2", "h2-streams", new Http2MultiplexHandler(new StreamInit(px, session)));
        p.addAfter("h2-streams", "h2-conn", new ConnectionEvents(codec));
        // Raise the connection-level window (stream 0) so one stalled stream cannot starve the rest.
        p.channel().writeAndFlush(new DefaultHttp2WindowUpdateFrame(H2Settings.CONNECTION_WINDOW - 65_535));
    }

    /**
     * True when {@code ch} is a client connection speaking h2. Closing such a channel is graceful:
     * the codec sends GOAWAY and waits for open streams (bounded by its shutdown timeout).
     */
    public static boolean isH2(Channel ch) {
        return ch.pipeline().get(Http2FrameCodec.class) != null;
    }

    private static final class StreamInit extends ChannelInitializer<Channel> {
        private final ProxyContext px;
        private final ClientSession session;

        StreamInit(ProxyContext px, ClientSession session) {
            this.px = px;
            this.session = session;
        }

        @Override
        protected void initChannel(Channel ch) {
            Pipelines.clientStream(ch, px, session);
        }
    }

    /** Connection-level events: an idle connection with no open stream is closed. */
    private static final class ConnectionEvents extends ChannelInboundHandlerAdapter {
        private final Http2FrameCodec codec;

        ConnectionEvents(Http2FrameCodec codec) {
            this.codec = codec;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                if (codec.connection().numActiveStreams() == 0) ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
