package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.Cmd;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestUpstream;
import dev.traffic.model.Flow;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** curl through the proxy (-x, --cacert our CA) against real loopback upstreams, plain and TLS. */
class CurlProxyTest {
    @TempDir static Path dir;
    static ProxyFixture proxy;
    static TestUpstream plain;
    static TestUpstream tls;
    static TestUpstream untrusted;

    @BeforeAll
    static void start() throws Exception {
        proxy = new ProxyFixture(dir, b -> {});
        plain = TestUpstream.plain();
        tls = TestUpstream.tls(TestPki.serverContext(proxy.pki.upstreamCa, "localhost"));
        // signed by a CA the proxy does not trust
        TestPki other = new TestPki(dir.resolve("other"));
        untrusted = TestUpstream.tls(TestPki.serverContext(other.upstreamCa, "localhost"));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
        if (plain != null) plain.close();
        if (tls != null) tls.close();
        if (untrusted != null) untrusted.close();
    }

    static Cmd.Result curl(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "-x", proxy.proxyUrl(),
                "--cacert", proxy.pki.proxyCaPem().toString()));
        argv.addAll(List.of(args));
        return Cmd.run(argv, null, null, 90);
    }

    @Test
    void plainHttpGetIsForwardedAndRecorded() throws Exception {
        Cmd.Result r = curl("http://127.0.0.1:" + plain.port() + "/small?x=1");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("hello");
        Flow f = proxy.sink.await(fl -> fl.request() != null && "/small".equals(fl.request().path()) && "http".equals(fl.request().scheme()));
        assertThat(f.request().query()).isEqualTo("x=1");
        assertThat(f.response().status()).isEqualTo(200);
        assertThat(f.response().body().recorded()).asString().isEqualTo("hello");
        assertThat(f.response().body().size()).isEqualTo(5);
        assertThat(f.request().header("User-Agent")).startsWith("curl/");
        assertThat(proxy.sink.started).anyMatch(s -> s.id().equals(f.id()));
    }

    @Test
    void httpsIsInterceptedWithOurCaAndRecorded() throws Exception {
        Cmd.Result r = curl("--http1.1", "https://localhost:" + tls.port() + "/headers");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("GET /headers HTTP/1.1");
        Flow f = proxy.sink.await(fl -> fl.request() != null && "/headers".equals(fl.request().path()) && "https".equals(fl.request().scheme()));
        assertThat(f.tls().sni()).isEqualTo("localhost");
        assertThat(f.tls().upstreamSubject()).contains("localhost");
        assertThat(f.tls().upstreamFingerprintSha256()).hasSize(64);
        assertThat(f.tls().clientVersion()).startsWith("TLS");
    }

    @Test
    void chunkedResponseStaysChunked() throws Exception {
        Cmd.Result r = curl("--http1.1", "-i", "https://localhost:" + tls.port() + "/chunked");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().toLowerCase()).contains("transfer-encoding: chunked");
        assertThat(r.out()).endsWith("one,two,three");
    }

    @Test
    void closeDelimitedResponseIsRechunked() throws Exception {
        Cmd.Result r = curl("http://127.0.0.1:" + plain.port() + "/close");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("until-close");
    }

    @Test
    void post50MiBStreamsThrough() throws Exception {
        Path file = dir.resolve("50m.bin");
        long n = 50L << 20;
        try (OutputStream o = Files.newOutputStream(file)) {
            byte[] block = new byte[65536];
            for (long done = 0; done < n; done += block.length) {
                for (int i = 0; i < block.length; i++) block[i] = TestUpstream.patternByte(done + i);
                o.write(block);
            }
        }
        Cmd.Result r = curl("--data-binary", "@" + file, "-H", "Content-Type: application/octet-stream",
                "https://localhost:" + tls.port() + "/sink");
        assertThat(r.exit()).as(r.toString()).isZero();
        String sha = TestUpstream.patternSha256(n);
        assertThat(r.out()).isEqualTo("size=" + n + " sha256=" + sha);
        Flow f = proxy.sink.await(fl -> fl.request() != null && "/sink".equals(fl.request().path()) && fl.request().body().size() == n);
        assertThat(f.request().body().sha256()).isEqualTo(sha);
        assertThat(f.request().body().truncated()).isTrue();
        assertThat(f.request().body().recorded()).hasSize(1 << 20);
        Files.delete(file);
    }

    @Test
    void untrustedUpstreamCertificateGivesClear502() throws Exception {
        Cmd.Result r = curl("--http1.1", "-i", "https://localhost:" + untrusted.port() + "/small");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("HTTP/1.1 502 Bad Gateway").contains("upstream certificate not trusted: CN=localhost");
        Flow f = proxy.sink.await(fl -> fl.error() != null && fl.error().contains("not trusted") && fl.request().port() == untrusted.port());
        assertThat(f.response().status()).isEqualTo(502);
    }

    @Test
    void hostnameMismatchGivesClear502() throws Exception {
        // the upstream's certificate names "localhost" only; asking for 127.0.0.1 must fail verification
        Cmd.Result r = curl("--http1.1", "-i", "https://127.0.0.1:" + tls.port() + "/small");
        assertThat(r.out()).as(r.toString()).contains("HTTP/1.1 502 Bad Gateway").contains("does not match 127.0.0.1");
    }

    @Test
    void insecureUpstreamSkipsVerificationForMatchingHostsOnly() throws Exception {
        try (ProxyFixture lax = new ProxyFixture(dir.resolve("lax"), b -> b.insecureUpstream("localhost"))) {
            List<String> base = List.of("curl", "-sS", "--max-time", "20", "-x", lax.proxyUrl(), "--cacert", lax.pki.proxyCaPem().toString());
            List<String> ok = new ArrayList<>(base);
            ok.add("https://localhost:" + untrusted.port() + "/small");
            assertThat(Cmd.run(ok, null, null, 30).out()).isEqualTo("hello");
            List<String> strict = new ArrayList<>(base);
            strict.addAll(List.of("--http1.1", "-i", "https://127.0.0.1:" + untrusted.port() + "/small"));
            assertThat(Cmd.run(strict, null, null, 30).out()).contains("HTTP/1.1 502");
        }
    }

    @Test
    void unknownHostGivesClear502() throws Exception {
        Cmd.Result r = curl("-i", "http://no-such-host.invalid/x");
        assertThat(r.out()).as(r.toString()).startsWith("HTTP/1.1 502");
        assertThat(r.out()).contains("cannot resolve no-such-host.invalid");
        Cmd.Result s = curl("-i", "https://no-such-host.invalid/x");
        assertThat(s.err() + s.out()).as(s.toString()).contains("502");
        proxy.sink.await(fl -> fl.error() != null && fl.error().equals("cannot resolve no-such-host.invalid"));
    }

    @Test
    void refusedConnectionGivesClear502() throws Exception {
        int dead;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            dead = s.getLocalPort();
        }
        Cmd.Result r = curl("-i", "http://127.0.0.1:" + dead + "/x");
        assertThat(r.out()).as(r.toString()).startsWith("HTTP/1.1 502");
        assertThat(r.out()).contains("connection refused 127.0.0.1:" + dead);
    }
}
