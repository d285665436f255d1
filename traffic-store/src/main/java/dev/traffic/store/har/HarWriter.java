package dev.traffic.store.har;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.traffic.store.FlowJson;
import dev.traffic.model.Body;
import dev.traffic.model.Decision;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import dev.traffic.model.WsMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Streams flows as a HAR 1.2 log (what Chrome DevTools and Charles import), one entry per
 * {@link #write} call, without holding the log in memory. Custom fields start with {@code _}:
 * {@code _seq}, {@code _flowId}, {@code _session}, {@code _sha256} (and more, so {@link HarReader}
 * gets the same flow back). Bodies that are not valid UTF-8 are written base64 with
 * {@code "encoding": "base64"} (also on {@code postData}). The caller owns the stream;
 * {@link #close()} ends the JSON and flushes, leaving the stream open.
 */
public final class HarWriter implements AutoCloseable {
    private static final JsonFactory FACTORY = new JsonFactory();
    private final JsonGenerator g;
    private boolean closed;

    public HarWriter(OutputStream out) throws IOException {
        this(out, false);
    }

    public HarWriter(OutputStream out, boolean pretty) throws IOException {
        g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.setCodec(FlowJson.mapper());
        if (pretty) g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeObjectFieldStart("log");
        g.writeStringField("version", "1.2");
        g.writeObjectFieldStart("creator");
        g.writeStringField("name", "traffic");
        g.writeStringField("version", "0.1");
        g.writeEndObject();
        g.writeArrayFieldStart("pages");
        g.writeEndArray();
        g.writeArrayFieldStart("entries");
    }

    /** Writes everything to {@code out} as one HAR log. */
    public static void write(List<Flow> flows, OutputStream out) throws IOException {
        try (HarWriter w = new HarWriter(out, true)) {
            for (Flow f : flows) w.write(f);
        }
    }

    public void write(Flow f) throws IOException {
        FlowRequest rq = f.request();
        FlowResponse rs = f.response();
        g.writeStartObject();
        g.writeStringField("startedDateTime", f.start().toString());
        Instant end = f.end() != null ? f.end() : rs != null && rs.end() != null ? rs.end() : null;
        long total = end == null ? 0 : Math.max(0, Duration.between(f.start(), end).toMillis());
        g.writeNumberField("time", total);
        writeRequest(rq, f.url());
        writeResponse(rs);
        g.writeObjectFieldStart("cache");
        g.writeEndObject();
        writeTimings(f, total);
        if (f.tls() != null && f.tls().upstreamVersion() != null) {
            g.writeStringField("connection", f.tls().upstreamVersion());
        }
        g.writeNumberField("_seq", f.seq());
        g.writeStringField("_flowId", f.id());
        if (f.session() != null) g.writeStringField("_session", f.session());
        g.writeStringField("_kind", f.kind().name());
        if (f.client() != null) g.writeStringField("_client", f.client());
        if (f.end() != null) g.writeStringField("_end", f.end().toString());
        if (f.error() != null) g.writeStringField("_error", f.error());
        g.writeObjectField("_policy", f.policy());
        if (!f.findings().isEmpty()) {
            g.writeArrayFieldStart("_findings");
            for (Finding x : f.findings()) g.writeObject(x);
            g.writeEndArray();
        }
        // the decision trace, one object per line of it ({stage, rule, action, reason}), and the
        // names (never values) of brokered credentials injected into the request
        if (!f.decisions().isEmpty()) {
            g.writeArrayFieldStart("_decision");
            for (Decision x : f.decisions()) g.writeObject(x);
            g.writeEndArray();
        }
        if (!f.credentials().isEmpty()) {
            g.writeArrayFieldStart("_credentials");
            for (String c : f.credentials()) g.writeString(c);
            g.writeEndArray();
        }
        if (f.tls() != null) g.writeObjectField("_tls", f.tls());
        if (f.tunnel() != null) g.writeObjectField("_tunnel", f.tunnel());
        if (!f.messages().isEmpty()) writeMessages(f.messages());
        g.writeEndObject();
    }

    private void writeRequest(FlowRequest rq, String url) throws IOException {
        g.writeObjectFieldStart("request");
        g.writeStringField("method", rq == null ? "CONNECT" : rq.method());
        g.writeStringField("url", url);
        g.writeStringField("httpVersion", rq == null || rq.httpVersion() == null ? "" : rq.httpVersion());
        // kept beside the url, not in it: a redaction marker there would not parse as a URL
        if (rq != null && rq.userinfo() != null) g.writeStringField("_userinfo", rq.userinfo());
        List<Header> headers = rq == null ? List.of() : rq.headers();
        writeCookies(headers, "cookie");
        writeHeaders("headers", headers);
        g.writeArrayFieldStart("queryString");
        if (rq != null && rq.query() != null && !rq.query().isEmpty()) {
            for (String pair : rq.query().split("&")) {
                int eq = pair.indexOf('=');
                g.writeStartObject();
                g.writeStringField("name", decode(eq < 0 ? pair : pair.substring(0, eq)));
                g.writeStringField("value", eq < 0 ? "" : decode(pair.substring(eq + 1)));
                g.writeEndObject();
            }
        }
        g.writeEndArray();
        g.writeNumberField("headersSize", -1);
        Body b = rq == null ? Body.EMPTY : rq.body();
        g.writeNumberField("bodySize", b.size());
        if (rq != null && (b.size() > 0 || b.recorded().length > 0)) {
            g.writeObjectFieldStart("postData");
            String ct = rq.header("content-type");
            g.writeStringField("mimeType", ct == null ? "" : ct);
            writeBodyText(b);
            g.writeEndObject();
        }
        if (rq != null && !rq.trailers().isEmpty()) writeHeaders("_trailers", rq.trailers());
        if (rq != null && rq.end() != null) g.writeStringField("_end", rq.end().toString());
        g.writeEndObject();
    }

    private void writeResponse(FlowResponse rs) throws IOException {
        g.writeObjectFieldStart("response");
        // HAR needs a response; status 0 means none arrived (as browsers write aborted requests)
        g.writeNumberField("status", rs == null ? 0 : rs.status());
        g.writeStringField("statusText", rs == null || rs.reason() == null ? "" : rs.reason());
        g.writeStringField("httpVersion", rs == null || rs.httpVersion() == null ? "" : rs.httpVersion());
        List<Header> headers = rs == null ? List.of() : rs.headers();
        writeCookies(headers, "set-cookie");
        writeHeaders("headers", headers);
        Body b = rs == null ? Body.EMPTY : rs.body();
        g.writeObjectFieldStart("content");
        g.writeNumberField("size", b.size());
        String ct = rs == null ? null : rs.header("content-type");
        g.writeStringField("mimeType", ct == null ? "" : ct);
        writeBodyText(b);
        g.writeEndObject();
        String location = rs == null ? null : rs.header("location");
        g.writeStringField("redirectURL", location == null ? "" : location);
        g.writeNumberField("headersSize", -1);
        g.writeNumberField("bodySize", b.size());
        if (rs == null) g.writeBooleanField("_none", true);
        if (rs != null) {
            if (!rs.trailers().isEmpty()) writeHeaders("_trailers", rs.trailers());
            if (rs.start() != null) g.writeStringField("_start", rs.start().toString());
            if (rs.end() != null) g.writeStringField("_end", rs.end().toString());
        }
        g.writeEndObject();
    }

    private void writeBodyText(Body b) throws IOException {
        byte[] bytes = b.recorded();
        String text = utf8(bytes);
        if (text != null) {
            g.writeStringField("text", text);
        } else {
            g.writeStringField("text", Base64.getEncoder().encodeToString(bytes));
            g.writeStringField("encoding", "base64");
        }
        g.writeStringField("_sha256", b.sha256());
        g.writeNumberField("_size", b.size());
        if (b.truncated()) g.writeBooleanField("_truncated", true);
    }

    private void writeTimings(Flow f, long total) throws IOException {
        long wait = 0;
        FlowResponse rs = f.response();
        FlowRequest rq = f.request();
        if (rs != null && rs.start() != null) {
            Instant sent = rq != null && rq.end() != null ? rq.end() : f.start();
            wait = Math.max(0, Duration.between(sent, rs.start()).toMillis());
        }
        long send = rq != null && rq.end() != null ? Math.max(0, Duration.between(f.start(), rq.end()).toMillis()) : 0;
        g.writeObjectFieldStart("timings");
        g.writeNumberField("blocked", -1);
        g.writeNumberField("dns", -1);
        g.writeNumberField("connect", -1);
        g.writeNumberField("send", send);
        g.writeNumberField("wait", wait);
        g.writeNumberField("receive", Math.max(0, total - send - wait));
        g.writeNumberField("ssl", -1);
        g.writeEndObject();
    }

    private void writeMessages(List<WsMessage> messages) throws IOException {
        // Chrome's own HAR extension for WebSocket frames, plus _payload fields for exactness
        g.writeArrayFieldStart("_webSocketMessages");
        for (WsMessage m : messages) {
            g.writeStartObject();
            g.writeStringField("type", m.direction() == WsMessage.Direction.CLIENT_TO_SERVER ? "send" : "receive");
            if (m.time() != null) {
                g.writeNumberField("time", m.time().toEpochMilli() / 1000.0);
                g.writeStringField("_time", m.time().toString());
            }
            g.writeNumberField("opcode", m.text() ? 1 : 2);
            String text = m.text() ? utf8(m.payload()) : null;
            if (text != null) {
                g.writeStringField("data", text);
            } else {
                g.writeStringField("data", Base64.getEncoder().encodeToString(m.payload()));
                g.writeStringField("_encoding", "base64");
            }
            g.writeNumberField("_size", m.size());
            if (m.truncated()) g.writeBooleanField("_truncated", true);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void writeHeaders(String field, List<Header> headers) throws IOException {
        g.writeArrayFieldStart(field);
        for (Header h : headers) {
            g.writeStartObject();
            g.writeStringField("name", h.name());
            g.writeStringField("value", h.value());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void writeCookies(List<Header> headers, String headerName) throws IOException {
        g.writeArrayFieldStart("cookies");
        for (Header h : headers) {
            if (!h.name().equalsIgnoreCase(headerName)) continue;
            if (headerName.equals("cookie")) {
                for (String c : h.value().split(";")) writeCookie(c);
            } else {
                writeCookie(h.value().split(";", 2)[0]);
            }
        }
        g.writeEndArray();
    }

    private void writeCookie(String pair) throws IOException {
        String p = pair.trim();
        if (p.isEmpty()) return;
        int eq = p.indexOf('=');
        g.writeStartObject();
        g.writeStringField("name", eq < 0 ? p : p.substring(0, eq));
        g.writeStringField("value", eq < 0 ? "" : p.substring(eq + 1));
        g.writeEndObject();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // malformed percent-encoding: keep what was sent
        }
    }

    /** The bytes as text when they are valid UTF-8 without NUL, else null. */
    static String utf8(byte[] bytes) {
        for (byte b : bytes) if (b == 0) return null;
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    public void flush() throws IOException {
        g.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
        g.close();
    }
}
