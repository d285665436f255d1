package dev.traffic.proxy.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.resolver.NoopAddressResolverGroup;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A raw Netty HTTP/2 client that reaches an HTTPS origin through the proxy (CONNECT, then TLS with
 * ALPN h2 trusting the proxy CA), so tests can see HTTP/2 frames (trailers) and control reading
 * per stream (a paused stream must not stall the others).
 */
public final class H2TestClient implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final String authority;

    /** What one stream received. */
    public static final class Response {
        public volatile Http2Headers headers;
        public volatile Http2Headers trailers;
        public final ByteArrayOutputStream body = new ByteArrayOutputStream();
        public final AtomicLong bodyBytes = new AtomicLong();
        public final CompletableFuture<Response> done = new CompletableFuture<>();
        public final CompletableFuture<Http2Headers> headersArrived = new CompletableFuture<>();
        public volatile Http2StreamChannel stream;
    }

    public H2TestClient(int proxyPort, Path proxyCa, String host, int port) throws Exception {
        this.authority = host + ":" + port;
        SslContext tls = SslContextBuilder.forClient().trustManager(proxyCa.toFile())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        this.channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .resolver(NoopAddressResolverGroup.INSTANCE)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler ssl = tls.newHandler(ch.alloc(), host, port);
                        ch.pipeline().addLast(new HttpProxyHandler(new InetSocketAddress("127.0.0.1", proxyPort)));
                        ch.pipeline().addLast(ssl);
                        ssl.handshakeFuture().addListener(f -> {
                            if (!f.isSuccess()) {
                                ready.completeExceptionally(f.cause());
                            } else if (!ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
                                ready.completeExceptionally(new IllegalStateException("ALPN chose " + ssl.applicationProtocol()));
                            } else {
                                ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                                ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                                // like browsers: a big connection window, so one unread stream cannot block the rest
                                ch.writeAndFlush(new DefaultHttp2WindowUpdateFrame(16 << 20));
                                ready.complete(null);
                            }
                        });
                    }
                }).connect(InetSocketAddress.createUnresolved(host, port)).syncUninterruptibly().channel();
        ready.get(10, TimeUnit.SECONDS);
    }

    /** Sends GET {@code path} on a new stream; {@code autoRead=false} leaves the stream unread (stalled). */
    public Response get(String path, boolean autoRead) throws Exception {
        Response r = new Response();
        Http2StreamChannel s = new Http2StreamChannelBootstrap(channel).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.config().setAutoRead(autoRead);
                ch.pipeline().addLast(new Collector(r));
            }
        }).open().get(10, TimeUnit.SECONDS);
        r.stream = s;
        Http2Headers h = new DefaultHttp2Headers().method("GET").path(path).scheme("https").authority(authority);
        h.add("te", "trailers");
        s.writeAndFlush(new DefaultHttp2HeadersFrame(h, true));
        return r;
    }

    public Channel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Collector extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private final Response r;

        Collector(Response r) {
            this.r = r;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame f) {
            boolean end = false;
            if (f instanceof Http2HeadersFrame h) {
                if (r.headers == null) {
                    r.headers = h.headers();
                    r.headersArrived.complete(h.headers());
                } else {
                    r.trailers = h.headers();
                }
                end = h.isEndStream();
            } else if (f instanceof Http2DataFrame d) {
                ByteBuf b = d.content();
                r.bodyBytes.addAndGet(b.readableBytes());
                if (r.body.size() < 1 << 20) {
                    byte[] tmp = new byte[b.readableBytes()];
                    b.getBytes(b.readerIndex(), tmp);
                    r.body.write(tmp, 0, tmp.length);
                }
                end = d.isEndStream();
            }
            if (end) r.done.complete(r);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            r.done.completeExceptionally(new IllegalStateException("stream closed before its end"));
        }
    }
}
