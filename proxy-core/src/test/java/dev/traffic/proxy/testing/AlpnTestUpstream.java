package dev.traffic.proxy.testing;

import dev.traffic.ca.CertificateAuthority;
import dev.traffic.ca.IssuedLeaf;
import dev.traffic.ca.LeafMinter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TLS test upstream on 127.0.0.1 that speaks the ALPN protocols it is given (h2 and/or
 * http/1.1), serving the same HttpObject routes on both: {@code /small} ("hello"),
 * {@code /headers} (echoes version and headers), {@code /grpc} (gRPC-style: body then trailers
 * {@code grpc-status: 0}), {@code /sse} (head, then 5 events 200 ms apart, scheduled on the event loop; send
 * times in {@link #sseSent}), {@code /bytes/N} (N zero bytes, sent while writable), {@code POST /sink} (answers size and SHA-256),
 * {@code /goaway} (no answer: GOAWAY and close on h2, a plain close on http/1.1).
 */
public final class AlpnTestUpstream implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel server;
    public final AtomicInteger connections = new AtomicInteger();
    /** Body bytes written by /bytes/N responses so far (all requests). */
    public final java.util.concurrent.atomic.AtomicLong bytesSent = new java.util.concurrent.atomic.AtomicLong();
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** Per SSE request id (query {@code id}): System.nanoTime() when each event was written. */
    public final Map<String, List<Long>> sseSent = new ConcurrentHashMap<>();

    public AlpnTestUpstream(CertificateAuthority ca, String host, String... protocols) throws Exception {
        IssuedLeaf leaf = new LeafMinter(ca).leafFor(host);
        SslContext tls = SslContextBuilder.forServer(leaf.privateKey(), leaf.chain())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols))
                .build();
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        ch.pipeline().addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                            @Override
                            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                    ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer().build());
                                    ctx.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                        @Override
                                        protected void initChannel(Channel stream) {
                                            stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true))
                                                    .addLast(new Routes("HTTP/2"));
                                        }
                                    }));
                                } else {
                                    ctx.pipeline().addLast(new HttpServerCodec()).addLast(new Routes("HTTP/1.1"));
                                }
                            }
                        });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Routes extends SimpleChannelInboundHandler<HttpObject> {
        private final String version;
        private HttpRequest req;
        private java.security.MessageDigest sink;
        private long sinkSize;

        Routes(String version) {
            this.version = version;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest r) {
                req = r;
                requests.add(r.uri());
                sink = null;
                sinkSize = 0;
                if (r.uri().startsWith("/sink")) {
                    try {
                        sink = java.security.MessageDigest.getInstance("SHA-256");
                    } catch (java.security.NoSuchAlgorithmException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            if (msg instanceof io.netty.handler.codec.http.HttpContent c && sink != null) {
                sink.update(c.content().nioBuffer());
                sinkSize += c.content().readableBytes();
            }
            if (msg instanceof LastHttpContent) respond(ctx);
        }

        private void respond(ChannelHandlerContext ctx) {
            String uri = req.uri();
            String path = uri.split("\\?")[0];
            if (path.equals("/goaway")) {
                goAway(ctx);
            } else if (path.equals("/sink")) {
                full(ctx, "size=" + sinkSize + " sha256=" + java.util.HexFormat.of().formatHex(sink.digest()), "text/plain");
            } else if (path.equals("/small")) {
                full(ctx, "hello", "text/plain");
            } else if (path.equals("/headers")) {
                StringBuilder sb = new StringBuilder(version + " " + req.method() + " " + uri + "\n");
                req.headers().forEach(e -> sb.append(e.getKey().toLowerCase()).append(": ").append(e.getValue()).append('\n'));
                full(ctx, sb.toString(), "text/plain");
            } else if (path.equals("/grpc")) {
                HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/grpc");
                HttpUtil.setTransferEncodingChunked(r, true);
                ctx.write(r);
                ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("grpc-payload", StandardCharsets.UTF_8)));
                LastHttpContent last = new DefaultLastHttpContent();
                last.trailingHeaders().set("grpc-status", "0").set("grpc-message", "all good");
                ctx.writeAndFlush(last);
            } else if (path.equals("/sse")) {
                String id = uri.contains("id=") ? uri.substring(uri.indexOf("id=") + 3) : "default";
                List<Long> sent = new CopyOnWriteArrayList<>();
                sseSent.put(id, sent);
                HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
                HttpUtil.setTransferEncodingChunked(r, true);
                ctx.writeAndFlush(r);
                // the head goes first; each event follows 200 ms after the previous one (or the head)
                ctx.executor().schedule(() -> sendEvent(ctx, 1, sent), 200, TimeUnit.MILLISECONDS);
            } else if (path.startsWith("/bytes/")) {
                long n = Long.parseLong(path.substring(7));
                HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                r.headers().set(HttpHeaderNames.CONTENT_LENGTH, n);
                ctx.writeAndFlush(r);
                ctx.pipeline().addLast(new Pump(n));
            } else {
                HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
                r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.write(r);
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            }
        }

        /** Mid-request: h2 announces GOAWAY (covering this stream) and closes; h1 just closes. */
        private void goAway(ChannelHandlerContext ctx) {
            Channel conn = ctx.channel().parent() != null ? ctx.channel().parent() : ctx.channel();
            if (ctx.channel().parent() != null) {
                conn.writeAndFlush(new io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame(
                        io.netty.handler.codec.http2.Http2Error.NO_ERROR)).addListener(f -> conn.close());
            } else {
                conn.close();
            }
        }

        private void sendEvent(ChannelHandlerContext ctx, int n, List<Long> sent) {
            if (!ctx.channel().isActive()) return;
            ByteBuf b = Unpooled.copiedBuffer("id: " + n + "\ndata: event " + n + "\n\n", StandardCharsets.UTF_8);
            sent.add(System.nanoTime());
            ctx.writeAndFlush(new DefaultHttpContent(b));
            if (n == 5) {
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                return;
            }
            ctx.executor().schedule(() -> sendEvent(ctx, n + 1, sent), 200, TimeUnit.MILLISECONDS);
        }

        private void full(ChannelHandlerContext ctx, String body, String type) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, b.length);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            ctx.write(r);
            ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(b)));
        }
    }

    /** Writes N bytes in 16 KiB pieces while the channel is writable. */
    private final class Pump extends ChannelInboundHandlerAdapter {
        private final long total;
        private long sent;

        Pump(long total) {
            this.total = total;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            pump(ctx);
            ctx.fireChannelWritabilityChanged();
        }

        private void pump(ChannelHandlerContext ctx) {
            while (sent < total && ctx.channel().isWritable()) {
                int len = (int) Math.min(16384, total - sent);
                ByteBuf b = ctx.alloc().buffer(len);
                b.writeZero(len);
                sent += len;
                bytesSent.addAndGet(len);
                if (sent == total) ctx.writeAndFlush(new DefaultLastHttpContent(b));
                else ctx.writeAndFlush(new DefaultHttpContent(b));
            }
        }
    }
}
