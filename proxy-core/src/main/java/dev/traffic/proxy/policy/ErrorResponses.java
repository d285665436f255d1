package dev.traffic.proxy.policy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The proxy's own responses (403, 400, 502, ...): a short plain-text body saying why, as a Netty
 * response for pipelines with an HTTP encoder, or as raw HTTP/1.1 bytes for a connection whose
 * codec is already gone (after CONNECT). The caller owns the returned object until it writes it.
 */
public final class ErrorResponses {
    private ErrorResponses() {}

    public static FullHttpResponse of(int status, String message, boolean close) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set("X-Traffic-Error", "true");
        if (close) r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }

    public static ByteBuf raw(ByteBufAllocator alloc, int status, String message) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + HttpResponseStatus.valueOf(status) + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "X-Traffic-Error: true\r\n"
                + "Connection: close\r\n\r\n";
        ByteBuf b = alloc.buffer(head.length() + body.length);
        b.writeCharSequence(head, StandardCharsets.US_ASCII);
        b.writeBytes(body);
        return b;
    }
}
