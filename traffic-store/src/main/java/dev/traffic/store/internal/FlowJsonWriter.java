package dev.traffic.store.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.traffic.model.Body;
import dev.traffic.model.Decision;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import dev.traffic.model.TlsInfo;
import dev.traffic.model.TunnelInfo;
import dev.traffic.model.WsMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Writes a {@link Flow} as JSON with a streaming generator, byte for byte what the databind mapper
 * of {@code FlowJson} writes (record components in declaration order; null fields, empty lists and
 * empty bodies left out; instants as ISO text; bytes as base64), without its reflection and
 * per-property bean machinery, which cost the journal writer more than the I/O did. A new model
 * field must be added here too ({@code FlowJsonWriterTest} compares the two over every field).
 * Stateless; the caller owns the generator.
 */
public final class FlowJsonWriter {
    private FlowJsonWriter() {}

    public static void write(JsonGenerator g, Flow f) throws IOException {
        write(g, f, false);
    }

    /** With {@code url}: also the flow's absolute URL (output for people and tools; the journal does not store it). */
    public static void write(JsonGenerator g, Flow f, boolean url) throws IOException {
        char[] buf = new char[40];
        g.writeStartObject();
        string(g, "id", f.id());
        if (url) g.writeStringField("url", f.url());
        g.writeNumberField("seq", f.seq());
        string(g, "session", f.session());
        if (f.kind() != null) g.writeStringField("kind", f.kind().name());
        string(g, "client", f.client());
        instant(g, "start", f.start(), buf);
        instant(g, "end", f.end(), buf);
        if (f.request() != null) request(g, f.request(), buf);
        if (f.response() != null) response(g, f.response(), buf);
        if (f.tls() != null) tls(g, f.tls());
        if (!f.messages().isEmpty()) {
            g.writeArrayFieldStart("messages");
            for (WsMessage m : f.messages()) message(g, m, buf);
            g.writeEndArray();
        }
        if (f.tunnel() != null) tunnel(g, f.tunnel());
        if (f.policy() != null) {
            g.writeObjectFieldStart("policy");
            if (f.policy().action() != null) g.writeStringField("action", f.policy().action().name());
            string(g, "rule", f.policy().rule());
            g.writeEndObject();
        }
        if (!f.findings().isEmpty()) {
            g.writeArrayFieldStart("findings");
            for (Finding x : f.findings()) finding(g, x);
            g.writeEndArray();
        }
        string(g, "error", f.error());
        if (!f.decisions().isEmpty()) {
            g.writeArrayFieldStart("decisions");
            for (Decision x : f.decisions()) decision(g, x);
            g.writeEndArray();
        }
        if (!f.credentials().isEmpty()) {
            g.writeArrayFieldStart("credentials");
            for (String c : f.credentials()) g.writeString(c);
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void decision(JsonGenerator g, Decision x) throws IOException {
        g.writeStartObject();
        string(g, "stage", x.stage());
        string(g, "rule", x.rule());
        string(g, "action", x.action());
        string(g, "reason", x.reason());
        g.writeEndObject();
    }

    private static void request(JsonGenerator g, FlowRequest r, char[] buf) throws IOException {
        g.writeObjectFieldStart("request");
        string(g, "method", r.method());
        string(g, "scheme", r.scheme());
        string(g, "host", r.host());
        g.writeNumberField("port", r.port());
        string(g, "path", r.path());
        string(g, "query", r.query());
        string(g, "httpVersion", r.httpVersion());
        headers(g, "headers", r.headers());
        body(g, r.body());
        headers(g, "trailers", r.trailers());
        instant(g, "end", r.end(), buf);
        string(g, "userinfo", r.userinfo());
        g.writeEndObject();
    }

    private static void response(JsonGenerator g, FlowResponse r, char[] buf) throws IOException {
        g.writeObjectFieldStart("response");
        g.writeNumberField("status", r.status());
        string(g, "reason", r.reason());
        string(g, "httpVersion", r.httpVersion());
        headers(g, "headers", r.headers());
        body(g, r.body());
        headers(g, "trailers", r.trailers());
        instant(g, "start", r.start(), buf);
        instant(g, "end", r.end(), buf);
        g.writeEndObject();
    }

    private static void headers(JsonGenerator g, String field, List<Header> hs) throws IOException {
        if (hs.isEmpty()) return;
        g.writeArrayFieldStart(field);
        for (Header h : hs) {
            g.writeStartObject();
            string(g, "name", h.name());
            string(g, "value", h.value());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void body(JsonGenerator g, Body b) throws IOException {
        if (b == null || Body.EMPTY.equals(b)) return;
        g.writeObjectFieldStart("body");
        g.writeNumberField("size", b.size());
        string(g, "sha256", b.sha256());
        g.writeFieldName("recorded");
        g.writeBinary(b.recorded());
        g.writeBooleanField("truncated", b.truncated());
        g.writeEndObject();
    }

    private static void tls(JsonGenerator g, TlsInfo t) throws IOException {
        g.writeObjectFieldStart("tls");
        string(g, "sni", t.sni());
        string(g, "clientVersion", t.clientVersion());
        string(g, "clientCipher", t.clientCipher());
        string(g, "clientAlpn", t.clientAlpn());
        string(g, "upstreamVersion", t.upstreamVersion());
        string(g, "upstreamCipher", t.upstreamCipher());
        string(g, "upstreamAlpn", t.upstreamAlpn());
        string(g, "upstreamSubject", t.upstreamSubject());
        string(g, "upstreamIssuer", t.upstreamIssuer());
        string(g, "upstreamFingerprintSha256", t.upstreamFingerprintSha256());
        g.writeEndObject();
    }

    private static void message(JsonGenerator g, WsMessage m, char[] buf) throws IOException {
        g.writeStartObject();
        if (m.direction() != null) g.writeStringField("direction", m.direction().name());
        instant(g, "time", m.time(), buf);
        g.writeBooleanField("text", m.text());
        g.writeFieldName("payload");
        g.writeBinary(m.payload());
        g.writeNumberField("size", m.size());
        g.writeBooleanField("truncated", m.truncated());
        g.writeEndObject();
    }

    private static void tunnel(JsonGenerator g, TunnelInfo t) throws IOException {
        g.writeObjectFieldStart("tunnel");
        g.writeNumberField("bytesUp", t.bytesUp());
        g.writeNumberField("bytesDown", t.bytesDown());
        g.writeBooleanField("passthrough", t.passthrough());
        string(g, "outcome", t.outcome());
        g.writeEndObject();
    }

    private static void finding(JsonGenerator g, Finding x) throws IOException {
        g.writeStartObject();
        string(g, "rule", x.rule());
        string(g, "family", x.family());
        if (x.severity() != null) g.writeStringField("severity", x.severity().name());
        string(g, "location", x.location());
        string(g, "host", x.host());
        string(g, "fingerprint", x.fingerprint());
        string(g, "encoding", x.encoding());
        string(g, "detail", x.detail());
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) g.writeStringField(field, value);
    }

    private static void instant(JsonGenerator g, String field, Instant t, char[] buf) throws IOException {
        if (t == null) return;
        g.writeFieldName(field);
        g.writeString(buf, 0, IsoInstant.format(t, buf));
    }
}
