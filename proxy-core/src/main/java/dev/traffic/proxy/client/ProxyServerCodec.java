package dev.traffic.proxy.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

/**
 * The client-facing HTTP/1.1 codec: like Netty's {@code HttpServerCodec} (it remembers each
 * request's method so a response to HEAD is encoded without a body), but strict for a proxy: a
 * request carrying both Content-Length and Transfer-Encoding is marked failed (request smuggling)
 * instead of having its Content-Length silently dropped. Buffers: the decoder emits slices it owns
 * until the next handler, which must release them; the encoder releases what it writes.
 */
public final class ProxyServerCodec extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {
    private final Queue<HttpMethod> methods = new ArrayDeque<>();

    public ProxyServerCodec(int maxInitialLine, int maxHeaderSize) {
        HttpDecoderConfig cfg = new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLine)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(64 * 1024)
                .setAllowDuplicateContentLengths(false)
                .setAllowPartialChunks(true)
                .setStrictLineParsing(true);
        init(new Decoder(cfg), new Encoder());
    }

    /** Thrown into the decoder result of a request that could be used to smuggle another. */
    public static final class SmugglingException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public SmugglingException(String message) {
            super(message);
        }
    }

    private final class Decoder extends HttpRequestDecoder {
        Decoder(HttpDecoderConfig cfg) {
            super(cfg);
        }

        private boolean inHead = true;   // the next bytes belong to a request head
        private boolean headBegun;       // part of that head was already consumed by the decoder
        private boolean folded;

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (inHead && !folded) folded = hasObsFold(buffer, headBegun);
            int before = out.size();
            int readerBefore = buffer.readerIndex();
            super.decode(ctx, buffer, out);
            if (inHead && buffer.readerIndex() > readerBefore) headBegun = true;
            for (int i = before; i < out.size(); i++) {
                Object o = out.get(i);
                if (o instanceof HttpRequest r) {
                    methods.add(r.method());
                    if (folded && r.decoderResult().isSuccess()) {
                        r.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("obsolete header line folding")));
                    }
                    inHead = false;
                    headBegun = false;
                    folded = false;
                }
                if (o instanceof io.netty.handler.codec.http.LastHttpContent) inHead = true;
            }
        }

        /**
         * Netty joins folded header lines (RFC 9112 obs-fold) silently; a proxy must not guess, so
         * we look for a line starting with SP/HTAB inside the head and fail the request instead.
         */
        private boolean hasObsFold(ByteBuf b, boolean begun) {
            int i = b.readerIndex();
            int end = b.writerIndex();
            if (begun && i < end) {
                byte c = b.getByte(i);
                if (c == ' ' || c == '\t') return true;
            }
            boolean sawLine = false;
            for (; i < end - 1; i++) {
                if (b.getByte(i) != '\n') continue;
                byte c = b.getByte(i + 1);
                if ((c == ' ' || c == '\t') && (sawLine || begun)) return true;
                if (c == '\r' || c == '\n') {
                    if (sawLine || begun) return false; // end of the head
                    continue; // blank lines before a request line
                }
                sawLine = true;
            }
            return false;
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            message.setDecoderResult(DecoderResult.failure(
                    new SmugglingException("both Content-Length and Transfer-Encoding")));
            super.handleTransferEncodingChunkedWithContentLength(message);
        }
    }

    private final class Encoder extends HttpResponseEncoder {
        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            boolean interim = msg.status().codeClass() == HttpStatusClass.INFORMATIONAL && msg.status().code() != 101;
            if (interim) return true; // 100 Continue etc.: the request still awaits its final response
            HttpMethod method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }
    }
}
