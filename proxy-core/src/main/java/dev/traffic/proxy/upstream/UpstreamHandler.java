package dev.traffic.proxy.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of an upstream HTTP/1.1 pipeline: forwards decoded response objects to the exchange
 * currently using the connection. Without an exchange (idle in the pool) any data is unexpected:
 * it is released and the connection closed, and an idle event closes it.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private UpstreamListener listener;
    private Runnable onClose;

    void listener(UpstreamListener l) {
        this.listener = l;
    }

    void onClose(Runnable r) {
        this.onClose = r;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamListener l = listener;
        if (l != null && msg instanceof HttpObject o) {
            l.onUpstreamMessage(o);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (listener != null) listener.onUpstreamReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (listener != null) listener.onUpstreamWritabilityChanged(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (listener != null) listener.onUpstreamIdle();
            else ctx.close();
        } else {
            ReferenceCountUtil.release(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        UpstreamListener l = listener;
        listener = null;
        if (l != null) l.onUpstreamClosed(cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        UpstreamListener l = listener;
        listener = null;
        if (onClose != null) onClose.run();
        if (l != null) l.onUpstreamClosed(null);
    }
}
