package dev.traffic.store.index;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Turns a recorded body into searchable/printable text: undoes {@code Content-Encoding} gzip,
 * deflate (zlib or raw), zstd and br,
 * at most {@code limit} decoded bytes, and says whether the result looks like text.
 */
public final class BodyText {
    private BodyText() {}

    /** Decoded bytes, or the input unchanged when the encoding is absent, unknown or the data is damaged/truncated. */
    public static byte[] decode(byte[] raw, String contentEncoding, int limit) {
        if (contentEncoding == null || raw.length == 0) return cap(raw, limit);
        String enc = contentEncoding.trim().toLowerCase(Locale.ROOT);
        try {
            InputStream in = switch (enc) {
                case "gzip", "x-gzip" -> new GZIPInputStream(new ByteArrayInputStream(raw));
                case "deflate" -> deflate(raw);
                case "zstd" -> new ZstdInputStream(new ByteArrayInputStream(raw));
                case "br" -> new org.brotli.dec.BrotliInputStream(new ByteArrayInputStream(raw));
                default -> null;
            };
            if (in == null) return cap(raw, limit);
            try (in) {
                return readUpTo(in, limit);
            }
        } catch (IOException | RuntimeException e) {
            return cap(raw, limit);
        }
    }

    private static InputStream deflate(byte[] raw) {
        // "deflate" is zlib-wrapped per RFC 9110, but some servers send raw deflate
        boolean zlib = raw.length >= 2 && (raw[0] & 0x0f) == 8 && ((raw[0] & 0xff) << 8 | (raw[1] & 0xff)) % 31 == 0;
        return new InflaterInputStream(new ByteArrayInputStream(raw), new Inflater(!zlib));
    }

    private static byte[] readUpTo(InputStream in, int limit) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int total = 0;
        try {
            for (int n; total < limit && (n = in.read(buf, 0, Math.min(buf.length, limit - total))) > 0; ) {
                out.write(buf, 0, n);
                total += n;
            }
        } catch (java.io.EOFException e) {
            // a truncated recording: keep what decoded
        }
        return out.toByteArray();
    }

    private static byte[] cap(byte[] b, int limit) {
        return b.length <= limit ? b : java.util.Arrays.copyOf(b, limit);
    }

    /** True when the bytes look like text (few control characters in the first 4 KB). */
    public static boolean looksTextual(byte[] b) {
        int n = Math.min(b.length, 4096);
        int bad = 0;
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            if (c == 0) return false;
            if (c < 9 || (c > 13 && c < 32) || c == 127) bad++;
        }
        return bad * 20 <= n;
    }

    public static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
