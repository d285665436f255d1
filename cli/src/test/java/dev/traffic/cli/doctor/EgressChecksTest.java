package dev.traffic.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.traffic.cli.doctor.CheckResult.Status;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The egress, cluster and through-the-proxy checks against real servers on loopback: a UDP server
 * that answers QUIC probes, a DNS server, an IPv6 listener on ::1, an "API server", and an HTTP
 * server standing in for what the proxy answers (403 with a rule's reason, or a 200 that means the
 * rule or canary was not applied).
 */
class EgressChecksTest {
    @TempDir Path tmp;
    final Map<String, String> env = new HashMap<>();
    DatagramSocket udp;
    Thread udpThread;
    ServerSocket tcp;
    HttpServer http;

    @BeforeEach
    void noServers() {
        udp = null;
        tcp = null;
        http = null;
    }

    @AfterEach
    void close() throws Exception {
        if (udp != null) udp.close();
        if (udpThread != null) udpThread.join(5_000);
        if (tcp != null) tcp.close();
        if (http != null) http.stop(0);
    }

    private DoctorContext ctx(Profile p, Sandbox s, int dnsPort) throws Exception {
        HostView real = HostView.system();
        HostView view = new HostView(real.procSelf(), real.proc(), real.cgroupRoot(), real.sysClassNet(), real.tmpDir(),
                List.of(), List.of(), real.workDirs(), tmp.resolve("resolv.conf"), dnsPort, tmp.resolve("sa"));
        return new DoctorContext(env, tmp, List.of(), null, "none", URI.create("https://127.0.0.1:1/"), List.of(), List.of(),
                Duration.ofMillis(700)).with(view, p, s);
    }

    private static Sandbox sandbox(List<InetSocketAddress> udp, List<InetSocketAddress> v6) {
        return new Sandbox(false, null, null, null, null, udp, v6);
    }

    /** A UDP server on loopback that echoes one reply to every datagram (a QUIC server's Version Negotiation, a DNS answer). */
    private InetSocketAddress echoingUdp() throws Exception {
        udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        udpThread = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (!udp.isClosed()) {
                try {
                    DatagramPacket in = new DatagramPacket(buf, buf.length);
                    udp.receive(in);
                    udp.send(new DatagramPacket(buf, Math.min(in.getLength(), 64), in.getSocketAddress()));
                } catch (Exception e) {
                    return;
                }
            }
        });
        udpThread.start();
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void udpEgressFailsWhenAQuicServerAnswersAndPassesWhenNothingDoes() throws Exception {
        InetSocketAddress quic = echoingUdp();
        CheckResult open = new UdpEgressCheck().run(ctx(Profile.DOCKER, sandbox(List.of(quic), List.of()), 53));
        assertThat(open.status()).as(open.detail()).isEqualTo(Status.FAIL);
        InetSocketAddress silent = new InetSocketAddress(InetAddress.getLoopbackAddress(), freeUdpPort());
        CheckResult closed = new UdpEgressCheck().run(ctx(Profile.DOCKER, sandbox(List.of(silent), List.of()), 53));
        assertThat(closed.status()).as(closed.detail()).isEqualTo(Status.PASS);
    }

    @Test
    void dnsDirectFailsWhenTheNameserverAnswers() throws Exception {
        Files.writeString(tmp.resolve("resolv.conf"), "# docker\nnameserver 127.0.0.1\noptions ndots:0\n");
        InetSocketAddress dns = echoingUdp(); // echoes the query back: a reply with our id, as a server's answer has
        CheckResult open = new DnsDirectCheck().run(ctx(Profile.DOCKER, Sandbox.NONE, dns.getPort()));
        assertThat(open.status()).as(open.detail()).isEqualTo(Status.FAIL);
        assertThat(open.detail()).contains("127.0.0.1 answered");
        CheckResult closed = new DnsDirectCheck().run(ctx(Profile.DOCKER, Sandbox.NONE, freeUdpPort()));
        assertThat(closed.status()).as(closed.detail()).isEqualTo(Status.PASS);
    }

    @Test
    void ipv6EgressFailsWhenAnIpv6AddressConnects() throws Exception {
        try {
            tcp = new ServerSocket(0, 50, InetAddress.getByName("::1"));
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "SKIPPED: no IPv6 loopback here (" + e.getMessage() + ")");
        }
        InetSocketAddress v6 = InetSocketAddress.createUnresolved("::1", tcp.getLocalPort());
        CheckResult open = new Ipv6EgressCheck().run(ctx(Profile.DOCKER, sandbox(List.of(), List.of(v6)), 53));
        assertThat(open.status()).as(open.detail()).isEqualTo(Status.FAIL);
        assertThat(open.detail()).contains("[::1]:" + tcp.getLocalPort());
        int port = tcp.getLocalPort();
        tcp.close();
        CheckResult closed = new Ipv6EgressCheck().run(ctx(Profile.DOCKER, sandbox(List.of(), List.of(
                InetSocketAddress.createUnresolved("::1", port))), 53));
        assertThat(closed.status()).as(closed.detail()).isEqualTo(Status.PASS);
    }

    @Test
    void theApiServerReachableDirectlyFails() throws Exception {
        CheckResult notInPod = new ApiServerDirectCheck().run(ctx(Profile.K8S_SIDECAR, Sandbox.NONE, 53));
        assertThat(notInPod.status()).isEqualTo(Status.SKIP);
        tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
        env.put("KUBERNETES_SERVICE_PORT", Integer.toString(tcp.getLocalPort()));
        assertThat(new ApiServerDirectCheck().run(ctx(Profile.K8S_SIDECAR, Sandbox.NONE, 53)).status()).isEqualTo(Status.FAIL);
        tcp.close();
        assertThat(new ApiServerDirectCheck().run(ctx(Profile.K8S_SIDECAR, Sandbox.NONE, 53)).status()).isEqualTo(Status.PASS);
    }

    private URI serve(int status, String body, AtomicReference<String> seen) throws Exception {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", ex -> {
            seen.set(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + new String(ex.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        http.start();
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    @Test
    void aRefusedRequestPassesOnlyWhenRefused() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        URI base = serve(403, "blocked by rule no-ref-deletion: sandbox may not delete refs", seen);
        Sandbox s = new Sandbox(false, "DELETE", base.resolve("/repos/o/r/git/refs/heads/x"), null, null, List.of(), List.of());
        CheckResult ok = new RulesRefusalCheck().run(ctx(Profile.DOCKER, s, 53));
        assertThat(ok.status()).as(ok.detail()).isEqualTo(Status.PASS);
        assertThat(ok.detail()).contains("no-ref-deletion");
        assertThat(seen.get()).startsWith("DELETE /repos/o/r/git/refs/heads/x");
        http.stop(0);
        base = serve(204, "", seen);
        s = new Sandbox(false, "DELETE", base.resolve("/repos/o/r/git/refs/heads/x"), null, null, List.of(), List.of());
        CheckResult bad = new RulesRefusalCheck().run(ctx(Profile.DOCKER, s, 53));
        assertThat(bad.status()).isEqualTo(Status.FAIL);
        assertThat(bad.detail()).contains("was not refused (status 204)");
        assertThat(new RulesRefusalCheck().run(ctx(Profile.DOCKER, Sandbox.NONE, 53)).status()).isEqualTo(Status.SKIP);
    }

    @Test
    void aCanaryPassesOnlyWhenBlockedAndIsNeverPrinted() throws Exception {
        String canary = "ghp_CANARYcanaryCANARYcanaryCANARY0000";
        AtomicReference<String> seen = new AtomicReference<>();
        URI sink = serve(200, "thanks", seen);
        Sandbox s = new Sandbox(false, null, null, canary, sink.resolve("/collect"), List.of(), List.of());
        CheckResult leaked = new CanaryBlockedCheck().run(ctx(Profile.DOCKER, s, 53));
        assertThat(leaked.status()).isEqualTo(Status.FAIL);
        assertThat(seen.get()).contains(canary);
        assertThat(leaked.detail() + leaked.fix()).doesNotContain(canary);
        http.stop(0);
        sink = serve(403, "blocked: canary", seen);
        s = new Sandbox(false, null, null, canary, sink.resolve("/collect"), List.of(), List.of());
        CheckResult blocked = new CanaryBlockedCheck().run(ctx(Profile.DOCKER, s, 53));
        assertThat(blocked.status()).as(blocked.detail()).isEqualTo(Status.PASS);
        assertThat(blocked.detail()).doesNotContain(canary);
    }
}
