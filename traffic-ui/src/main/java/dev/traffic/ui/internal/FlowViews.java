package dev.traffic.ui.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.traffic.model.Decision;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.TlsInfo;
import dev.traffic.model.WsMessage;
import dev.traffic.store.FlowSeals;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Flows as the browser receives them: a list row, or everything about one flow. Data only, no markup. */
final class FlowViews {
    private static final int PATH_LIMIT = 400;
    private static final int WS_MESSAGES = 5000;
    private static final int WS_PAYLOAD = 64 * 1024;

    private FlowViews() {}

    static ObjectNode row(Flow f) {
        ObjectNode n = Responses.JSON.createObjectNode();
        n.put("seq", f.seq());
        n.put("id", f.id());
        n.put("time", f.start().toString());
        n.put("cursor", f.start().toEpochMilli() + "." + f.seq());
        n.put("kind", f.kind().name());
        if (f.client() != null) n.put("client", f.client());
        FlowRequest rq = f.request();
        if (rq != null) {
            n.put("method", rq.method());
            n.put("scheme", rq.scheme());
            if (rq.host() != null) n.put("host", rq.host() + (defaultPort(rq) ? "" : ":" + rq.port()));
            String path = rq.target();
            n.put("path", path == null ? "" : path.length() > PATH_LIMIT ? path.substring(0, PATH_LIMIT) + "…" : path);
            n.put("reqSize", rq.body().size());
        }
        FlowResponse rs = f.response();
        if (rs != null) {
            n.put("status", rs.status());
            n.put("respSize", rs.body().size());
        }
        if (f.end() != null) n.put("durationMs", Duration.between(f.start(), f.end()).toMillis());
        if (f.error() != null) n.put("error", f.error());
        if (f.policy().action() != PolicyDecision.Action.ALLOW) n.put("policy", f.policy().action().name().toLowerCase(java.util.Locale.ROOT));
        ArrayNode fs = n.putArray("findings");
        for (Finding x : f.findings()) {
            ObjectNode o = fs.addObject();
            o.put("rule", x.rule());
            if (x.severity() != null) o.put("severity", x.severity().label());
        }
        ArrayNode ds = n.putArray("decisions");
        for (Decision d : f.decisions()) {
            if ("allow".equals(d.action())) continue; // the default says nothing in a list
            ds.addObject().put("action", d.action()).put("rule", d.rule() == null ? d.stage() : d.rule());
        }
        ArrayNode cs = n.putArray("credentials");
        f.credentials().forEach(cs::add);
        if (!f.messages().isEmpty()) n.put("messages", f.messages().size());
        if (f.tunnel() != null) n.put("tunnel", f.tunnel().bytesUp() + f.tunnel().bytesDown());
        return n;
    }

    private static boolean defaultPort(FlowRequest rq) {
        return rq.port() <= 0 || ("https".equals(rq.scheme()) && rq.port() == 443) || ("http".equals(rq.scheme()) && rq.port() == 80);
    }

    static ObjectNode detail(Flow f, FlowSeals.Seal seal) {
        ObjectNode n = row(f);
        if (f.session() != null) n.put("session", f.session());
        if (f.end() != null) n.put("end", f.end().toString());
        n.put("policyAction", f.policy().action().name().toLowerCase(java.util.Locale.ROOT));
        if (f.policy().rule() != null) n.put("policyRule", f.policy().rule());
        ObjectNode timing = n.putObject("timing");
        timing.put("start", f.start().toString());
        FlowRequest rq = f.request();
        FlowResponse rs = f.response();
        if (rq != null && rq.end() != null) timing.put("requestSentMs", ms(f.start(), rq.end()));
        if (rs != null && rs.start() != null) timing.put("responseStartMs", ms(f.start(), rs.start()));
        if (rs != null && rs.end() != null) timing.put("responseEndMs", ms(f.start(), rs.end()));
        if (f.end() != null) timing.put("totalMs", ms(f.start(), f.end()));
        if (rq != null) {
            ObjectNode r = n.putObject("request");
            r.put("line", rq.method() + " " + rq.url() + (rq.httpVersion() == null ? "" : " " + rq.httpVersion()));
            r.put("url", rq.url());
            headers(r.putArray("headers"), rq.headers());
            headers(r.putArray("trailers"), rq.trailers());
            r.set("body", BodyView.of(rq.body(), rq.header("content-encoding"), rq.header("content-type")));
            n.put("curl", CurlQuoting.of(rq));
        }
        if (rs != null) {
            ObjectNode r = n.putObject("response");
            r.put("line", (rs.httpVersion() == null ? "" : rs.httpVersion() + " ") + rs.status() + (rs.reason() == null ? "" : " " + rs.reason()));
            headers(r.putArray("headers"), rs.headers());
            headers(r.putArray("trailers"), rs.trailers());
            r.set("body", BodyView.of(rs.body(), rs.header("content-encoding"), rs.header("content-type")));
        }
        TlsInfo t = f.tls();
        if (t != null) {
            ObjectNode o = n.putObject("tls");
            put(o, "sni", t.sni());
            put(o, "clientVersion", t.clientVersion());
            put(o, "clientCipher", t.clientCipher());
            put(o, "clientAlpn", t.clientAlpn());
            put(o, "upstreamVersion", t.upstreamVersion());
            put(o, "upstreamCipher", t.upstreamCipher());
            put(o, "upstreamAlpn", t.upstreamAlpn());
            put(o, "upstreamSubject", t.upstreamSubject());
            put(o, "upstreamIssuer", t.upstreamIssuer());
            put(o, "upstreamFingerprintSha256", t.upstreamFingerprintSha256());
        }
        if (f.tunnel() != null) {
            n.putObject("tunnelInfo").put("bytesUp", f.tunnel().bytesUp()).put("bytesDown", f.tunnel().bytesDown())
                    .put("passthrough", f.tunnel().passthrough()).put("outcome", f.tunnel().outcome());
        }
        ArrayNode fs = n.putArray("findingsFull");
        for (Finding x : f.findings()) {
            // a Finding never holds the secret: rule, where, and a fingerprint (hash prefix + 4+4 chars)
            ObjectNode o = fs.addObject();
            put(o, "rule", x.rule());
            put(o, "family", x.family());
            put(o, "severity", x.severity() == null ? null : x.severity().label());
            put(o, "location", x.location());
            put(o, "host", x.host());
            put(o, "fingerprint", x.fingerprint());
            put(o, "encoding", x.encoding());
            put(o, "detail", x.detail());
        }
        ArrayNode ds = n.putArray("trace");
        for (Decision d : f.decisions()) {
            ObjectNode o = ds.addObject();
            put(o, "stage", d.stage());
            put(o, "rule", d.rule());
            put(o, "action", d.action());
            put(o, "reason", d.reason());
        }
        ArrayNode ws = n.putArray("ws");
        List<WsMessage> ms = f.messages();
        for (int i = 0; i < ms.size() && i < WS_MESSAGES; i++) {
            WsMessage m = ms.get(i);
            ObjectNode o = ws.addObject();
            o.put("dir", m.direction() == WsMessage.Direction.CLIENT_TO_SERVER ? "out" : "in");
            if (m.time() != null) {
                o.put("time", m.time().toString());
                o.put("atMs", ms(f.start(), m.time()));
            }
            o.put("size", m.size());
            o.put("truncated", m.truncated());
            byte[] p = m.payload();
            if (m.text()) {
                o.put("text", new String(p, 0, Math.min(p.length, WS_PAYLOAD), StandardCharsets.UTF_8));
            } else {
                o.put("hex", BodyView.hex(p.length > 512 ? java.util.Arrays.copyOf(p, 512) : p));
            }
        }
        if (ms.size() > WS_MESSAGES) n.put("wsOmitted", ms.size() - WS_MESSAGES);
        if (seal != null) {
            ObjectNode o = n.putObject("seal");
            o.put("seq", seal.seq());
            o.put("leafHash", seal.leafHash());
            o.put("leafMatches", seal.leafMatches());
            o.put("verified", seal.verified());
            if (seal.checkpointTime() != null) {
                o.put("checkpointSize", seal.checkpointSize());
                o.put("checkpointTime", seal.checkpointTime().toString());
                o.put("checkpointValid", seal.checkpointValid());
            }
            put(o, "keyFingerprint", seal.keyFingerprint());
        }
        return n;
    }

    private static long ms(Instant a, Instant b) {
        return Duration.between(a, b).toMillis();
    }

    private static void headers(ArrayNode a, List<Header> hs) {
        for (Header h : hs) a.addArray().add(h.name()).add(h.value());
    }

    private static void put(ObjectNode o, String k, String v) {
        if (v != null) o.put(k, v);
    }
}
