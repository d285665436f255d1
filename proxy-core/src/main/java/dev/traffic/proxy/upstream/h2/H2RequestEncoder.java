package dev.traffic.proxy.upstream.h2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HttpObject codec of an upstream h2 stream, with our own request-head conversion: Netty's
 * converter drops the Host header of origin-form requests (no {@code :authority}) and rejects
 * paths {@code java.net.URI} cannot parse. Here {@code :path} is the request-target verbatim,
 * {@code :authority} is the Host header and connection-specific headers are dropped (RFC 9113
 * 8.2.2; {@code te: trailers} is kept, gRPC needs it). Responses, bodies and trailers use Netty's
 * conversion. Buffers: content is retained into DATA frames exactly like the base class does.
 */
final class H2RequestEncoder extends Http2StreamFrameToHttpObjectCodec {
    private static final Set<String> CONNECTION_SPECIFIC = Set.of("host", "connection", "keep-alive",
            "proxy-connection", "transfer-encoding", "upgrade");

    H2RequestEncoder() {
        super(false);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, HttpObject obj, List<Object> out) throws Exception {
        if (!(obj instanceof HttpRequest req)) {
            super.encode(ctx, obj, out);
            return;
        }
        boolean endStream = obj instanceof FullHttpMessage f && !f.content().isReadable() && f.trailingHeaders().isEmpty();
        out.add(new DefaultHttp2HeadersFrame(requestHeaders(req, "https"), endStream));
        if (obj instanceof LastHttpContent last && !endStream) {
            super.encode(ctx, new DefaultLastHttpContent(last.content(), last.trailingHeaders()), out);
        }
    }

    static Http2Headers requestHeaders(HttpRequest req, String scheme) {
        Http2Headers out = new DefaultHttp2Headers(false, req.headers().size() + 4);
        out.method(req.method().asciiName());
        out.path(req.uri());
        out.scheme(scheme);
        String host = req.headers().get(HttpHeaderNames.HOST);
        if (host != null) out.authority(host);
        Set<String> named = new HashSet<>();
        for (String v : req.headers().getAll(HttpHeaderNames.CONNECTION)) {
            for (String t : v.split(",")) named.add(t.trim().toLowerCase(Locale.ROOT));
        }
        for (Map.Entry<String, String> e : req.headers()) {
            String n = e.getKey().toLowerCase(Locale.ROOT);
            if (CONNECTION_SPECIFIC.contains(n) || named.contains(n)) continue;
            if (n.equals("te")) {
                if (e.getValue().toLowerCase(Locale.ROOT).contains("trailers")) out.add("te", "trailers");
                continue;
            }
            out.add(n, e.getValue());
        }
        return out;
    }
}
