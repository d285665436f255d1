package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.AlpnTestUpstream;
import dev.traffic.proxy.testing.Await;
import dev.traffic.proxy.testing.Cmd;
import dev.traffic.proxy.testing.H2TestClient;
import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestTrust;
import dev.traffic.proxy.testing.TestUpstream;
import dev.traffic.model.Flow;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 through the proxy: ALPN on both sides, h2<->h1 translation, many streams on one
 * connection, gRPC-style trailers, independent streams, versions recorded per side.
 */
@ExtendWith(LeakCheck.class)
class Http2ProxyTest {
    @TempDir static Path dir;
    static ProxyFixture proxy;
    static AlpnTestUpstream h2only;
    static AlpnTestUpstream both;
    static TestUpstream h1only;
    static AlpnTestUpstream h1alpn;
    static final AtomicInteger clientConnections = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        proxy = new ProxyFixture(dir, b -> b.events(new ProxyEvents() {
            @Override
            public void clientConnectionOpened() {
                clientConnections.incrementAndGet();
            }
        }));
        h2only = new AlpnTestUpstream(proxy.pki.upstreamCa, "localhost", "h2");
        both = new AlpnTestUpstream(proxy.pki.upstreamCa, "localhost", "h2", "http/1.1");
        h1alpn = new AlpnTestUpstream(proxy.pki.upstreamCa, "localhost", "http/1.1");
        h1only = TestUpstream.tls(TestPki.serverContext(proxy.pki.upstreamCa, "localhost"));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
        if (h2only != null) h2only.close();
        if (both != null) both.close();
        if (h1only != null) h1only.close();
        if (h1alpn != null) h1alpn.close();
    }

    static Cmd.Result curl(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "-x", proxy.proxyUrl(),
                "--cacert", proxy.pki.proxyCaPem().toString()));
        argv.addAll(List.of(args));
        return Cmd.run(argv, null, null, 60);
    }

    @Test
    void curlHttp2EndToEndIsRecordedWithBothVersions() throws Exception {
        Cmd.Result r = curl("--http2", "-w", "\n%{http_version}", "https://localhost:" + both.port() + "/headers?q=curl");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("HTTP/2 GET /headers?q=curl");
        assertThat(r.out()).endsWith("\n2");
        assertThat(r.out()).contains("user-agent: curl/");
        Flow f = proxy.sink.await(fl -> fl.request() != null && "q=curl".equals(fl.request().query()));
        assertThat(f.request().httpVersion()).isEqualTo("HTTP/2.0");
        assertThat(f.response().httpVersion()).isEqualTo("HTTP/2.0");
        assertThat(f.tls().clientAlpn()).isEqualTo("h2");
        assertThat(f.tls().upstreamAlpn()).isEqualTo("h2");
        assertThat(f.request().headers()).noneMatch(h -> h.name().startsWith("x-http2-"));
        assertThat(f.response().body().recorded()).asString(StandardCharsets.UTF_8).startsWith("HTTP/2 GET");
    }

    @Test
    void h2ClientToHttp1UpstreamIsTranslated() throws Exception {
        Cmd.Result r = curl("--http2", "-w", "\n%{http_version}", "https://localhost:" + h1only.port() + "/chunked");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("one,two,three\n2");
        Flow f = proxy.sink.await(fl -> fl.request() != null && "/chunked".equals(fl.request().path())
                && fl.request().port() == h1only.port());
        assertThat(f.request().httpVersion()).isEqualTo("HTTP/2.0");
        assertThat(f.response().httpVersion()).isEqualTo("HTTP/1.1");
        assertThat(h1only.requests).anyMatch(q -> q.uri().equals("/chunked") && q.headers().get("Host").equals("localhost:" + h1only.port()));
    }

    @Test
    void http1ClientToH2UpstreamIsTranslated() throws Exception {
        Cmd.Result r = curl("--http1.1", "-i", "https://localhost:" + h2only.port() + "/headers?q=h1");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("HTTP/1.1 200");
        // the upstream saw a real h2 request with :authority (Netty exposes it as host)
        assertThat(r.out()).contains("HTTP/2 GET /headers?q=h1").contains("host: localhost:" + h2only.port());
        Flow f = proxy.sink.await(fl -> fl.request() != null && "q=h1".equals(fl.request().query()));
        assertThat(f.request().httpVersion()).isEqualTo("HTTP/1.1");
        assertThat(f.response().httpVersion()).isEqualTo("HTTP/2.0");
        assertThat(f.tls().clientAlpn()).isEqualTo("http/1.1");
        assertThat(f.tls().upstreamAlpn()).isEqualTo("h2");
    }

    @Test
    void jdkHttpClientManyConcurrentRequestsOnOneConnection() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port())))
                .sslContext(TestTrust.trusting(proxy.pki.proxyCaPem()))
                .connectTimeout(Duration.ofSeconds(10)).build();
        int before = clientConnections.get();
        int upstreamBefore = h2only.connections.get();
        String base = "https://localhost:" + h2only.port() + "/small?jdk=";
        // one request first so the connection exists; then 60 at once share it
        HttpResponse<String> first = client.send(HttpRequest.newBuilder(URI.create(base + "0")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            all.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + i)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello");
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        }
        assertThat(clientConnections.get() - before).as("client connections to the proxy").isEqualTo(1);
        assertThat(h2only.connections.get() - upstreamBefore).as("new upstream h2 connections").isLessThanOrEqualTo(1);
        for (int i = 0; i <= 60; i++) {
            String q = "jdk=" + i;
            Flow f = proxy.sink.await(fl -> fl.request() != null && q.equals(fl.request().query()));
            assertThat(f.request().httpVersion()).isEqualTo("HTTP/2.0");
            assertThat(f.response().status()).isEqualTo(200);
        }
    }

    @Test
    void grpcStyleTrailersReachTheClientAndAreRecorded() throws Exception {
        try (H2TestClient c = new H2TestClient(proxy.port(), proxy.pki.proxyCaPem(), "localhost", h2only.port())) {
            H2TestClient.Response r = c.get("/grpc?t=1", true).done.get(10, TimeUnit.SECONDS);
            assertThat(r.headers.status().toString()).isEqualTo("200");
            assertThat(r.body.toString(StandardCharsets.UTF_8)).isEqualTo("grpc-payload");
            assertThat(r.trailers).isNotNull();
            assertThat(r.trailers.get("grpc-status").toString()).isEqualTo("0");
            assertThat(r.trailers.get("grpc-message").toString()).isEqualTo("all good");
        }
        Flow f = proxy.sink.await(fl -> fl.request() != null && "t=1".equals(fl.request().query()));
        assertThat(f.response().trailers()).anyMatch(h -> h.name().equals("grpc-status") && h.value().equals("0"));
        assertThat(f.request().header("te")).isEqualTo("trailers");
        assertThat(h2only.requests).contains("/grpc?t=1");
    }

    @Test
    void trailersFromH2UpstreamReachAnHttp1Client() throws Exception {
        Cmd.Result r = curl("--http1.1", "--raw", "-i", "https://localhost:" + h2only.port() + "/grpc?t=h1");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().toLowerCase()).contains("transfer-encoding: chunked").contains("grpc-status: 0");
    }

    @Test
    void aStalledStreamDoesNotStallAnotherOnTheSameConnection() throws Exception {
        try (H2TestClient c = new H2TestClient(proxy.port(), proxy.pki.proxyCaPem(), "localhost", h2only.port())) {
            // 64 MiB that the client never reads: its windows (client and upstream side) fill up
            long sentBefore = h2only.bytesSent.get();
            H2TestClient.Response slow = c.get("/bytes/67108864", false);
            Await.until("the upstream to get the stalled request", Duration.ofSeconds(10),
                    () -> h2only.requests.contains("/bytes/67108864"));
            for (int i = 0; i < 5; i++) {
                H2TestClient.Response fast = c.get("/small?fast=" + i, true).done.get(10, TimeUnit.SECONDS);
                assertThat(fast.body.toString(StandardCharsets.UTF_8)).isEqualTo("hello");
            }
            assertThat(slow.done).isNotDone();
            // backpressure held: the proxy stopped reading the stalled upstream stream (windows only)
            assertThat(h2only.bytesSent.get()).as("bytes the upstream could send into the stalled stream").isLessThan(sentBefore + (8L << 20));
            slow.stream.eventLoop().submit(() -> {
                slow.stream.config().setAutoRead(true); // drain (and release) what it buffered
                slow.stream.close(); // RST_STREAM; the proxy must end that flow
            }).get(10, TimeUnit.SECONDS);
        }
        Flow f = proxy.sink.await(fl -> fl.request() != null && "/bytes/67108864".equals(fl.request().path()));
        assertThat(f.error()).isNotNull();
        assertThat(f.response().body().size()).isLessThan(64L << 20);
    }

    @Test
    void concurrentFirstRequestsShareOneNewUpstreamConnection() throws Exception {
        try (AlpnTestUpstream fresh = new AlpnTestUpstream(proxy.pki.upstreamCa, "localhost", "h2", "http/1.1");
             H2TestClient c = new H2TestClient(proxy.port(), proxy.pki.proxyCaPem(), "localhost", fresh.port())) {
            List<H2TestClient.Response> all = new ArrayList<>();
            for (int i = 0; i < 20; i++) all.add(c.get("/small?burst=" + i, true)); // all before any upstream exists
            for (H2TestClient.Response r : all) {
                assertThat(r.done.get(10, TimeUnit.SECONDS).body.toString(StandardCharsets.UTF_8)).isEqualTo("hello");
            }
            assertThat(fresh.connections.get()).as("upstream connections for 20 concurrent first requests").isEqualTo(1);
        }
    }

    static String sha256(byte[] data, long repeatTo) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        for (long done = 0; done < repeatTo; done += data.length) md.update(data, 0, (int) Math.min(data.length, repeatTo - done));
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /** Big bodies with a rate-limited client, so backpressure pauses and resumes stream channels many times. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0} download from {1} upstream")
    @org.junit.jupiter.params.provider.CsvSource({"--http1.1,h1", "--http1.1,h2", "--http2,h1", "--http2,h2"})
    void slowClientDownloadsWithBackpressure(String clientFlag, String upstream) throws Exception {
        long n = 6L << 20;
        AlpnTestUpstream up = upstream.equals("h2") ? h2only : h1alpn;
        String tag = "dl" + clientFlag.replace("-", "") + upstream;
        Cmd.Result r = curl(clientFlag, "--limit-rate", "3M", "-o", "/dev/null", "-w", "%{size_download} %{http_version}",
                "https://localhost:" + up.port() + "/bytes/" + n + "?" + tag);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo(n + (clientFlag.equals("--http2") ? " 2" : " 1.1"));
        Flow f = proxy.sink.await(fl -> fl.request() != null && tag.equals(fl.request().query()));
        assertThat(f.response().body().size()).isEqualTo(n);
        assertThat(f.response().body().sha256()).isEqualTo(sha256(new byte[65536], n));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} upload to {1} upstream")
    @org.junit.jupiter.params.provider.CsvSource({"--http1.1,h2", "--http2,h1", "--http2,h2"})
    void uploadsStreamAcrossTranslations(String clientFlag, String upstream) throws Exception {
        long n = 8L << 20;
        Path file = dir.resolve("up.bin");
        if (!java.nio.file.Files.exists(file)) {
            try (java.io.OutputStream o = java.nio.file.Files.newOutputStream(file)) {
                byte[] block = new byte[65536];
                for (long done = 0; done < n; done += block.length) {
                    for (int i = 0; i < block.length; i++) block[i] = TestUpstream.patternByte(done + i);
                    o.write(block);
                }
            }
        }
        int port = upstream.equals("h2") ? h2only.port() : h1only.port();
        String tag = "up" + clientFlag.replace("-", "") + upstream;
        Cmd.Result r = curl(clientFlag, "--data-binary", "@" + file, "https://localhost:" + port + "/sink?" + tag);
        assertThat(r.exit()).as(r.toString()).isZero();
        String sha = TestUpstream.patternSha256(n);
        assertThat(r.out()).isEqualTo("size=" + n + " sha256=" + sha);
        Flow f = proxy.sink.await(fl -> fl.request() != null && tag.equals(fl.request().query()));
        assertThat(f.request().body().size()).isEqualTo(n);
        assertThat(f.request().body().sha256()).isEqualTo(sha);
    }

    @Test
    void shutdownLetsOpenH2StreamsFinishThenCloses() throws Exception {
        try (ProxyFixture own = new ProxyFixture(dir.resolve("shutdown"), b -> {});
             AlpnTestUpstream up = new AlpnTestUpstream(own.pki.upstreamCa, "localhost", "h2")) {
            H2TestClient c = new H2TestClient(own.port(), own.pki.proxyCaPem(), "localhost", up.port());
            try {
                H2TestClient.Response sse = c.get("/sse?id=shutdown", true); // ~1 s of events
                sse.headersArrived.get(10, TimeUnit.SECONDS);
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> own.server.shutdown(Duration.ofSeconds(10)));
                H2TestClient.Response r = sse.done.get(10, TimeUnit.SECONDS);
                String body = r.body.toString(StandardCharsets.UTF_8);
                for (int i = 1; i <= 5; i++) assertThat(body).contains("data: event " + i);
                stopped.get(15, TimeUnit.SECONDS);
                c.channel().closeFuture().await(10, TimeUnit.SECONDS);
                assertThat(c.channel().isActive()).as("client connection closed by the proxy").isFalse();
            } finally {
                c.close();
            }
            Flow f = own.sink.await(fl -> fl.request() != null && "id=shutdown".equals(fl.request().query()));
            assertThat(f.error()).isNull();
        }
    }

    @Test
    void idleH2ClientConnectionIsClosed() throws Exception {
        try (ProxyFixture own = new ProxyFixture(dir.resolve("idle"), b -> b.clientIdleTimeout(Duration.ofSeconds(1)));
             AlpnTestUpstream up = new AlpnTestUpstream(own.pki.upstreamCa, "localhost", "h2");
             H2TestClient c = new H2TestClient(own.port(), own.pki.proxyCaPem(), "localhost", up.port())) {
            H2TestClient.Response r = c.get("/small?idle", true).done.get(10, TimeUnit.SECONDS);
            assertThat(r.body.toString(StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(c.channel().closeFuture().await(10, TimeUnit.SECONDS)).as("closed once idle").isTrue();
        }
    }
}
