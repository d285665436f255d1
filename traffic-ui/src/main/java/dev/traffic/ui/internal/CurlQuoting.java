package dev.traffic.ui.internal;

import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import dev.traffic.store.index.BodyText;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * A flow's request as a curl command line for a POSIX shell. Every recorded string is quoted: plain
 * text in single quotes, anything with control characters (terminal escapes) in $'...' with the
 * controls written as \xHH, so pasting the command can neither run nor print anything it should not.
 */
public final class CurlQuoting {
    /** Headers curl sets itself or that would be wrong to replay verbatim. */
    private static final Set<String> SKIP = Set.of("host", "content-length", "connection", "transfer-encoding", "proxy-connection",
            "proxy-authorization", "keep-alive", "te", "upgrade");
    private static final int BODY_LIMIT = 64 * 1024;

    private CurlQuoting() {}

    static String of(FlowRequest rq) {
        StringBuilder b = new StringBuilder("curl");
        if (!rq.method().equals("GET")) b.append(" -X ").append(quote(rq.method()));
        b.append(' ').append(quote(rq.url()));
        for (Header h : rq.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (SKIP.contains(name) || name.startsWith(":")) continue;
            b.append(" \\\n  -H ").append(quote(h.name() + ": " + h.value()));
        }
        byte[] body = rq.body().recorded();
        if (body.length > 0) {
            if (body.length <= BODY_LIMIT && BodyText.looksTextual(body) && !rq.body().truncated()) {
                b.append(" \\\n  --data-binary ").append(quote(new String(body, StandardCharsets.UTF_8)));
            } else {
                b.append(" \\\n  --data-binary @body.bin  # the body (").append(rq.body().size())
                        .append(" bytes) is binary or large: download it from the flow view");
            }
        }
        return b.toString();
    }

    public static String quote(String s) {
        boolean plain = true;
        for (int i = 0; i < s.length() && plain; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) plain = false;
        }
        if (plain) return "'" + s.replace("'", "'\\''") + "'";
        StringBuilder b = new StringBuilder("$'");
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c == '\'' || c == '\\') b.append('\\').append((char) c);
            else if (c < 0x20 || c == 0x7f) b.append(String.format(Locale.ROOT, "\\x%02x", c));
            else if (c >= 0x80) b.append(String.format(Locale.ROOT, "\\x%02x", c)); // UTF-8 bytes kept exact, C1 controls inert
            else b.append((char) c);
        }
        return b.append('\'').toString();
    }
}
