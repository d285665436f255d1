package dev.traffic.proxy.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The admin listener ({@code traffic proxy --admin HOST:PORT}), apart from the proxy port:
 * {@code GET /healthz} 200 while the process is up; {@code GET /readyz} 200 when every
 * {@link ReadinessCheck} passes, else 503 naming the failing ones; {@code GET /metrics} the
 * Prometheus text of {@link ProxyMetrics}. Anything else: 404, or 405 for other methods.
 *
 * <pre>
 *   accept (at most {@value #MAX_PER_CLIENT} open per client address and {@value #MAX_CONNECTIONS} in all;
 *           more are closed at once)
 *     -> ReadTimeoutHandler (nothing read for {@value #READ_TIMEOUT_SECONDS} s: close)
 *     -> HttpServerCodec (4 KiB request line, 8 KiB headers)
 *     -> HttpObjectAggregator (8 KiB)
 *     -> AdminHandler
 * </pre>
 *
 * Runs on its own one-thread event loop, never the proxy's, and never blocks on a client: a
 * connection that sends half a request (a liveness probe's worst enemy on a thread-per-request
 * server) costs a channel until its read timeout, not a thread, so {@code /healthz} keeps answering.
 */
public final class AdminServer implements AutoCloseable {
    static final int MAX_CONNECTIONS = 256;
    /** Per client address, so a sandbox holding connections cannot crowd out the kubelet's probes. */
    static final int MAX_PER_CLIENT = 8;
    static final int READ_TIMEOUT_SECONDS = 5;

    private final EventLoopGroup group;
    private final Channel server;
    private final ChannelGroup open;
    private final ProxyMetrics metrics;
    private final Map<String, ReadinessCheck> checks;

    private AdminServer(EventLoopGroup group, Channel server, ChannelGroup open, ProxyMetrics metrics,
            Map<String, ReadinessCheck> checks) {
        this.group = group;
        this.server = server;
        this.open = open;
        this.metrics = metrics;
        this.checks = checks;
    }

    /** Binds and serves; {@code checks} are evaluated in order at each {@code /readyz}. */
    public static AdminServer start(InetSocketAddress bind, ProxyMetrics metrics, Map<String, ReadinessCheck> checks)
            throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "traffic-admin");
            t.setDaemon(true);
            return t;
        }, NioIoHandler.newFactory());
        ChannelGroup open = new DefaultChannelGroup("traffic-admin", GlobalEventExecutor.INSTANCE);
        Map<String, ReadinessCheck> ordered = new LinkedHashMap<>(checks);
        AdminServer[] self = new AdminServer[1];
        // touched only on the one admin event loop (initChannel and close listeners run there)
        Map<java.net.InetAddress, int[]> perClient = new java.util.HashMap<>();
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        java.net.InetAddress client = ch.remoteAddress().getAddress();
                        int[] mine = perClient.computeIfAbsent(client, k -> new int[1]);
                        if (open.size() >= MAX_CONNECTIONS || mine[0] >= MAX_PER_CLIENT) {
                            ch.close();
                            return;
                        }
                        mine[0]++;
                        ch.closeFuture().addListener(f -> {
                            if (--mine[0] == 0) perClient.remove(client);
                        });
                        open.add(ch);
                        ch.pipeline().addLast("read-timeout", new ReadTimeoutHandler(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                                .addLast("http", new HttpServerCodec(4096, 8192, 8192))
                                .addLast("aggregate", new HttpObjectAggregator(8192))
                                .addLast("admin", self[0].new AdminHandler());
                    }
                });
        Channel ch;
        try {
            ch = b.bind(bind).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IOException("cannot listen on " + bind + ": " + e.getMessage(), e);
        }
        self[0] = new AdminServer(group, ch, open, metrics, ordered);
        return self[0];
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** One request in, one response out; HEAD gets the headers only. */
    private final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (!req.decoderResult().isSuccess()) {
                send(ctx, req, HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8", "malformed request\n", false);
                return;
            }
            String path = new QueryStringDecoder(req.uri()).path();
            HttpMethod method = req.method();
            if (!path.equals("/healthz") && !path.equals("/readyz") && !path.equals("/metrics")) {
                send(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                        "not found: " + path + " (try /healthz, /readyz, /metrics)\n", true);
                return;
            }
            if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
                FullHttpResponse r = response(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", "method not allowed\n", true);
                r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
                write(ctx, req, r);
                return;
            }
            boolean head = method.equals(HttpMethod.HEAD);
            switch (path) {
                case "/healthz" -> send(ctx, req, HttpResponseStatus.OK, "text/plain; charset=utf-8", "ok\n", !head);
                case "/readyz" -> readyz(ctx, req, !head);
                default -> send(ctx, req, HttpResponseStatus.OK, ProxyMetrics.contentType(), metrics.scrape(), !head);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // read timeout or a reset: nothing to answer
        }
    }

    private void readyz(ChannelHandlerContext ctx, FullHttpRequest req, boolean body) {
        StringBuilder text = new StringBuilder();
        boolean ready = true;
        for (var e : checks.entrySet()) {
            String problem;
            try {
                problem = e.getValue().problem();
            } catch (RuntimeException failure) {
                problem = failure.toString();
            }
            if (problem == null) {
                text.append("ok   ").append(e.getKey()).append('\n');
            } else {
                ready = false;
                text.append("FAIL ").append(e.getKey()).append(": ").append(problem).append('\n');
            }
        }
        send(ctx, req, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                text.toString(), body);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, String text, boolean body) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                body ? Unpooled.wrappedBuffer(bytes) : Unpooled.EMPTY_BUFFER);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return r;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String contentType,
            String text, boolean body) {
        write(ctx, req, response(status, contentType, text, body));
    }

    private static void write(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r) {
        boolean keepAlive = req.decoderResult().isSuccess() && HttpUtil.isKeepAlive(req);
        if (!keepAlive) {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(r);
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        open.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
