package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.Cmd;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestUpstream;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Passthrough hosts keep the upstream's real certificate; non-TLS CONNECT tunnels are relayed raw; both are recorded. */
class TunnelTest {
    @TempDir static Path dir;
    static ProxyFixture proxy;
    static TestUpstream tls;
    static TestUpstream plain;

    @BeforeAll
    static void start() throws Exception {
        proxy = new ProxyFixture(dir, b -> b.passthrough("pinned.localhost").passthrough("localhost"));
        tls = TestUpstream.tls(TestPki.serverContext(proxy.pki.upstreamCa, "localhost"));
        plain = TestUpstream.plain();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        tls.close();
        plain.close();
    }

    @Test
    void passthroughClientSeesTheUpstreamCertificate() throws Exception {
        // The client trusts ONLY the upstream's CA: the handshake succeeds only if the proxy did not intercept.
        Cmd.Result r = Cmd.run(List.of("curl", "-sS", "--max-time", "20", "-x", proxy.proxyUrl(),
                "--cacert", proxy.pki.upstreamCaPem().toString(), "https://localhost:" + tls.port() + "/small"), null, null, 30);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("hello");
        Flow f = proxy.sink.await(fl -> fl.kind() == FlowKind.TUNNEL && fl.request().port() == tls.port());
        assertThat(f.tunnel().passthrough()).isTrue();
        assertThat(f.tls().sni()).isEqualTo("localhost");
        assertThat(f.tunnel().bytesUp()).isPositive();
        assertThat(f.tunnel().bytesDown()).isPositive();
        assertThat(f.tunnel().outcome()).isNotNull();
        assertThat(f.end()).isAfterOrEqualTo(f.start());
    }

    @Test
    void plainHttpInATunnelIsServedAsRequestsNotRelayedUnchecked() throws Exception {
        // kubectl exec/port-forward and curl --proxytunnel CONNECT even for http://: the requests
        // inside are parsed, admitted, run through the request stages and recorded one by one
        Cmd.Result r = Cmd.run(List.of("curl", "-sS", "--max-time", "20", "--proxytunnel", "-x", proxy.proxyUrl(),
                "http://127.0.0.1:" + plain.port() + "/small"), null, null, 30);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("hello");
        Flow f = proxy.sink.await(fl -> fl.kind() == FlowKind.HTTP && fl.request().port() == plain.port());
        assertThat(f.request().scheme()).isEqualTo("http");
        assertThat(f.request().path()).isEqualTo("/small");
        assertThat(f.response().status()).isEqualTo(200);
        assertThat(f.tls()).isNull();
    }
}
