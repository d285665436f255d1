package dev.traffic.broker.internal;

import dev.traffic.model.Header;
import dev.traffic.stage.StreamRewriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response body rewriter for a brokered exchange. The proxy asks upstream for
 * {@code Accept-Encoding: identity}, so normally the body is plain and streams through the
 * {@link Replacer} with hold-back. An upstream that answers with gzip or deflate anyway is decoded,
 * replaced and re-encoded (buffered up to {@link #MAX_CODED} bytes); a coding the JDK cannot
 * decode (br, zstd, ...) or a coded body past the cap is withheld (the client gets an empty body and
 * the log says why): a body that might echo a secret is never passed through unread.
 */
public final class ResponseBodies {
    private static final Logger log = LoggerFactory.getLogger(ResponseBodies.class);
    static final int MAX_CODED = 32 << 20;

    private ResponseBodies() {}

    public static StreamRewriter rewriter(List<Header> headers, Replacer replacer) {
        String coding = null;
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase("content-encoding")) coding = coding == null ? h.value() : coding + "," + h.value();
        }
        if (coding == null || coding.isBlank() || coding.trim().equalsIgnoreCase("identity")) return replacer.stream();
        String c = coding.trim().toLowerCase(Locale.ROOT);
        if (c.equals("gzip") || c.equals("x-gzip") || c.equals("deflate")) return new Coded(c, replacer);
        return new Withheld(c);
    }

    /** gzip/deflate: collect, decode, replace, re-encode at the end. */
    private static final class Coded implements StreamRewriter {
        private final String coding;
        private final Replacer replacer;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private boolean over;

        Coded(String coding, Replacer replacer) {
            this.coding = coding;
            this.replacer = replacer;
        }

        @Override
        public byte[] rewrite(byte[] piece, boolean last) {
            if (!over) {
                if (buf.size() + piece.length > MAX_CODED) {
                    over = true;
                    log.warn("credential broker: {} response body over {} bytes withheld (it could echo a secret)", coding, MAX_CODED);
                } else {
                    buf.write(piece, 0, piece.length);
                }
            }
            if (!last || over) return new byte[0];
            try {
                byte[] plain;
                try (InputStream in = coding.equals("deflate") ? new InflaterInputStream(new ByteArrayInputStream(buf.toByteArray()))
                        : new GZIPInputStream(new ByteArrayInputStream(buf.toByteArray()))) {
                    plain = in.readAllBytes();
                }
                byte[] out = replacer.apply(plain);
                ByteArrayOutputStream enc = new ByteArrayOutputStream(out.length / 2 + 64);
                try (OutputStream o = coding.equals("deflate") ? new DeflaterOutputStream(enc) : new GZIPOutputStream(enc)) {
                    o.write(out);
                }
                return enc.toByteArray();
            } catch (IOException e) {
                log.warn("credential broker: cannot decode the {} response body ({}); withheld", coding, e.getMessage());
                return new byte[0];
            }
        }
    }

    private static final class Withheld implements StreamRewriter {
        private boolean logged;
        private final String coding;

        Withheld(String coding) {
            this.coding = coding;
        }

        @Override
        public byte[] rewrite(byte[] piece, boolean last) {
            if (!logged) {
                logged = true;
                log.warn("credential broker: response body in content coding '{}' withheld (cannot be checked for echoed secrets)", coding);
            }
            return new byte[0];
        }
    }
}
