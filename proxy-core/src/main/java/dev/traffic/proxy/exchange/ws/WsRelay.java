package dev.traffic.proxy.exchange.ws;

import dev.traffic.proxy.record.FlowRecorder;
import dev.traffic.proxy.net.ReadGate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of one side of an upgraded WebSocket connection: every byte read is shown to the
 * direction's {@link WsFrameTap} and written unchanged to the other side (masks and extensions
 * stay as the endpoints made them), or, client to server with an inspector, handed to the
 * {@link WsMessageGate}, which holds each message until inspected. Backpressure: reading pauses
 * while the other side is not writable. When either side closes, the other is flushed and closed and the flow ends.
 * Buffers: each ByteBuf read is handed to the peer's write (which releases it); anything else
 * (e.g. the HTTP decoder's last empty content after the 101) is released here.
 */
final class WsRelay extends ChannelInboundHandlerAdapter {
    /** State both directions share: the two channels and the flow. */
    static final class Session {
        final Channel client;
        final Channel upstream;
        final FlowRecorder rec;
        final WsRecordBudget budget;
        WsMessageGate gate; // client-to-server inspection, or null
        boolean ended;

        Session(Channel client, Channel upstream, FlowRecorder rec, WsRecordBudget budget) {
            this.client = client;
            this.upstream = upstream;
            this.rec = rec;
            this.budget = budget;
        }

        void end(String error) {
            if (ended) return;
            ended = true;
            if (gate != null) gate.releaseAll();
            if (error != null) rec.error(error);
            budget.finish();
            rec.finish();
            closeAfterFlush(client);
            closeAfterFlush(upstream);
        }

        private static void closeAfterFlush(Channel ch) {
            if (ch.isActive()) ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private final Session session;
    private final Channel peer;
    private final WsFrameTap tap; // null: the session's gate handles this direction
    private boolean flushPeer;

    WsRelay(Session session, Channel peer, WsFrameTap tap) {
        this.session = session;
        this.peer = peer;
        this.tap = tap;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf b) || session.ended) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!b.isReadable()) {
            b.release();
            return;
        }
        if (tap == null) { // the gate inspects, records and forwards (or blocks) this direction
            session.gate.read(b);
            return;
        }
        tap.feed(b);
        peer.write(b);
        flushPeer = true;
        if (!peer.isWritable()) { // pause, then flush (a flush may make it writable again at once)
            ReadGate.of(ctx.channel()).pause(ReadGate.PEER_UNWRITABLE);
            flushPeer = false;
            peer.flush();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushPeer) {
            flushPeer = false;
            peer.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // this side drained (or filled): the peer, which writes here, may read again (or must wait)
        ReadGate g = ReadGate.of(peer);
        if (ctx.channel().isWritable()) g.resume(ReadGate.PEER_UNWRITABLE);
        else g.pause(ReadGate.PEER_UNWRITABLE);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.end(null);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && ctx.channel() == session.upstream) {
            session.end("websocket idle: no traffic for the upstream idle timeout");
            return;
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.end("websocket " + (ctx.channel() == session.client ? "client" : "upstream") + " failed: " + cause);
    }
}
