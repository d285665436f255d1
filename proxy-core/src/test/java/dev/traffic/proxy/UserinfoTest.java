package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestUpstream;
import dev.traffic.model.Flow;
import io.netty.handler.codec.http.HttpRequest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET http://user:pass@host/} (absolute-form with userinfo, which RFC 9110 4.2.4 deprecates):
 * the proxy records the userinfo on the flow, shows it to the inspector, and forwards the request
 * without it (origin-form, Host from the target).
 */
@ExtendWith(LeakCheck.class)
class UserinfoTest {
    @TempDir static Path dir;
    static ProxyFixture proxy;
    static TestUpstream upstream;
    static final CopyOnWriteArrayList<String> inspected = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        proxy = new ProxyFixture(dir, b -> b.inspector(r -> {
            inspected.add(String.valueOf(r.userinfo()));
            return java.util.concurrent.CompletableFuture.completedFuture(Inspection.CLEAN);
        }));
        upstream = TestUpstream.plain();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        upstream.close();
    }

    @Test
    void userinfoIsRecordedAndInspectedButNeverForwarded() throws Exception {
        String up = "127.0.0.1:" + upstream.port();
        String req = "GET http://bot:s3cr%40t-pw@" + up + "/small?x=1 HTTP/1.1\r\nHost: " + up
                + "\r\nConnection: close\r\n\r\n";
        String answer;
        try (Socket s = new Socket("127.0.0.1", proxy.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got);
            answer = got.toString(StandardCharsets.ISO_8859_1);
        }
        assertThat(answer).startsWith("HTTP/1.1 200").endsWith("hello");
        HttpRequest forwarded = upstream.requests.stream().filter(r -> r.uri().startsWith("/small?x=1")).findFirst().orElseThrow();
        assertThat(forwarded.uri()).isEqualTo("/small?x=1");
        assertThat(forwarded.headers().get("Host")).isEqualTo(up);
        assertThat(forwarded.headers().toString()).doesNotContain("s3cr");

        Flow f = proxy.sink.await(fl -> "x=1".equals(fl.request().query()));
        assertThat(f.request().userinfo()).isEqualTo("bot:s3cr%40t-pw");
        assertThat(f.request().host()).isEqualTo("127.0.0.1");
        assertThat(f.request().path()).isEqualTo("/small");
        assertThat(inspected).contains("bot:s3cr%40t-pw");
    }
}
