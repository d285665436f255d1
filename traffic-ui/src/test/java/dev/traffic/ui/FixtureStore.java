package dev.traffic.ui;

import dev.traffic.model.Body;
import dev.traffic.model.Decision;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.Severity;
import dev.traffic.model.TlsInfo;
import dev.traffic.model.WsMessage;
import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.zip.GZIPOutputStream;

/**
 * A store for the UI's tests and benchmark: {@code n} ordinary flows over 20 hosts spread across an
 * hour, plus named fixtures (ids {@code fx-...}): a gzip JSON body, an SSE stream, a WebSocket
 * session, a finding with a decision trace, a PNG, a 1 MiB JSON body, and hostile content (script
 * tags, img onerror, javascript: URLs, SVG, text/html, terminal escapes) that must stay inert.
 * {@code java ... dev.traffic.ui.FixtureStore DIR N} builds one from the command line.
 */
public final class FixtureStore {
    public static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    /** What every XSS fixture tries to set: the tests assert it stays undefined. */
    public static final String SENTINEL = "__trafficPwned";
    static final String[] HOSTS = new String[20];

    static {
        for (int i = 0; i < HOSTS.length; i++) HOSTS[i] = i == 0 ? "api.github.com" : "svc" + i + ".example.com";
    }

    private FixtureStore() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        long t = System.nanoTime();
        create(dir, n);
        System.out.println("wrote " + n + " flows + fixtures to " + dir + " in " + (System.nanoTime() - t) / 1_000_000 + " ms");
    }

    /** Writes the store at {@code storeDir} and closes it (indexed, sealed by a final checkpoint). */
    public static void create(Path storeDir, int n) throws IOException, InterruptedException {
        FlowStore store = FlowStore.open(storeDir, StoreOptions.defaults().withSession("fixture-session").withFsyncInterval(java.time.Duration.ofSeconds(5)));
        try {
            long step = Math.max(1, 3_600_000L / Math.max(1, n));
            for (int i = 0; i < n; i++) {
                write(store, ordinary(i, T0.plusMillis(i * step)));
                if (i == n / 2) for (Flow f : special(T0.plusMillis(i * step + 1))) write(store, f);
            }
            if (n < 2) for (Flow f : special(T0.plusMillis(5))) write(store, f);
        } finally {
            store.close();
        }
    }

    private static void write(FlowStore store, Flow f) throws InterruptedException {
        while (!store.writable()) {
            CountDownLatch ready = new CountDownLatch(1);
            store.onWritable(ready::countDown);
            ready.await();
        }
        store.ended(f);
    }

    static Flow ordinary(int i, Instant t) {
        String host = HOSTS[i % HOSTS.length];
        boolean post = i % 7 == 0;
        int status = i % 53 == 0 ? 500 : i % 11 == 0 ? 404 : i % 13 == 0 ? 302 : 200;
        String respJson = "{\"n\":" + i + ",\"items\":[1,2,3],\"host\":\"" + host + "\"}";
        FlowRequest rq = new FlowRequest(post ? "POST" : "GET", "https", host, 443, "/v1/items/" + i, i % 3 == 0 ? "page=" + (i % 5) : null,
                "HTTP/1.1", List.of(new Header("Host", host), new Header("User-Agent", "agent/1.0"), new Header("Accept", "application/json")),
                post ? text("{\"op\":\"create\",\"i\":" + i + "}") : Body.EMPTY, null, t.plusMillis(1));
        FlowResponse rs = new FlowResponse(status, "OK", "HTTP/1.1", List.of(new Header("Content-Type", "application/json")),
                text(respJson), null, t.plusMillis(10), t.plusMillis(12));
        return Flow.builder().id(String.format("fl-%08d", i)).session("fixture-session").client("127.0.0.1:" + (40000 + i % 1000))
                .start(t).end(t.plusMillis(12)).request(rq).response(rs)
                .tls(new TlsInfo(host, "TLSv1.3", "TLS_AES_128_GCM_SHA256", "http/1.1", "TLSv1.3", "TLS_AES_256_GCM_SHA384", "h2",
                        "CN=" + host, "CN=Test CA", "ab".repeat(32)))
                .build();
    }

    static List<Flow> special(Instant t) {
        List<Flow> out = new ArrayList<>();
        String json = "{\"greeting\":\"hello-json-fixture\",\"nested\":{\"list\":[1,2,3],\"ok\":true}}";
        out.add(exchange("fx-json", t, "GET", "json.fixture.test", "/data.json", List.of(),
                List.of(new Header("Content-Type", "application/json"), new Header("Content-Encoding", "gzip")), body(gzip(json.getBytes(StandardCharsets.UTF_8)))));
        String sse = "event: progress\ndata: step-one\n\nevent: progress\ndata: step-two\n\nid: 3\ndata: done-sse-fixture\n\n";
        out.add(exchange("fx-sse", t.plusMillis(1), "GET", "sse.fixture.test", "/stream", List.of(),
                List.of(new Header("Content-Type", "text/event-stream")), text(sse)));
        Instant w = t.plusMillis(2);
        out.add(Flow.builder().id("fx-ws").kind(FlowKind.WEBSOCKET).session("fixture-session").client("127.0.0.1:39999").start(w).end(w.plusMillis(50))
                .request(new FlowRequest("GET", "wss", "ws.fixture.test", 443, "/socket", null, "HTTP/1.1",
                        List.of(new Header("Upgrade", "websocket"), new Header("Connection", "Upgrade")), Body.EMPTY, null, w.plusMillis(1)))
                .response(new FlowResponse(101, "Switching Protocols", "HTTP/1.1", List.of(new Header("Upgrade", "websocket")), Body.EMPTY, null,
                        w.plusMillis(2), w.plusMillis(50)))
                .messages(List.of(ws(WsMessage.Direction.CLIENT_TO_SERVER, w.plusMillis(3), "ws-hello-fixture"),
                        ws(WsMessage.Direction.SERVER_TO_CLIENT, w.plusMillis(4), "ws-reply-fixture"),
                        ws(WsMessage.Direction.SERVER_TO_CLIENT, w.plusMillis(5), "<script>window." + SENTINEL + "=1</script>"),
                        new WsMessage(WsMessage.Direction.SERVER_TO_CLIENT, w.plusMillis(6), false, new byte[] {0, 1, 2, (byte) 0xff}, 4, false)))
                .build());
        Flow finding = exchange("fx-finding", t.plusMillis(3), "POST", "exfil.fixture.test", "/upload", List.of(new Header("Content-Type", "application/x-www-form-urlencoded")),
                List.of(new Header("Content-Type", "text/plain")), text("refused"));
        out.add(finding.toBuilder()
                .request(finding.request().withBody(text("user=agent&note=hello+world")))
                .policy(new PolicyDecision(PolicyDecision.Action.BLOCK, "aws-access-key"))
                .findings(List.of(new Finding("aws-access-key", "credential", Severity.CRITICAL, "body-form:note", "exfil.fixture.test",
                        "sha256:3f2a9c1d AKIA…WXYZ", null, "AWS access key id in a form field")))
                .decisions(List.of(new Decision("inspection", "aws-access-key", "block", "credential sent to an unknown host")))
                .build());
        byte[] png = HexFormat.of().parseHex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f1f6f30000000049454e44ae426082");
        out.add(exchange("fx-image", t.plusMillis(4), "GET", "img.fixture.test", "/pixel.png", List.of(),
                List.of(new Header("Content-Type", "image/png")), body(png)));
        StringBuilder big = new StringBuilder("{\"rows\":[");
        for (int i = 0; big.length() < 1024 * 1024; i++) big.append(i == 0 ? "" : ",").append("{\"i\":").append(i).append(",\"v\":\"value-").append(i).append("\"}");
        big.append("]}");
        out.add(exchange("fx-big", t.plusMillis(5), "GET", "big.fixture.test", "/big.json", List.of(),
                List.of(new Header("Content-Type", "application/json")), text(big.toString())));
        // hostile content: each piece would set the sentinel (or open a dialog) if it ever ran
        String script = "<script>window." + SENTINEL + "=1;alert(1)</script>";
        String img = "<img src=x onerror=\"window." + SENTINEL + "=1\">";
        String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"window." + SENTINEL + "=1\"><script>window." + SENTINEL + "=1</script></svg>";
        String js = "javascript:window." + SENTINEL + "=1";
        String esc = "\u001b]0;owned\u0007\u001b[31mred\u001b[0m";
        out.add(exchange("fx-xss-html", t.plusMillis(6), "GET", "xss.fixture.test", "/" + script + img, List.of(new Header("X-Evil", img), new Header("Referer", js)),
                List.of(new Header("Content-Type", "text/html"), new Header("Location", js), new Header("X-Term", esc)),
                text("<!doctype html><html><body>" + script + img + "<a href=\"" + js + "\">click</a></body></html>")));
        out.add(exchange("fx-xss-svg", t.plusMillis(7), "GET", "xss.fixture.test", "/image.svg", List.of(),
                List.of(new Header("Content-Type", "image/svg+xml")), text(svg)));
        out.add(exchange("fx-xss-json", t.plusMillis(8), "GET", "xss.fixture.test", "/api", List.of(),
                List.of(new Header("Content-Type", "application/json")), text("{\"html\":\"" + script.replace("\"", "\\\"") + "\",\"term\":\"\\u001b[2J\"}")));
        return out;
    }

    private static Flow exchange(String id, Instant t, String method, String host, String path, List<Header> reqHeaders, List<Header> respHeaders, Body respBody) {
        List<Header> rh = new ArrayList<>();
        rh.add(new Header("Host", host));
        rh.addAll(reqHeaders);
        return Flow.builder().id(id).session("fixture-session").client("127.0.0.1:39998").start(t).end(t.plusMillis(30))
                .request(new FlowRequest(method, "https", host, 443, path, null, "HTTP/1.1", rh, Body.EMPTY, null, t.plusMillis(1)))
                .response(new FlowResponse(200, "OK", "HTTP/1.1", respHeaders, respBody, null, t.plusMillis(20), t.plusMillis(30)))
                .build();
    }

    private static WsMessage ws(WsMessage.Direction d, Instant t, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return new WsMessage(d, t, true, b, b.length, false);
    }

    static Body text(String s) {
        return body(s.getBytes(StandardCharsets.UTF_8));
    }

    static Body body(byte[] b) {
        try {
            return new Body(b.length, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)), b, false);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] gzip(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
