package dev.traffic.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.traffic.store.FlowJson;
import dev.traffic.store.index.BodyText;
import dev.traffic.model.Body;
import dev.traffic.model.Decision;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** How flows are printed: one short line, one JSON line, or the whole flow for {@code show}. */
final class FlowFormat {
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String RESET = "\u001b[0m";
    /** The most decoded body bytes {@code show} prints (issue 15: a 101 KB zstd body decoded to 2 GiB). */
    static final int DISPLAY_LIMIT = 4 * 1024 * 1024;

    private FlowFormat() {}

    /** {@code #seq time duration client METHOD url status req/resp sizes [flags]}. */
    static String shortLine(Flow f, boolean colour) {
        StringBuilder b = new StringBuilder();
        b.append('#').append(f.seq()).append(' ').append(f.start()).append(' ');
        b.append(f.end() == null ? "-" : Duration.between(f.start(), f.end()).toMillis() + "ms").append(' ');
        b.append(f.client() == null ? "-" : TerminalText.field(f.client())).append(' ');
        FlowRequest rq = f.request();
        FlowResponse rs = f.response();
        if (rq != null) b.append(TerminalText.field(rq.method())).append(' ').append(TerminalText.field(rq.url()));
        else b.append(f.kind());
        b.append(' ');
        String status = rs == null ? (f.error() != null ? "ERR" : "-") : Integer.toString(rs.status());
        b.append(colour ? statusColour(rs) + status + RESET : status);
        b.append(' ').append(size(rq == null ? 0 : rq.body().size())).append('/').append(size(rs == null ? 0 : rs.body().size()));
        if (f.tunnel() != null) b.append(" tunnel ").append(size(f.tunnel().bytesUp())).append('/').append(size(f.tunnel().bytesDown()));
        if (!f.findings().isEmpty()) {
            StringBuilder fl = new StringBuilder(" [");
            for (int i = 0; i < f.findings().size(); i++) {
                Finding x = f.findings().get(i);
                if (i > 0) fl.append(',');
                fl.append(x.severity() == null ? "?" : x.severity().label()).append(':').append(TerminalText.field(x.rule()));
            }
            fl.append(']');
            b.append(colour ? "\u001b[1;31m" + fl + RESET : fl);
        }
        if (f.policy().action() == dev.traffic.model.PolicyDecision.Action.BLOCK) b.append(" BLOCKED");
        // the decisive lines of the trace (a plain allow is the default and says nothing)
        for (Decision d : f.decisions()) {
            if ("allow".equals(d.action())) continue;
            b.append(' ').append(TerminalText.field(d.action())).append('=').append(TerminalText.field(d.rule() == null ? d.stage() : d.rule()));
        }
        if (!f.credentials().isEmpty()) b.append(" creds=").append(TerminalText.field(String.join(",", f.credentials())));
        if (f.error() != null) b.append(" error=\"").append(TerminalText.field(f.error())).append('"');
        return b.toString();
    }

    private static String statusColour(FlowResponse rs) {
        if (rs == null) return "\u001b[31m";
        int s = rs.status();
        return s >= 500 ? "\u001b[31m" : s >= 400 ? "\u001b[33m" : s >= 300 ? "\u001b[36m" : "\u001b[32m";
    }

    static String size(long n) {
        if (n < 1024) return n + "B";
        if (n < 1024 * 1024) return String.format(Locale.ROOT, "%.1fKB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1fMB", n / 1048576.0);
        return String.format(Locale.ROOT, "%.1fGB", n / 1073741824.0);
    }

    static String jsonLine(Flow f) {
        return TerminalText.json(FlowJson.toJson(f));
    }

    /** Everything about one flow; bodies decoded, JSON pretty-printed, binary as a hex summary. */
    static void show(Flow f, String which, PrintWriter out) {
        out.println("flow " + TerminalText.field(f.id()) + "  seq " + f.seq() + "  " + f.kind()
                + (f.session() == null ? "" : "  session " + TerminalText.field(f.session())));
        out.println("time     " + f.start() + (f.end() == null ? "" : " .. " + f.end() + " (" + Duration.between(f.start(), f.end()).toMillis() + " ms)"));
        if (f.client() != null) out.println("client   " + TerminalText.field(f.client()));
        out.println("policy   " + f.policy().action() + (f.policy().rule() == null ? "" : " (" + TerminalText.field(f.policy().rule()) + ")"));
        String tls = tlsLine(f.tls());
        if (tls != null) out.println("tls      " + tls);
        if (f.tunnel() != null) {
            out.println("tunnel   up " + f.tunnel().bytesUp() + " B, down " + f.tunnel().bytesDown() + " B" + (f.tunnel().passthrough() ? ", passthrough" : ""));
        }
        if (f.error() != null) out.println("error    " + TerminalText.field(f.error()));
        for (Finding x : f.findings()) {
            out.println(TerminalText.field("finding  " + (x.severity() == null ? "?" : x.severity().label()) + " " + x.rule() + " at " + x.location()
                    + (x.fingerprint() == null ? "" : " fp=" + x.fingerprint()) + (x.detail() == null ? "" : " - " + x.detail())));
        }
        for (Decision d : f.decisions()) {
            out.println(TerminalText.field("decision " + d.stage() + (d.rule() == null ? "" : " rule " + d.rule()) + ": " + d.action()
                    + (d.reason() == null ? "" : " - " + d.reason())));
        }
        if (!f.credentials().isEmpty()) {
            out.println(TerminalText.field("brokered " + String.join(", ", f.credentials())) + " (credential names; values are never recorded)");
        }
        FlowRequest rq = f.request();
        if (rq != null) {
            out.println();
            out.println("> " + TerminalText.field(rq.method() + " " + rq.url() + " " + nz(rq.httpVersion())));
            headers("> ", rq.headers(), out);
            if (!which.equals("response")) body("request", rq.body(), rq.header("content-encoding"), rq.header("content-type"), out);
            if (!rq.trailers().isEmpty()) headers("> (trailer) ", rq.trailers(), out);
        }
        FlowResponse rs = f.response();
        if (rs != null) {
            out.println();
            out.println("< " + TerminalText.field(nz(rs.httpVersion()) + " " + rs.status() + " " + nz(rs.reason())));
            headers("< ", rs.headers(), out);
            if (!which.equals("request")) body("response", rs.body(), rs.header("content-encoding"), rs.header("content-type"), out);
            if (!rs.trailers().isEmpty()) headers("< (trailer) ", rs.trailers(), out);
        }
        for (var m : f.messages()) {
            out.println((m.direction() == dev.traffic.model.WsMessage.Direction.CLIENT_TO_SERVER ? "ws> " : "ws< ")
                    + (m.text() ? TerminalText.block(new String(m.payload(), StandardCharsets.UTF_8)) : "[binary " + m.size() + " B]"));
        }
        out.flush();
    }

    private static void headers(String prefix, List<Header> hs, PrintWriter out) {
        for (Header h : hs) out.println(prefix + TerminalText.field(h.name()) + ": " + TerminalText.field(h.value()));
    }

    private static void body(String label, Body b, String encoding, String ctype, PrintWriter out) {
        if (b.size() == 0 && b.recorded().length == 0) return;
        out.println();
        String meta = "[" + label + " body: " + b.size() + " B, sha256 " + b.sha256()
                + (b.truncated() ? ", truncated: first " + b.recorded().length + " B recorded" : "")
                + (encoding == null ? "" : ", content-encoding " + TerminalText.field(encoding)) + "]";
        out.println(meta);
        // a small compressed body can expand to gigabytes (and the CLI shares the proxy's memory
        // limit in the container): decode at most DISPLAY_LIMIT for display, and say so
        byte[] bytes = BodyText.decode(b.recorded(), encoding, DISPLAY_LIMIT + 1);
        boolean cut = bytes.length > DISPLAY_LIMIT;
        if (cut) bytes = java.util.Arrays.copyOf(bytes, DISPLAY_LIMIT);
        String cutNote = "[display stopped after " + DISPLAY_LIMIT / (1024 * 1024) + " MiB of decoded body; traffic show --raw writes the"
                + " recorded bytes as stored]";
        if (!BodyText.looksTextual(bytes)) {
            out.println(hexSummary(bytes));
            if (cut) out.println(cutNote);
            return;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!cut && (ctype != null && ctype.toLowerCase(Locale.ROOT).contains("json") || text.stripLeading().startsWith("{"))) {
            try {
                JsonNode n = PRETTY.readTree(text);
                if (n != null) text = PRETTY.writeValueAsString(n);
            } catch (java.io.IOException e) {
                // not JSON after all (or truncated): print as is
            }
        }
        out.println(TerminalText.block(text));
        if (cut) out.println(cutNote);
    }

    /** The first 256 bytes as a hex dump plus the total: binary bodies without flooding the terminal. */
    static String hexSummary(byte[] b) {
        StringBuilder s = new StringBuilder();
        int n = Math.min(b.length, 256);
        for (int i = 0; i < n; i += 16) {
            s.append(String.format(Locale.ROOT, "%08x  ", i));
            int end = Math.min(n, i + 16);
            s.append(HexFormat.ofDelimiter(" ").formatHex(b, i, end));
            s.append(" ".repeat((16 - (end - i)) * 3 + 1)).append('|');
            for (int j = i; j < end; j++) s.append(b[j] >= 32 && b[j] < 127 ? (char) b[j] : '.');
            s.append("|\n");
        }
        s.append("(binary, ").append(b.length).append(" bytes").append(b.length > n ? "; use --raw for all of it" : "").append(')');
        return s.toString();
    }

    /**
     * The TLS facts that were recorded, and only those: a passthrough tunnel knows its SNI but no
     * version or cipher of ours, so it shows no empty fields (issue 16 #11). Null when nothing is known.
     * The upstream's subject and issuer come from a server's certificate: escaped like any recorded text.
     */
    static String tlsLine(dev.traffic.model.TlsInfo t) {
        if (t == null) return null;
        List<String> parts = new java.util.ArrayList<>();
        if (t.sni() != null && !t.sni().isBlank()) parts.add("sni " + t.sni());
        String client = join(t.clientVersion(), t.clientCipher(), t.clientAlpn() == null || t.clientAlpn().isBlank() ? null : "alpn " + t.clientAlpn());
        if (client != null) parts.add("client " + client);
        String upstream = join(t.upstreamVersion(), t.upstreamCipher(),
                t.upstreamAlpn() == null || t.upstreamAlpn().isBlank() ? null : "alpn " + t.upstreamAlpn(), t.upstreamSubject(),
                t.upstreamIssuer() == null || t.upstreamIssuer().isBlank() ? null : "(issuer " + t.upstreamIssuer() + ")");
        if (upstream != null) parts.add("upstream " + upstream);
        return parts.isEmpty() ? null : TerminalText.field(String.join("; ", parts));
    }

    private static String join(String... values) {
        StringBuilder b = new StringBuilder();
        for (String v : values) {
            if (v == null || v.isBlank()) continue;
            if (b.length() > 0) b.append(' ');
            b.append(v);
        }
        return b.length() == 0 ? null : b.toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
