package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestUpstream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipelined requests sent in one write are held while the first is served, then answered in order. */
class PipeliningTest {
    @TempDir Path dir;

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (ProxyFixture p = new ProxyFixture(dir, b -> {});
             TestUpstream up = TestUpstream.plain();
             Socket s = new Socket("127.0.0.1", p.port())) {
            s.setSoTimeout(10_000);
            String base = "http://127.0.0.1:" + up.port();
            String reqs = "GET " + base + "/small?n=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST " + base + "/sink?n=2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde"
                    + "GET " + base + "/small?n=3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(reqs.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) got.write(buf, 0, n); // the proxy closes after the third
            String all = got.toString(StandardCharsets.ISO_8859_1);
            assertThat(all.split("HTTP/1.1 200", -1)).hasSize(4);
            assertThat(up.requests).extracting(r -> r.uri()).containsExactly("/small?n=1", "/sink?n=2", "/small?n=3");
            assertThat(all.indexOf("hello")).isLessThan(all.indexOf("size=5")).isPositive();
            assertThat(all.lastIndexOf("hello")).isGreaterThan(all.indexOf("size=5"));
        }
    }
}
