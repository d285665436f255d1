package dev.traffic.proxy.client.h2;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Outbound adapter on a client h2 stream, in front of the HttpObject codec: the exchange writes an
 * interim response as head + empty {@code LastHttpContent} (HTTP/1.1 style), which the codec would
 * turn into an end of stream. Here {@code 100 Continue} becomes the single full message the codec
 * expects and its empty last content is dropped; other 1xx (e.g. 103) are not forwarded to h2
 * clients (the codec cannot send them without ending the stream). Buffers: dropped contents are
 * released here.
 */
public final class H2InterimResponses extends ChannelOutboundHandlerAdapter {
    private boolean dropNextLast;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse r && !(msg instanceof HttpContent)
                && r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            dropNextLast = true;
            if (r.status().code() == 100) {
                DefaultFullHttpResponse full = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER);
                ctx.write(full, promise);
            } else {
                promise.setSuccess();
            }
            return;
        }
        if (dropNextLast && msg instanceof HttpContent) {
            if (msg instanceof LastHttpContent) dropNextLast = false;
            ReferenceCountUtil.release(msg);
            promise.setSuccess();
            return;
        }
        ctx.write(msg, promise);
    }
}
