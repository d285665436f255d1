package dev.traffic.store.har;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.traffic.store.FlowJson;
import dev.traffic.store.internal.Hashing;
import dev.traffic.model.Body;
import dev.traffic.model.Decision;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.TlsInfo;
import dev.traffic.model.TunnelInfo;
import dev.traffic.model.WsMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads HAR 1.2 logs into {@link Flow}s: ours (from {@link HarWriter}, losslessly, using the
 * {@code _} fields) and arbitrary real ones (browsers, Charles, mitmproxy, the exfil corpus with its
 * {@code _id}/{@code _session}). Streams entry by entry, so a large log is never held whole.
 * Missing fields get neutral defaults; the flow id is {@code _flowId}, else {@code _id}, else new.
 */
public final class HarReader {
    /** One entry: its 0-based index in {@code log.entries} and the flow made from it. */
    public record Entry(int index, Flow flow) {}

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = FlowJson.mapper();

    private HarReader() {}

    public static List<Entry> readAll(Path har) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(har)) {
            forEach(in, out::add);
        } catch (HarFormatException e) {
            throw new HarFormatException(har + ": " + e.getMessage());
        }
        return out;
    }

    /** Calls {@code sink} for each entry in order; the caller owns {@code in}. */
    public static void forEach(InputStream in, Consumer<Entry> sink) throws IOException {
        try (JsonParser p = FACTORY.createParser(in)) {
            p.setCodec(MAPPER);
            if (p.nextToken() != JsonToken.START_OBJECT) throw new HarFormatException("not a HAR file: no top-level object");
            boolean sawLog = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (!name.equals("log")) {
                    p.skipChildren();
                    continue;
                }
                sawLog = true;
                readLog(p, sink);
            }
            if (!sawLog) throw new HarFormatException("not a HAR file: no \"log\" object");
        }
    }

    private static void readLog(JsonParser p, Consumer<Entry> sink) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) throw new HarFormatException("\"log\" is not an object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (!name.equals("entries")) {
                p.skipChildren();
                continue;
            }
            if (p.currentToken() != JsonToken.START_ARRAY) throw new HarFormatException("\"log.entries\" is not an array");
            int index = 0;
            while (p.nextToken() == JsonToken.START_OBJECT) {
                JsonNode e = p.readValueAsTree();
                try {
                    sink.accept(new Entry(index, toFlow(e)));
                } catch (RuntimeException ex) {
                    throw new HarFormatException("entry " + index + ": " + ex.getMessage());
                }
                index++;
            }
        }
    }

    /** Converts one HAR entry object. */
    public static Flow toFlow(JsonNode e) {
        Flow.Builder b = Flow.builder();
        String id = text(e, "_flowId", text(e, "_id", null));
        if (id != null) b.id(id);
        b.seq(e.path("_seq").asLong(0));
        b.session(text(e, "_session", null));
        b.kind(FlowKind.valueOf(text(e, "_kind", "HTTP")));
        b.client(text(e, "_client", null));
        Instant start = time(text(e, "startedDateTime", null));
        if (start == null) start = Instant.EPOCH;
        b.start(start);
        Instant end = time(text(e, "_end", null));
        if (end == null && e.has("time") && e.get("time").asDouble(0) > 0) {
            end = start.plusNanos((long) (e.get("time").asDouble() * 1_000_000));
        }
        b.end(end);
        b.request(request(e.path("request")));
        JsonNode rs = e.path("response");
        if (!rs.path("_none").asBoolean(false) && rs.isObject()) b.response(response(rs));
        b.error(text(e, "_error", null));
        if (e.has("_policy")) b.policy(MAPPER.convertValue(e.get("_policy"), PolicyDecision.class));
        if (e.has("_findings")) {
            List<Finding> fs = new ArrayList<>();
            for (JsonNode f : e.get("_findings")) fs.add(MAPPER.convertValue(f, Finding.class));
            b.findings(fs);
        }
        if (e.path("_decision").isArray()) {
            List<Decision> ds = new ArrayList<>();
            for (JsonNode d : e.get("_decision")) ds.add(MAPPER.convertValue(d, Decision.class));
            b.decisions(ds);
        }
        if (e.path("_credentials").isArray()) {
            List<String> cs = new ArrayList<>();
            for (JsonNode c : e.get("_credentials")) cs.add(c.asText());
            b.credentials(cs);
        }
        if (e.has("_tls")) b.tls(MAPPER.convertValue(e.get("_tls"), TlsInfo.class));
        if (e.has("_tunnel")) b.tunnel(MAPPER.convertValue(e.get("_tunnel"), TunnelInfo.class));
        if (e.has("_webSocketMessages")) b.messages(messages(e.get("_webSocketMessages")));
        return b.build();
    }

    private static FlowRequest request(JsonNode r) {
        String url = text(r, "url", "");
        String scheme = "http";
        String host = "";
        int port = -1;
        String path = "/";
        String query = null;
        String userinfo = text(r, "_userinfo", null);
        if (!url.isEmpty()) {
            URI u = parseUri(url);
            if (u != null) {
                scheme = u.getScheme() == null ? "http" : u.getScheme().toLowerCase();
                String authority = u.getRawAuthority() == null ? "" : u.getRawAuthority();
                if (u.getRawUserInfo() != null) userinfo = u.getRawUserInfo();
                int at = authority.lastIndexOf('@');
                if (u.getHost() == null && at >= 0) { // a registry-based authority: still split off the userinfo
                    if (userinfo == null) userinfo = authority.substring(0, at);
                    authority = authority.substring(at + 1);
                }
                host = u.getHost() != null ? u.getHost() : authority;
                if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
                port = u.getPort();
                path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
                query = u.getRawQuery();
            }
        }
        if (port < 0) port = defaultPort(scheme);
        List<Header> headers = headers(r.path("headers"));
        Body body = Body.EMPTY;
        JsonNode pd = r.path("postData");
        if (pd.isObject()) {
            body = body(pd, pd.has("text") ? null : pd.path("params"), r.path("bodySize").asLong(-1));
        }
        return new FlowRequest(text(r, "method", "GET"), scheme, host, port, path, query,
                text(r, "httpVersion", null), headers, body, headers(r.path("_trailers")), time(text(r, "_end", null)),
                userinfo);
    }

    private static FlowResponse response(JsonNode r) {
        Body body = body(r.path("content"), null, -1);
        return new FlowResponse(r.path("status").asInt(0), text(r, "statusText", null), text(r, "httpVersion", null),
                headers(r.path("headers")), body, headers(r.path("_trailers")),
                time(text(r, "_start", null)), time(text(r, "_end", null)));
    }

    private static Body body(JsonNode c, JsonNode params, long bodySize) {
        byte[] bytes;
        String text = text(c, "text", null);
        if (text == null && params != null && params.isArray() && params.size() > 0) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode prm : params) {
                if (sb.length() > 0) sb.append('&');
                sb.append(text(prm, "name", "")).append('=').append(text(prm, "value", ""));
            }
            text = sb.toString();
        }
        if (text == null) {
            bytes = new byte[0];
        } else if ("base64".equalsIgnoreCase(text(c, "encoding", ""))) {
            bytes = Base64.getMimeDecoder().decode(text);
        } else {
            bytes = text.getBytes(StandardCharsets.UTF_8);
        }
        boolean truncated = c.path("_truncated").asBoolean(false);
        long size = c.has("_size") ? c.get("_size").asLong() : truncated ? Math.max(bodySize, bytes.length) : bytes.length;
        String sha = text(c, "_sha256", null);
        if (sha == null) sha = Hashing.sha256Hex(bytes);
        if (bytes.length == 0 && size == 0) return Body.EMPTY;
        return new Body(size, sha, bytes, truncated || size > bytes.length);
    }

    private static List<WsMessage> messages(JsonNode arr) {
        List<WsMessage> out = new ArrayList<>();
        for (JsonNode m : arr) {
            WsMessage.Direction dir = "send".equals(text(m, "type", "send"))
                    ? WsMessage.Direction.CLIENT_TO_SERVER : WsMessage.Direction.SERVER_TO_CLIENT;
            Instant t = time(text(m, "_time", null));
            if (t == null && m.has("time")) t = Instant.ofEpochMilli((long) (m.get("time").asDouble() * 1000));
            boolean textFrame = m.path("opcode").asInt(1) == 1;
            String data = text(m, "data", "");
            byte[] payload = "base64".equals(text(m, "_encoding", "")) || (!textFrame && !m.has("_size"))
                    ? Base64.getMimeDecoder().decode(data) : data.getBytes(StandardCharsets.UTF_8);
            long size = m.has("_size") ? m.get("_size").asLong() : payload.length;
            out.add(new WsMessage(dir, t, textFrame, payload, size, m.path("_truncated").asBoolean(false)));
        }
        return out;
    }

    private static List<Header> headers(JsonNode arr) {
        List<Header> out = new ArrayList<>();
        if (!arr.isArray()) return out;
        for (JsonNode h : arr) out.add(new Header(text(h, "name", ""), text(h, "value", "")));
        return out;
    }

    private static URI parseUri(String url) {
        try {
            return new URI(url);
        } catch (Exception e) {
            try {
                // real HARs hold URLs with unescaped characters (spaces, |, {}); keep the authority at least
                int q = url.indexOf('?');
                String head = q < 0 ? url : url.substring(0, q);
                URI u = new URI(head.replace(" ", "%20"));
                return q < 0 ? u : new URI(u.getScheme(), u.getRawAuthority(), u.getRawPath(), null, null)
                        .resolve(u.getRawPath() + "?" + url.substring(q + 1).replace(" ", "%20"));
            } catch (Exception e2) {
                return null;
            }
        }
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "https", "wss" -> 443;
            case "http", "ws" -> 80;
            default -> -1;
        };
    }

    private static Instant time(String s) {
        if (s == null || s.isEmpty()) return null;
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            return OffsetDateTime.parse(s).toInstant();
        }
    }

    private static String text(JsonNode n, String field, String dflt) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    /** A HAR that cannot be read (names what is wrong). */
    public static final class HarFormatException extends IOException {
        public HarFormatException(String message) {
            super(message);
        }
    }
}
