package dev.traffic.store.query;

import dev.traffic.model.Body;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.TunnelInfo;
import dev.traffic.model.WsMessage;
import dev.traffic.store.Flows;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Twelve flows of every kind the filter language distinguishes (numbered by seq, see the table in
 * FilterLanguageTest): plain and gzip-encoded bodies, HTTP/2 lower-case headers, a WebSocket with
 * messages both ways, two tunnels, an error without response, assets.
 */
final class FilterFixture {
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private FilterFixture() {}

    static List<Flow> flows() {
        List<Flow> out = new ArrayList<>();
        // 1
        out.add(http(1, "127.0.0.1:5000", "GET", "https", "api.github.com", 443, "/repos/acme/widget", null, "HTTP/1.1",
                List.of(h("Host", "api.github.com"), h("User-Agent", "curl/8.5.0")), Body.EMPTY,
                resp(200, List.of(h("Content-Type", "application/json")), Flows.text("{\"name\":\"widget\"}"))).build());
        // 2: gzip-encoded request body with a token
        out.add(http(2, "10.0.0.7:41000", "POST", "https", "registry.npmjs.org", 443, "/-/npm/v1/security/audits", null, "HTTP/1.1",
                List.of(h("Host", "registry.npmjs.org"), h("Content-Type", "application/json"), h("Content-Encoding", "gzip"),
                        h("Authorization", "Bearer npm_SECRET")), Flows.body(gzip("{\"token\":\"npm_SECRET\"}")),
                resp(201, List.of(h("Content-Type", "text/plain")), Flows.text("created"))).build());
        // 3: plain http on a non-default port
        out.add(http(3, "127.0.0.1:5001", "GET", "http", "cdn.example.com", 8080, "/static/site.css", null, "HTTP/1.1",
                List.of(h("Host", "cdn.example.com:8080")), Body.EMPTY,
                resp(200, List.of(h("Content-Type", "text/css")), Flows.text("body{color:red}"))).build());
        // 4
        out.add(http(4, "127.0.0.1:5002", "GET", "https", "cdn.example.com", 443, "/logo.png", null, "HTTP/1.1",
                List.of(h("Host", "cdn.example.com")), Body.EMPTY, resp(304, List.of(h("Content-Type", "image/png")), Body.EMPTY)).build());
        // 5: no response, an error
        out.add(http(5, "127.0.0.1:5003", "GET", "https", "slow.example.org", 443, "/hang", null, "HTTP/1.1",
                List.of(h("Host", "slow.example.org")), Body.EMPTY, null).error("upstream timed out after 30s").build());
        // 6
        out.add(http(6, "127.0.0.1:5004", "DELETE", "https", "api.github.com", 443, "/repos/acme/old", null, "HTTP/1.1",
                List.of(h("Host", "api.github.com")), Body.EMPTY,
                resp(404, List.of(h("Content-Type", "text/html; charset=utf-8")), Flows.text("<h1>Not Found</h1>"))).build());
        // 7: WebSocket
        out.add(http(7, "127.0.0.1:5005", "GET", "wss", "chat.example.com", 443, "/socket", null, "HTTP/1.1",
                List.of(h("Host", "chat.example.com"), h("Upgrade", "websocket")), Body.EMPTY,
                resp(101, List.of(h("Upgrade", "websocket")), Body.EMPTY)).kind(FlowKind.WEBSOCKET)
                .messages(List.of(ws(WsMessage.Direction.CLIENT_TO_SERVER, "hello server"),
                        ws(WsMessage.Direction.SERVER_TO_CLIENT, "welcome PRIVATE data"))).build());
        // 8: passthrough tunnel
        out.add(http(8, "127.0.0.1:5006", "CONNECT", "https", "pinned.example.net", 443, "/", null, "HTTP/1.1",
                List.of(h("Host", "pinned.example.net:443")), Body.EMPTY, null).kind(FlowKind.TUNNEL)
                .tunnel(new TunnelInfo(100, 2000, true, "client closed")).build());
        // 9: tunnel refused by policy
        out.add(http(9, "127.0.0.1:5007", "CONNECT", "https", "evil.test", 443, "/", null, "HTTP/1.1",
                List.of(h("Host", "evil.test:443")), Body.EMPTY, null).kind(FlowKind.TUNNEL)
                .policy(new PolicyDecision(PolicyDecision.Action.BLOCK, "deny-evil")).error("refused by policy").build());
        // 10: HTTP/2, lower-case header names, a key in the request body, IPv6 client
        out.add(http(10, "[::1]:5555", "PUT", "https", "uploads.example.com", 443, "/upload", "part=1", "HTTP/2",
                List.of(h("host", "uploads.example.com"), h("content-type", "text/plain"), h("x-api-key", "k-123")),
                Flows.text("-----BEGIN PRIVATE KEY-----\nMIIBVQ"),
                resp(500, List.of(h("content-type", "application/json")), Flows.text("{\"error\":\"boom\"}"))).build());
        // 11: font, binary body
        out.add(http(11, "127.0.0.1:5008", "GET", "https", "fonts.example.com", 443, "/a.woff2", null, "HTTP/1.1",
                List.of(h("Host", "fonts.example.com")), Body.EMPTY,
                resp(200, List.of(h("Content-Type", "font/woff2")), Flows.body(new byte[] {0, 1, 2, (byte) 0xff}))).build());
        // 12: script
        out.add(http(12, "127.0.0.1:5009", "GET", "https", "cdn.example.com", 443, "/app.js", null, "HTTP/1.1",
                List.of(h("Host", "cdn.example.com")), Body.EMPTY,
                resp(200, List.of(h("Content-Type", "application/javascript; charset=utf-8")), Flows.text("console.log('hi')"))).build());
        return out;
    }

    private static Flow.Builder http(int seq, String client, String method, String scheme, String host, int port, String path,
            String query, String version, List<Header> headers, Body body, FlowResponse response) {
        Instant t = T0.plusSeconds(seq);
        return Flow.builder().id("flow-" + seq).seq(seq).session("s1").client(client).start(t).end(t.plusMillis(10))
                .request(new FlowRequest(method, scheme, host, port, path, query, version, headers, body, null, t.plusMillis(1)))
                .response(response);
    }

    private static FlowResponse resp(int status, List<Header> headers, Body body) {
        return new FlowResponse(status, "", "HTTP/1.1", headers, body, null, T0, T0);
    }

    private static Header h(String n, String v) {
        return new Header(n, v);
    }

    private static WsMessage ws(WsMessage.Direction d, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return new WsMessage(d, T0, true, b, b.length, false);
    }

    private static byte[] gzip(String s) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                z.write(s.getBytes(StandardCharsets.UTF_8));
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
