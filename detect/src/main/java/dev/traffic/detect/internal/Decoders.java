package dev.traffic.detect.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The decoders the scanner layers over text: base64 (standard and URL-safe, lenient about padding),
 * hex, base32, percent-encoding, JSON escapes, and gzip/deflate/brotli bodies. All are bounded
 * (output caps) and return null instead of throwing on malformed input. Text is handled as
 * ISO-8859-1 strings so that any byte round-trips.
 */
public final class Decoders {
    private static final byte[] B64 = new byte[128];
    private static final byte[] B32 = new byte[128];

    static {
        java.util.Arrays.fill(B64, (byte) -1);
        java.util.Arrays.fill(B32, (byte) -1);
        String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < a.length(); i++) B64[a.charAt(i)] = (byte) i;
        B64['+'] = 62; B64['-'] = 62; B64['/'] = 63; B64['_'] = 63;
        String b = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        for (int i = 0; i < b.length(); i++) {
            B32[b.charAt(i)] = (byte) i;
            B32[Character.toLowerCase(b.charAt(i))] = (byte) i;
        }
    }

    private Decoders() {}

    /** Base64 of s[from,to) in either alphabet, '=' padding ignored; null on a foreign char. */
    public static byte[] base64(CharSequence s, int from, int to) {
        while (to > from && s.charAt(to - 1) == '=') to--;
        int n = to - from;
        if (n % 4 == 1) n--; // a dangling char carries no whole byte
        byte[] out = new byte[n * 3 / 4];
        int acc = 0, bits = 0, o = 0;
        for (int i = from; i < from + n; i++) {
            char c = s.charAt(i);
            int v = c < 128 ? B64[c] : -1;
            if (v < 0) return null;
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = (byte) (acc >> bits);
            }
        }
        return o == out.length ? out : java.util.Arrays.copyOf(out, o);
    }

    /**
     * True when {@code base64(s, from, to)} certainly yields a probe that {@code tryDecode} skips:
     * invalid, shorter than {@code minBytes}, or neither compressed-looking nor {@link #mostlyText}.
     * Decodes without allocating and stops as soon as too many bytes are non-text, so random
     * key material (the common case) costs a few chars, not the whole probe. False means "decode
     * it for real".
     */
    static boolean base64Rejects(CharSequence s, int from, int to, int minBytes) {
        while (to > from && s.charAt(to - 1) == '=') to--;
        int n = to - from;
        if (n % 4 == 1) n--;
        int len = n * 3 / 4;
        if (len < minBytes) return true;
        int acc = 0, bits = 0, o = 0, bad = 0, b0 = 0;
        for (int i = from; i < from + n; i++) {
            char c = s.charAt(i);
            int v = c < 128 ? B64[c] : -1;
            if (v < 0) return true;
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                int x = (acc >> bits) & 0xff;
                if (o == 0) b0 = x;
                if (o == 1 && ((b0 == 0x1f && x == 0x8b) || (b0 == 0x78 && (b0 * 256 + x) % 31 == 0))) return false; // see compressedMagic
                if (!((x >= 0x20 && x < 0x7f) || x == '\n' || x == '\r' || x == '\t')) bad++;
                if (++o >= 2 && bad * 100 > len * 8) return true;
            }
        }
        return false;
    }

    /**
     * {@link #base64Rejects(CharSequence, int, int, int)} of the chars {@code b[from, to)} (each
     * byte one Latin-1 char): the same loop reading the array.
     */
    static boolean base64Rejects(byte[] s, int from, int to, int minBytes) {
        while (to > from && s[to - 1] == '=') to--;
        int n = to - from;
        if (n % 4 == 1) n--;
        int len = n * 3 / 4;
        if (len < minBytes) return true;
        int acc = 0, bits = 0, o = 0, bad = 0, b0 = 0;
        for (int i = from; i < from + n; i++) {
            int c = s[i];
            int v = c >= 0 ? B64[c] : -1; // bytes >= 0x80 are chars >= 128
            if (v < 0) return true;
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                int x = (acc >> bits) & 0xff;
                if (o == 0) b0 = x;
                if (o == 1 && ((b0 == 0x1f && x == 0x8b) || (b0 == 0x78 && (b0 * 256 + x) % 31 == 0))) return false;
                if (!((x >= 0x20 && x < 0x7f) || x == '\n' || x == '\r' || x == '\t')) bad++;
                if (++o >= 2 && bad * 100 > len * 8) return true;
            }
        }
        return false;
    }

    /** ASCII hex digit values, -1 elsewhere. */
    private static final byte[] HEX = new byte[128];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int c = 0; c < 128; c++) HEX[c] = (byte) Character.digit(c, 16);
    }

    /**
     * True when {@code hex(s, from, to)} is certainly null or not {@link #mostlyText}, decided
     * without allocating and, for random digests and ids (the common case), after a few bytes: the
     * count of non-text bytes only grows, so it stops once it exceeds what mostlyText allows. A
     * non-ASCII char (which {@link Character#digit} may still read as a digit) answers false:
     * "decode it for real". False means decode it for real.
     */
    static boolean hexRejects(CharSequence s, int from, int to) {
        int n = to - from;
        if ((n & 1) != 0 || n == 0) return true;
        int len = n / 2, bad = 0;
        for (int i = from; i < to; i += 2) {
            char a = s.charAt(i), b = s.charAt(i + 1);
            if (a >= 128 || b >= 128) return false;
            int hi = HEX[a], lo = HEX[b];
            if (hi < 0 || lo < 0) return true;
            int x = (hi << 4) | lo;
            if (!((x >= 0x20 && x < 0x7f) || x == '\n' || x == '\r' || x == '\t') && ++bad * 100 > len * 8) return true;
        }
        return false;
    }

    public static byte[] hex(CharSequence s, int from, int to) {
        if (((to - from) & 1) != 0) return null;
        byte[] out = new byte[(to - from) / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(s.charAt(from + 2 * i), 16);
            int lo = Character.digit(s.charAt(from + 2 * i + 1), 16);
            if (hi < 0 || lo < 0) return null;
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    public static byte[] base32(CharSequence s, int from, int to) {
        while (to > from && s.charAt(to - 1) == '=') to--;
        byte[] out = new byte[(to - from) * 5 / 8];
        int acc = 0, bits = 0, o = 0;
        for (int i = from; i < to && o < out.length; i++) {
            char c = s.charAt(i);
            int v = c < 128 ? B32[c] : -1;
            if (v < 0) return null;
            acc = (acc << 5) | v;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = (byte) (acc >> bits);
            }
        }
        return out;
    }

    /** Percent-decodes (and '+' to space when {@code form}); returns the input when it has no escapes. */
    public static String percent(String s, boolean form) {
        if (s.indexOf('%') < 0 && (!form || s.indexOf('+') < 0)) return s;
        String fast = percentLatin1(s, form);
        if (fast != null) return fast;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Chars.hex(s.charAt(i + 1)) && Chars.hex(s.charAt(i + 2))) {
                out.write(Character.digit(s.charAt(i + 1), 16) << 4 | Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+' && form) {
                out.write(' ');
            } else if (c < 256) {
                out.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * {@link #percent} of a text whose chars are all below 256 (each one byte out, decoding only
     * shortens): into one byte array instead of a stream; null when some char is not Latin-1.
     */
    private static String percentLatin1(String s, boolean form) {
        int n = s.length();
        byte[] out = new byte[n];
        int o = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < n && Chars.hex(s.charAt(i + 1)) && Chars.hex(s.charAt(i + 2))) {
                out[o++] = (byte) (Character.digit(s.charAt(i + 1), 16) << 4 | Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+' && form) {
                out[o++] = ' ';
            } else if (c < 256) {
                out[o++] = (byte) c;
            } else {
                return null;
            }
        }
        return new String(out, 0, o, StandardCharsets.ISO_8859_1);
    }

    /** Resolves JSON/JS escapes (\\uXXXX, \\xXX, \\n, \\/ ...) outside a JSON parser; input when none. */
    public static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                sb.append(c);
                continue;
            }
            char n = s.charAt(i + 1);
            if (n == 'u' && i + 5 < s.length() && allHex(s, i + 2, i + 6)) {
                sb.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else if (n == 'x' && i + 3 < s.length() && allHex(s, i + 2, i + 4)) {
                sb.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                sb.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> n;
                });
                i++;
            }
        }
        return sb.toString();
    }

    private static boolean allHex(String s, int from, int to) {
        for (int i = from; i < to; i++) if (!Chars.hex(s.charAt(i))) return false;
        return true;
    }

    /** Fraction of bytes that are printable ASCII or common whitespace. */
    public static boolean mostlyText(byte[] b) {
        if (b.length == 0) return false;
        int ok = 0;
        for (byte x : b) if ((x >= 0x20 && x < 0x7f) || x == '\n' || x == '\r' || x == '\t') ok++;
        return ok * 100 >= b.length * 92;
    }

    public static boolean compressedMagic(byte[] b) {
        if (b.length < 2) return false;
        int b0 = b[0] & 0xff, b1 = b[1] & 0xff;
        return (b0 == 0x1f && b1 == 0x8b) || (b0 == 0x78 && (b0 * 256 + b1) % 31 == 0);
    }

    /** Inflates gzip or zlib data to at most {@code max} bytes; null when it is neither. */
    public static byte[] inflate(byte[] b, int max) {
        if (b.length < 2) return null;
        try {
            InputStream in = (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b
                    ? new GZIPInputStream(new ByteArrayInputStream(b))
                    : new InflaterInputStream(new ByteArrayInputStream(b));
            return readCapped(in, max);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Undoes a Content-Encoding (gzip, x-gzip, deflate, br; comma lists applied right to left);
     * null when it is unknown or the data is corrupt.
     */
    public static byte[] contentDecode(byte[] body, String contentEncoding, int max) {
        String[] codings = contentEncoding.toLowerCase(Locale.ROOT).split(",");
        byte[] cur = body;
        for (int i = codings.length - 1; i >= 0 && cur != null; i--) {
            String c = codings[i].trim();
            try {
                cur = switch (c) {
                    case "gzip", "x-gzip" -> readCapped(new GZIPInputStream(new ByteArrayInputStream(cur)), max);
                    case "deflate" -> inflateDeflate(cur, max);
                    case "br" -> readCapped(new org.brotli.dec.BrotliInputStream(new ByteArrayInputStream(cur)), max);
                    case "identity", "" -> cur;
                    default -> null;
                };
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
        return cur;
    }

    private static byte[] inflateDeflate(byte[] b, int max) throws IOException {
        boolean zlib = b.length >= 2 && (b[0] & 0x0f) == 8 && ((b[0] & 0xff) * 256 + (b[1] & 0xff)) % 31 == 0;
        return readCapped(new InflaterInputStream(new ByteArrayInputStream(b), new Inflater(!zlib)), max);
    }

    private static byte[] readCapped(InputStream in, int max) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                int room = max - out.size();
                out.write(buf, 0, Math.min(n, room));
                if (n >= room) break;
            }
            return out.toByteArray();
        }
    }

    public static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
