package dev.traffic.proxy.client.h2;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;

/**
 * Sits right after {@code Http2StreamFrameToHttpObjectCodec} on every stream channel (client and
 * upstream side) and makes its output look exactly like an HTTP/1.1 decoder's: a full message (a
 * HEADERS frame that ended the stream) is split into head + {@code LastHttpContent}; Netty's
 * {@code x-http2-*} bookkeeping headers (not on the wire) are removed so they are neither recorded
 * nor forwarded; and each head is marked with version {@link #HTTP_2} so the flow records which
 * version each side spoke (whoever forwards it to an HTTP/1.1 peer sets HTTP/1.1 back).
 * Buffers: a split message's content moves into the {@code LastHttpContent}; nothing is held.
 */
@Sharable
public final class H2Messages extends ChannelInboundHandlerAdapter {
    /** HTTP/2 as an {@code HttpVersion} (keep-alive by default, like HTTP/1.1). */
    public static final HttpVersion HTTP_2 = new HttpVersion("HTTP", 2, 0, true);
    public static final H2Messages INSTANCE = new H2Messages();

    private H2Messages() {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest f) {
            strip(f.headers());
            ctx.fireChannelRead(new DefaultHttpRequest(HTTP_2, f.method(), f.uri(), f.headers()));
            ctx.fireChannelRead(last(f.content(), f.trailingHeaders()));
            return;
        }
        if (msg instanceof FullHttpResponse f) {
            strip(f.headers());
            ctx.fireChannelRead(new DefaultHttpResponse(HTTP_2, f.status(), f.headers()));
            ctx.fireChannelRead(last(f.content(), f.trailingHeaders()));
            return;
        }
        if (msg instanceof HttpMessage m) {
            strip(m.headers());
            m.setProtocolVersion(HTTP_2);
        }
        if (msg instanceof LastHttpContent l) strip(l.trailingHeaders());
        ctx.fireChannelRead(msg);
    }

    private static LastHttpContent last(io.netty.buffer.ByteBuf content, HttpHeaders trailers) {
        strip(trailers);
        LastHttpContent l = new DefaultLastHttpContent(content);
        l.trailingHeaders().set(trailers);
        return l;
    }

    static void strip(HttpHeaders h) {
        if (h.isEmpty()) return;
        for (ExtensionHeaderNames n : ExtensionHeaderNames.values()) h.remove(n.text());
    }

    /** True when {@code v} is HTTP/2 (as marked by this handler). */
    public static boolean isH2(HttpVersion v) {
        return v.majorVersion() == 2;
    }
}
