package dev.traffic.rules.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one path normalisation rules match on, so a rule is not dodged by spelling: percent-escapes
 * are decoded ({@code %6Derge} is {@code merge}) except {@code %2F}, which stays an escaped slash
 * inside its segment (decoding it would split a segment the server sees as one); the path is
 * lower-cased; empty segments (double slashes), {@code .} segments and a trailing slash go;
 * {@code ..} removes the segment before it (RFC 3986 5.2.4, never above the root).
 */
public final class Paths {
    private Paths() {}

    /** The normalised segments of a request path (without the query). */
    public static String[] segments(String rawPath) {
        String p = rawPath == null ? "" : rawPath;
        if (p.indexOf('%') >= 0) p = decode(p);
        List<String> out = new ArrayList<>();
        int i = 0, n = p.length();
        while (i <= n) {
            int j = p.indexOf('/', i);
            if (j < 0) j = n;
            String seg = p.substring(i, j);
            if (seg.isEmpty() || seg.equals(".")) {
                // double slash, trailing slash, "."
            } else if (seg.equals("..")) {
                if (!out.isEmpty()) out.remove(out.size() - 1);
            } else {
                out.add(seg.toLowerCase(Locale.ROOT));
            }
            i = j + 1;
        }
        return out.toArray(new String[0]);
    }

    /** The normalised path as text: "/" + segments joined by "/". */
    public static String normalize(String rawPath) {
        String[] s = segments(rawPath);
        return s.length == 0 ? "/" : "/" + String.join("/", s);
    }

    /** Percent-decodes as UTF-8, keeping %2F (as "%2f") and malformed escapes as they are. */
    static String decode(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            byte c = raw[i];
            if (c == '%' && i + 2 < raw.length) {
                int hi = Character.digit(raw[i + 1], 16), lo = Character.digit(raw[i + 2], 16);
                if (hi >= 0 && lo >= 0) {
                    int v = hi * 16 + lo;
                    if (v == '/') {
                        b.writeBytes(new byte[] {'%', '2', 'f'});
                    } else {
                        b.write(v);
                    }
                    i += 2;
                    continue;
                }
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
