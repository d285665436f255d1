package dev.traffic.proxy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A raw-socket CONNECT through the proxy, for tests that control every byte after it. */
public final class Connect {
    private Connect() {}

    /** Sends CONNECT and reads the proxy's reply head, asserting a 200 (nothing after it: the client has not spoken yet). */
    public static void open(Socket s, String authority) throws Exception {
        s.setSoTimeout(20_000);
        OutputStream out = s.getOutputStream();
        out.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("proxy closed during CONNECT: " + head).isNotNegative();
            head.write(b);
        }
        assertThat(head.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
    }
}
