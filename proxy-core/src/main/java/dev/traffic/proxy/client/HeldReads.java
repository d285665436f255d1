package dev.traffic.proxy.client;

import dev.traffic.proxy.net.ReadGate;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Sits after the HTTP decoder of a client connection, in place of Netty's
 * {@code FlowControlHandler}, and makes {@link ReadGate} pauses lazy there: while the gate is
 * closed, decoded messages are held here, and only when one actually arrives is reading stopped
 * for real (autoRead off: an {@code epoll_ctl} with the native transport). A keep-alive client
 * sends its next request only after the response, so the usual per-exchange pause
 * ({@code EXCHANGE_BUSY}) costs no syscall at all; pipelined requests and backpressure still stop
 * the socket after at most one read burst, as before.
 *
 * <p>Buffers: held messages are owned here until passed on (when the gate opens, or when this
 * handler is removed, to the next handler) or released (channel closed). Event-loop confined.
 */
public final class HeldReads extends ChannelInboundHandlerAdapter {
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ReadGate gate;
    private boolean draining;
    private boolean completePending;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.gate = ReadGate.of(ctx.channel());
        gate.holdWith(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        gate.holdWith(null); // the gate applies its reasons to autoRead directly from now on
        while (!held.isEmpty()) ctx.fireChannelRead(held.poll()); // like FlowControlHandler: the next handler gets them
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (gate.closed() || !held.isEmpty()) {
            held.add(msg);
            gate.stopSocketReads();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (held.isEmpty()) ctx.fireChannelReadComplete();
        else completePending = true; // fired once the held messages are passed on
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    /** The gate opened: passes held messages on while it stays open. Re-entrant calls are no-ops. */
    public void drain() {
        if (draining || ctx == null || ctx.isRemoved()) return;
        draining = true;
        try {
            while (!held.isEmpty() && !gate.closed()) ctx.fireChannelRead(held.poll());
            if (held.isEmpty() && completePending) {
                completePending = false;
                ctx.fireChannelReadComplete();
            }
        } finally {
            draining = false;
        }
    }

    public boolean holding() {
        return !held.isEmpty();
    }

    private void release() {
        while (!held.isEmpty()) ReferenceCountUtil.release(held.poll());
    }
}
