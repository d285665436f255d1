package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of malformed requests over raw sockets. Each must get a 4xx/5xx or a close (never a
 * forwarded request for the smuggling cases), a well-formed keep-alive client on another
 * connection is served between every case, and no Netty buffer leaks (paranoid detection).
 */
@ExtendWith(LeakCheck.class)
class MalformedInputTest {
    @TempDir static Path dir;
    static ProxyFixture proxy;
    static TestUpstream upstream;
    static String up;

    @BeforeAll
    static void start() throws Exception {
        proxy = new ProxyFixture(dir, b -> b.maxHeaderSize(64 * 1024));
        upstream = TestUpstream.plain();
        up = "127.0.0.1:" + upstream.port();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        upstream.close();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static Map<String, byte[]> corpus() {
        Map<String, byte[]> c = new LinkedHashMap<>();
        String ok = "GET http://" + up + "/small HTTP/1.1\r\nHost: " + up + "\r\n";
        String post = "POST http://" + up + "/sink HTTP/1.1\r\nHost: " + up + "\r\n";
        c.put("garbage line", b("GARBAGE\r\n\r\n"));
        c.put("method only", b("GET\r\n\r\n"));
        c.put("no version", b("GET http://" + up + "/small\r\n\r\n"));
        c.put("bad version", b("GET http://" + up + "/small HTTP/9.9\r\nHost: x\r\n\r\n"));
        c.put("version garbage", b("GET http://" + up + "/small HTTQ/1.1\r\nHost: x\r\n\r\n"));
        c.put("extra token", b("GET http://" + up + "/small HTTP/1.1 extra\r\nHost: x\r\n\r\n"));
        c.put("binary junk", new byte[] {0, 1, 2, 3, 4, (byte) 0xff, 13, 10, 13, 10});
        c.put("origin-form to proxy", b("GET /small HTTP/1.1\r\nHost: " + up + "\r\n\r\n"));
        c.put("asterisk form", b("OPTIONS * HTTP/1.1\r\nHost: " + up + "\r\n\r\n"));
        c.put("ftp scheme", b("GET ftp://" + up + "/ HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("userinfo with empty host", b("GET http://user:pw@/small HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("CONNECT with userinfo", b("CONNECT user:pw@" + up + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("empty host", b("GET http:///small HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("port out of range", b("GET http://127.0.0.1:99999/ HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("port not numeric", b("GET http://127.0.0.1:abc/ HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("port zero", b("GET http://127.0.0.1:0/ HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("unclosed ipv6", b("GET http://[::1/ HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("bad host chars", b("GET http://a$b%c/ HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("control char in uri", b("GET http://" + up + "/sm\u0001all HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("space in uri", b("GET http://" + up + "/a b HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("uri too long", b("GET http://" + up + "/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("method too long", b("X".repeat(20_000) + " http://" + up + "/ HTTP/1.1\r\n\r\n"));
        c.put("header too large", b(ok + "X-Big: " + "a".repeat(70_000) + "\r\n\r\n"));
        StringBuilder many = new StringBuilder(ok);
        for (int i = 0; i < 8000; i++) many.append("X-").append(i).append(": v\r\n");
        c.put("too many headers", b(many + "\r\n"));
        c.put("header folding", b(ok + "X-A: a\r\n  folded\r\n\r\n"));
        c.put("header folding tab", b(ok + "X-A: a\r\n\tfolded\r\n\r\n"));
        c.put("header without colon", b(ok + "NoColonHere\r\n\r\n"));
        c.put("leading space header", b("GET http://" + up + "/small HTTP/1.1\r\n Host: " + up + "\r\n\r\n"));
        c.put("space before colon", b(ok + "X-A : a\r\n\r\n"));
        c.put("NUL in header value", b(ok + "X-A: a\u0000b\r\n\r\n"));
        c.put("NUL in header name", b(ok + "X-\u0000A: a\r\n\r\n"));
        c.put("DEL in header name", b(ok + "X-\u007fA: a\r\n\r\n"));
        c.put("empty header name", b(ok + ": value\r\n\r\n"));
        c.put("missing Host (1.1)", b("GET http://" + up + "/small HTTP/1.1\r\n\r\n"));
        c.put("two Host headers", b(ok + "Host: other\r\n\r\n"));
        c.put("CL and TE", b(post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET http://" + up + "/small HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("TE and CL", b(post + "Transfer-Encoding: chunked\r\nContent-Length: 30\r\n\r\n0\r\n\r\n"));
        c.put("two different CLs", b(post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"));
        c.put("two equal CLs", b(post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"));
        c.put("CL list", b(post + "Content-Length: 5, 5\r\n\r\nhello"));
        c.put("CL plus sign", b(post + "Content-Length: +5\r\n\r\nhello"));
        c.put("CL negative", b(post + "Content-Length: -1\r\n\r\n"));
        c.put("CL hex", b(post + "Content-Length: 0x5\r\n\r\nhello"));
        c.put("CL with space inside", b(post + "Content-Length: 5 5\r\n\r\nhello"));
        c.put("CL huge", b(post + "Content-Length: 99999999999999999999999\r\n\r\n"));
        c.put("TE xchunked", b(post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"));
        c.put("TE chunked, identity", b(post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"));
        c.put("TE gzip, chunked", b(post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"));
        c.put("TE twice", b(post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        c.put("TE space before colon", b(post + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"));
        c.put("TE in HTTP/1.0", b("POST http://" + up + "/sink HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        c.put("bad chunk size", b(post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"));
        c.put("chunk size overflow", b(post + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nhello\r\n0\r\n\r\n"));
        c.put("chunk missing CRLF", b(post + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX3\r\nabc\r\n0\r\n\r\n"));
        c.put("TLS bytes on plain port", new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o', '\r', '\n', '\r', '\n'});
        c.put("CONNECT empty authority", b("CONNECT :443 HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("CONNECT port zero", b("CONNECT 127.0.0.1:0 HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("CONNECT bad host", b("CONNECT a$b:443 HTTP/1.1\r\nHost: x\r\n\r\n"));
        c.put("CONNECT then TLS garbage", b("CONNECT " + up + " HTTP/1.1\r\nHost: " + up + "\r\n\r\n\u0016\u0003\u0001\u0000\u0030" + "x".repeat(48)));
        c.put("control char in method", b("G\u0001T http://" + up + "/small HTTP/1.1\r\nHost: x\r\n\r\n"));
        return c;
    }

    /** Cases that send a partial message and half-close: the proxy must close, not hang or forward. */
    static Map<String, byte[]> halfClosed() {
        Map<String, byte[]> c = new LinkedHashMap<>();
        c.put("half-closed mid request line", b("GET http://" + up));
        c.put("empty lines only, half-closed", b("\r\n\r\n\r\n"));
        c.put("CR only line ends, half-closed", b("GET http://" + up + "/small HTTP/1.1\rHost: x\r\r"));
        c.put("half-closed mid headers", b("GET http://" + up + "/small HTTP/1.1\r\nHost: x\r\nX-A: "));
        c.put("half-closed mid body", b("POST http://" + up + "/sink HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-ten!!"));
        c.put("half-closed mid chunk", b("POST http://" + up + "/sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc"));
        return c;
    }

    @Test
    void everyMalformedRequestGetsAnErrorOrACloseAndOthersAreServed() throws Exception {
        Map<String, byte[]> cases = corpus();
        Map<String, byte[]> halves = halfClosed();
        assertThat(cases.size() + halves.size()).isGreaterThanOrEqualTo(50);
        List<String> failures = new ArrayList<>();
        try (Socket good = new Socket("127.0.0.1", proxy.port())) {
            good.setSoTimeout(10_000);
            for (var e : cases.entrySet()) {
                int before = upstream.requests.size();
                String answer = exchange(e.getValue(), false);
                if (!(answer.isEmpty() || answer.startsWith("HTTP/1.1 4") || answer.startsWith("HTTP/1.1 5")
                        || (e.getKey().startsWith("CONNECT then") && answer.startsWith("HTTP/1.1 200 Connection established")))) {
                    failures.add(e.getKey() + " -> " + first(answer));
                }
                boolean bodyCase = e.getKey().contains("chunk");  // the head was fine and streamed on; the body then failed
                if (!bodyCase && upstream.requests.size() != before) failures.add(e.getKey() + " reached the upstream");
                String served = wellFormed(good);
                if (!served.endsWith("hello")) failures.add("well-formed client not served after '" + e.getKey() + "': " + first(served));
            }
            for (var e : halves.entrySet()) {
                String answer = exchange(e.getValue(), true);
                if (answer.startsWith("HTTP/1.1 2")) failures.add(e.getKey() + " -> " + first(answer));
                String served = wellFormed(good);
                if (!served.endsWith("hello")) failures.add("well-formed client not served after '" + e.getKey() + "'");
            }
        }
        assertThat(failures).isEmpty();
        proxy.sink.await(f -> f.error() != null && f.error().contains("Content-Length") && f.error().contains("Transfer-Encoding"));
    }

    static String first(String s) {
        int i = s.indexOf('\r');
        return i < 0 ? s : s.substring(0, i);
    }

    /** Sends one case on a fresh connection and reads until the proxy closes (a hang fails the test). */
    static String exchange(byte[] request, boolean halfClose) throws IOException {
        try (Socket s = new Socket("127.0.0.1", proxy.port())) {
            s.setSoTimeout(8_000);
            OutputStream o = s.getOutputStream();
            try {
                o.write(request);
                o.flush();
                if (halfClose) s.shutdownOutput();
            } catch (IOException e) {
                return ""; // the proxy closed while we were still sending: that is a close
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    got.write(buf, 0, n);
                    String so = got.toString(StandardCharsets.ISO_8859_1);
                    // a CONNECT that got its 200 then TLS garbage: wait for the close
                    if (!so.startsWith("HTTP/1.1 200 Connection") && so.contains("\r\n\r\n") && so.toLowerCase().contains("connection: close")) {
                        int cl = so.toLowerCase().indexOf("content-length: ");
                        if (cl > 0) {
                            int end = so.indexOf('\r', cl);
                            int len = Integer.parseInt(so.substring(cl + 16, end).trim());
                            if (got.size() >= so.indexOf("\r\n\r\n") + 4 + len) break;
                        }
                    }
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("proxy neither answered nor closed: " + new String(request, 0, Math.min(160, request.length), StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n"));
            } catch (IOException e) {
                // reset: a close
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static String wellFormed(Socket s) throws IOException {
        s.getOutputStream().write(b("GET http://" + up + "/small HTTP/1.1\r\nHost: " + up + "\r\n\r\n"));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (!got.toString(StandardCharsets.ISO_8859_1).endsWith("hello")) {
            int c = in.read();
            if (c < 0) break;
            got.write(c);
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }
}
