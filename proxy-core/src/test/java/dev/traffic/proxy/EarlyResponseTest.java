package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.Cmd;
import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestUpstream;
import dev.traffic.model.Flow;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An upstream that answers a large upload before reading its body (RFC 9112 9.3: a server may
 * respond early; nginx {@code return 200}, or a 413 followed by close). The client (curl streaming
 * a 32 MiB file) must get the status, not a reset, and the flow must be recorded with what the
 * client sent. Over plain HTTP and intercepted HTTPS.
 */
@ExtendWith(LeakCheck.class)
class EarlyResponseTest {
    static final long N = 32L << 20;
    @TempDir static Path dir;
    static ProxyFixture proxy;
    static TestUpstream plain;
    static TestUpstream tls;
    static Path file;

    @BeforeAll
    static void start() throws Exception {
        proxy = new ProxyFixture(dir, b -> {});
        plain = TestUpstream.plain();
        tls = TestUpstream.tls(TestPki.serverContext(proxy.pki.upstreamCa, "localhost"));
        file = dir.resolve("upload.bin");
        try (OutputStream o = Files.newOutputStream(file)) {
            byte[] block = new byte[65536];
            for (long done = 0; done < N; done += block.length) {
                for (int i = 0; i < block.length; i++) block[i] = TestUpstream.patternByte(done + i);
                o.write(block);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
        if (plain != null) plain.close();
        if (tls != null) tls.close();
    }

    private static String url(String scheme, String path) {
        return scheme.equals("http") ? "http://127.0.0.1:" + plain.port() + path : "https://localhost:" + tls.port() + path;
    }

    private static Cmd.Result upload(String url) throws Exception {
        // "Expect:" off: the body streams at once, so the early answer really overtakes it
        return Cmd.run(List.of("curl", "-sS", "--http1.1", "--max-time", "60", "-x", proxy.proxyUrl(),
                "--cacert", proxy.pki.proxyCaPem().toString(), "-H", "Expect:", "-H", "Content-Type: application/octet-stream",
                "--data-binary", "@" + file, "-w", "\n%{http_code}", url), null, null, 90);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "https"})
    void earlyOkIsRelayedAndTheWholeUploadRecorded(String scheme) throws Exception {
        String path = "/early/200/" + scheme;
        Cmd.Result r = upload(url(scheme, path));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("early\n200");
        Flow f = proxy.sink.await(fl -> fl.request() != null && path.equals(fl.request().path()), Duration.ofSeconds(30));
        assertThat(f.response().status()).isEqualTo(200);
        assertThat(f.response().body().recorded()).asString().isEqualTo("early");
        assertThat(f.request().body().size()).isEqualTo(N);
        assertThat(f.request().body().sha256()).isEqualTo(TestUpstream.patternSha256(N));
        assertThat(f.error()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "https"})
    void early413ThenCloseIsRelayed(String scheme) throws Exception {
        String path = "/early/413/" + scheme;
        Cmd.Result r = upload(url(scheme, path));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("too large\n413");
        Flow f = proxy.sink.await(fl -> fl.request() != null && path.equals(fl.request().path()), Duration.ofSeconds(30));
        assertThat(f.response().status()).isEqualTo(413);
        assertThat(f.response().body().recorded()).asString().isEqualTo("too large");
        // curl may stop sending after a 4xx (and close): the flow records what it did send
        assertThat(f.request().body().size()).isBetween(0L, N);
        if (f.request().body().size() == N) {
            assertThat(f.request().body().sha256()).isEqualTo(TestUpstream.patternSha256(N));
        }
    }
}
