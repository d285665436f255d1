package dev.traffic.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The UI's HTTP surface with a real client: paging, errors, downloads, and every security rule. */
class HttpApiTest {
    @TempDir static Path dir;
    static UiServer open;
    static UiServer tokened;
    static final String TOKEN = "s3cret-token-0123456789";
    static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        FixtureStore.create(dir.resolve("store"), 1_200);
        open = UiServer.start(dir.resolve("store"), new InetSocketAddress("127.0.0.1", 0), UiAccess.open());
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        tokened = UiServer.start(dir.resolve("store"), new InetSocketAddress("127.0.0.1", 0),
                UiAccess.forListen(new InetSocketAddress("127.0.0.1", 0), tokenFile));
    }

    @AfterAll
    static void stop() {
        if (open != null) open.close();
        if (tokened != null) tokened.close();
    }

    static String base(UiServer s) {
        return "http://127.0.0.1:" + s.address().getPort();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base(open) + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void pagingWalksEveryFlowOnceNewestFirst() throws Exception {
        Set<Long> seen = new HashSet<>();
        long previous = Long.MAX_VALUE;
        String after = null;
        long total = -1;
        do {
            JsonNode page = json.readTree(get("/api/flows?limit=250" + (after == null ? "" : "&after=" + after)).body());
            total = page.get("total").asLong();
            for (JsonNode f : page.get("flows")) {
                assertThat(seen.add(f.get("seq").asLong())).isTrue();
                long t = Long.parseLong(f.get("cursor").asText().split("\\.")[0]);
                assertThat(t).isLessThanOrEqualTo(previous);
                previous = t;
            }
            after = page.has("next") ? page.get("next").asText() : null;
        } while (after != null);
        assertThat(seen).hasSize((int) total);
        assertThat(total).isEqualTo(1_209);
    }

    @Test
    void badInputIs400WithTheReason() throws Exception {
        HttpResponse<String> r = get("/api/flows?q=" + q("status:>=400 AND ("));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = json.readTree(r.body()).get("error");
        assertThat(e.get("position").asInt()).isGreaterThanOrEqualTo(0);
        assertThat(e.get("query").asText()).isEqualTo("status:>=400 AND (");
        assertThat(get("/api/flows?limit=many").statusCode()).isEqualTo(400);
        assertThat(get("/api/flows?limit=100000").statusCode()).isEqualTo(400);
        assertThat(get("/api/flows?after=nonsense").body()).contains("bad cursor");
        assertThat(get("/api/export?format=xml").statusCode()).isEqualTo(400);
        assertThat(get("/api/flow/no-such-flow").statusCode()).isEqualTo(404);
        assertThat(get("/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        for (String path : new String[] {"/", "/flow/fx-json", "/static/app.js", "/api/flows", "/api/flow/fx-json", "/nope"}) {
            HttpResponse<String> r = get(path);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(csp ->
                    assertThat(csp).contains("default-src 'self'").contains("script-src 'self'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval"));
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
        }
        // the page has no inline script or style for the policy to forbid
        String page = get("/").body();
        assertThat(page).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain(" style=").doesNotContain("on" + "load=");
        String script = new String(HttpApiTest.class.getResourceAsStream("/dev/traffic/ui/static/app.js").readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script).doesNotContain("innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
                .doesNotContain("document.write").doesNotContain("eval(");
    }

    @Test
    void recordedBytesOnlyAsSandboxedAttachments() throws Exception {
        HttpResponse<String> html = get("/api/flow/fx-xss-html/body/response");
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Type")).contains("application/octet-stream");
        assertThat(html.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).startsWith("attachment;"));
        assertThat(html.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).startsWith("sandbox;"));
        // an SVG is never served as an image (it can carry script); a PNG is
        assertThat(get("/api/flow/fx-xss-svg/body/response?image").statusCode()).isEqualTo(400);
        HttpResponse<String> png = get("/api/flow/fx-image/body/response?image");
        assertThat(png.headers().firstValue("Content-Type")).contains("image/png");
        assertThat(png.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).startsWith("sandbox;"));
        HttpResponse<String> har = get("/api/flow/fx-json/har");
        assertThat(har.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).contains("attachment"));
        assertThat(json.readTree(har.body()).at("/log/entries/0/request/url").asText()).isEqualTo("https://json.fixture.test/data.json");
        // the gzip body is served decoded
        assertThat(get("/api/flow/fx-json/body/response").body()).contains("hello-json-fixture");
    }

    @Test
    void exportsTheCurrentFilter() throws Exception {
        HttpResponse<String> nd = get("/api/export?format=ndjson&q=" + q("host:xss.fixture.test"));
        assertThat(nd.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).contains("attachment"));
        assertThat(nd.body().lines()).hasSize(3).allSatisfy(l -> assertThat(json.readTree(l).get("request").get("host").asText()).isEqualTo("xss.fixture.test"));
        HttpResponse<String> har = get("/api/export?format=har&q=" + q("~d svc3.example.com"));
        assertThat(json.readTree(har.body()).at("/log/entries").size()).isEqualTo(60);
    }

    @Test
    void curlCommandsAreQuotedForTheShell() throws Exception {
        JsonNode f = json.readTree(get("/api/flow/fx-xss-html").body());
        String curl = f.get("curl").asText();
        assertThat(curl).doesNotContain("\u001b").doesNotContain("\u0007");
        assertThat(curl).contains("-H 'X-Evil: <img src=x onerror=\"window." + FixtureStore.SENTINEL + "=1\">'");
        assertThat(dev.traffic.ui.internal.CurlQuoting.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(dev.traffic.ui.internal.CurlQuoting.quote("a\u001b[2Jb")).isEqualTo("$'a\\x1b[2Jb'");
    }

    @Test
    void onlyReadsAreServed() throws Exception {
        for (String m : new String[] {"POST", "PUT", "DELETE", "PATCH"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base(open) + "/api/flows")).method(m, HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(m).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).contains("GET, HEAD");
        }
    }

    @Test
    void aForeignHostNameIsRefusedOnLoopback() throws Exception {
        // what a DNS-rebinding page would send: its own name for our address
        try (java.net.Socket sock = new java.net.Socket("127.0.0.1", open.address().getPort())) {
            sock.getOutputStream().write("GET /api/flows HTTP/1.1\r\nHost: evil.example:8082\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(sock.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(status).startsWith("HTTP/1.1 421");
        }
        HttpResponse<String> cross = http.send(HttpRequest.newBuilder(URI.create(base(open) + "/api/flows")).header("Sec-Fetch-Site", "cross-site").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(cross.statusCode()).isEqualTo(403);
    }

    @Test
    void withATokenEveryRequestNeedsTheCookieFromTheOneTimeUrl() throws Exception {
        String b = base(tokened);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(b + "/api/flows")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(b + "/?token=wrong-token-0123456789")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(401);
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(b + "/?token=" + TOKEN)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).contains("/");
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
        String pair = cookie.substring(0, cookie.indexOf(';'));
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(b + "/api/flows?limit=1")).header("Cookie", pair).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(b + "/api/flows")).header("Cookie", "traffic_ui_token=guess").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(tokened.url()).endsWith("/?token=" + TOKEN);
    }

    @Test
    void offLoopbackATokenIsGeneratedUnlessOneIsGiven() throws Exception {
        UiAccess any = UiAccess.forListen(new InetSocketAddress("0.0.0.0", 8082), null);
        assertThat(any.required()).isTrue();
        assertThat(any.generated()).isTrue();
        assertThat(any.token()).hasSize(48);
        assertThat(UiAccess.forListen(new InetSocketAddress("0.0.0.0", 8082), null).token()).isNotEqualTo(any.token());
        assertThat(UiAccess.forListen(new InetSocketAddress("127.0.0.1", 8082), null).required()).isFalse();
        Path shortToken = dir.resolve("short");
        Files.writeString(shortToken, "abc\n");
        assertThatThrownBy(() -> UiAccess.forListen(new InetSocketAddress("0.0.0.0", 8082), shortToken))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16");
    }

    @Test
    void integrityAndSealOfAFlow() throws Exception {
        JsonNode seal = json.readTree(get("/api/flow/fx-finding").body()).get("seal");
        assertThat(seal.get("leafMatches").asBoolean()).isTrue();
        assertThat(seal.get("verified").asBoolean()).isTrue();
        assertThat(seal.get("leafHash").asText()).hasSize(64);
        JsonNode s = json.readTree(get("/api/integrity").body());
        assertThat(s.get("keyFingerprint").asText()).hasSize(32);
        assertThat(s.get("lastCheckpoint").get("size").asLong()).isEqualTo(1_209);
        assertThat(s.get("state").asText()).isEqualTo("never"); // verification runs on demand only
        assertThat(json.readTree(get("/api/integrity?refresh=1").body()).get("state").asText()).isIn("running", "ok");
        long deadline = System.nanoTime() + 60_000_000_000L;
        JsonNode done;
        do {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000); // poll the condition until the deadline
            done = json.readTree(get("/api/integrity").body());
        } while (done.get("state").asText().equals("running") && System.nanoTime() < deadline);
        assertThat(done.get("state").asText()).isEqualTo("ok");
        assertThat(done.get("flowsVerified").asLong()).isEqualTo(1_209);
        assertThat(done.get("problemCount").asInt()).isZero();
    }
}
