package dev.traffic.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 9: clients that open connections and send half a request (before the fix, two of
 * them blocked the JDK server's two threads, so /healthz stopped answering and the liveness probe
 * restarted the proxy). The probe must keep answering while they hold their connections, and the
 * half requests must be cut off by the read timeout.
 */
class AdminSlowClientsTest {
    private AdminServer admin;
    private final List<Socket> slow = new ArrayList<>();

    @BeforeAll
    static void paranoid() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @BeforeEach
    void start() throws Exception {
        admin = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new ProxyMetrics(), Map.of("up", () -> null));
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : slow) s.close();
        admin.close();
    }

    private Socket halfRequest(InetAddress from) throws Exception {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(admin.address());
        s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        slow.add(s);
        return s;
    }

    @Test
    void healthzAnswersWhileSlowClientsHoldConnections() throws Exception {
        // from another loopback address than the probe's (as a sandbox pod is another IP than the kubelet)
        InetAddress attacker = InetAddress.getByName("127.0.0.2");
        for (int i = 0; i < 40; i++) halfRequest(attacker);
        HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort() + "/healthz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
    }

    @Test
    void aHalfRequestIsCutOffByTheReadTimeout() throws Exception {
        Socket s = halfRequest(InetAddress.getLoopbackAddress());
        s.setSoTimeout((AdminServer.READ_TIMEOUT_SECONDS + 20) * 1000);
        InputStream in = s.getInputStream();
        // the server closes without an answer: EOF (or a reset), well before our own deadline
        int b;
        try {
            b = in.read();
        } catch (java.net.SocketException reset) {
            b = -1;
        }
        assertThat(b).isEqualTo(-1);
    }

    @Test
    void connectionsBeyondThePerClientCapAreClosedAtOnce() throws Exception {
        InetAddress attacker = InetAddress.getByName("127.0.0.3");
        for (int i = 0; i < AdminServer.MAX_PER_CLIENT; i++) halfRequest(attacker);
        Socket extra = halfRequest(attacker);
        extra.setSoTimeout(20_000);
        int b;
        try {
            b = extra.getInputStream().read();
        } catch (java.net.SocketException reset) {
            b = -1;
        }
        assertThat(b).isEqualTo(-1);
    }
}
