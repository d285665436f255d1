package dev.traffic.proxy.connect;

import dev.traffic.proxy.net.ReadGate;
import dev.traffic.proxy.net.Target;
import dev.traffic.proxy.record.FlowRecorder;
import dev.traffic.proxy.server.ProxyContext;
import dev.traffic.proxy.upstream.UpstreamFailures;

import dev.traffic.model.FlowKind;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.TlsInfo;
import dev.traffic.model.TunnelInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * Relays the bytes of a CONNECT tunnel untouched (non-TLS protocols and passthrough hosts) and
 * records it as one TUNNEL flow: SNI when it was TLS, bytes each way, duration, how it ended.
 * Backpressure both ways via {@link ReadGate}. Buffers: bytes read from one side are written to the
 * other (which releases them); bytes that arrive before the upstream connects wait in
 * {@code early} and are released if the tunnel fails.
 */
final class TunnelRelay extends ChannelInboundHandlerAdapter {
    private final ProxyContext px;
    private final String client;
    private final Target target;
    private final String sni;
    private final boolean passthrough;
    private final FlowRequest connectRequest;
    private final ClientHello hello;
    private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
    private FlowRecorder rec;
    private Channel clientCh;
    private Channel upstream;
    private long bytesUp;
    private long bytesDown;
    private String outcome;
    private boolean finished;

    TunnelRelay(ProxyContext px, String client, Target target, String sni, boolean passthrough,
                FlowRequest connectRequest, ClientHello hello) {
        this.px = px;
        this.client = client;
        this.target = target;
        this.sni = sni;
        this.passthrough = passthrough;
        this.connectRequest = connectRequest;
        this.hello = hello;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        clientCh = ctx.channel();
        rec = new FlowRecorder(px, client, FlowKind.TUNNEL);
        rec.start(connectRequest);
        if (hello != null) {
            rec.tls(new TlsInfo(sni, null, null, String.join(",", hello.alpn()), null, null, null, null, null, null));
        }
        ReadGate.of(clientCh).pause(ReadGate.WAITING_UPSTREAM);
        InetSocketAddress via = px.config().upstreamProxy().proxyFor(target.host(), true);
        px.dialer().dial(ctx.channel().eventLoop(), target.host(), target.address(), target.port(), via, true,
                ch -> ch.pipeline().addLast(new BackRelay())).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                rec.error(UpstreamFailures.describe(f.cause(), target).message());
                outcome = "connect failed";
                clientCh.close();
                return;
            }
            upstream = f.channel();
            if (!clientCh.isActive()) {
                upstream.close();
                return;
            }
            while (!early.isEmpty()) upstream.write(early.poll());
            upstream.flush();
            ReadGate.of(clientCh).resume(ReadGate.WAITING_UPSTREAM);
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf b)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        bytesUp += b.readableBytes();
        if (upstream == null) {
            early.add(b);
            return;
        }
        upstream.write(b);
        if (!upstream.isWritable()) {
            upstream.flush();
            ReadGate.of(clientCh).pause(ReadGate.PEER_UNWRITABLE);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstream != null) upstream.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upstream != null) {
            if (ctx.channel().isWritable()) ReadGate.of(upstream).resume(ReadGate.PEER_UNWRITABLE);
            else ReadGate.of(upstream).pause(ReadGate.PEER_UNWRITABLE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (outcome == null) outcome = "client closed";
        if (upstream != null) upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        finish();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ReferenceCountUtil.release(evt); // tunnels are not closed by the client idle timer
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        rec.error("client connection failed: " + cause.getMessage());
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        while (!early.isEmpty()) early.poll().release();
    }

    private void finish() {
        if (finished) return;
        finished = true;
        while (!early.isEmpty()) early.poll().release();
        rec.tunnel(new TunnelInfo(bytesUp, bytesDown, passthrough, outcome));
        rec.finish();
    }

    /** The upstream side of the tunnel: bytes go to the client as they come. */
    private final class BackRelay extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            bytesDown += b.readableBytes();
            clientCh.write(b);
            if (!clientCh.isWritable()) {
                clientCh.flush();
                ReadGate.of(ctx.channel()).pause(ReadGate.PEER_UNWRITABLE);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            clientCh.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) ReadGate.of(clientCh).resume(ReadGate.PEER_UNWRITABLE);
            else ReadGate.of(clientCh).pause(ReadGate.PEER_UNWRITABLE);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (outcome == null) outcome = "upstream closed";
            clientCh.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            rec.error("upstream connection failed: " + cause.getMessage());
            ctx.close();
        }
    }
}
