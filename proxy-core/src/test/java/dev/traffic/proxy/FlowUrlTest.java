package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import dev.traffic.model.PolicyDecision;
import dev.traffic.proxy.testing.AlpnTestUpstream;
import dev.traffic.proxy.testing.Cmd;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestTrust;
import dev.traffic.proxy.testing.TestUpstream;
import dev.traffic.proxy.testing.WsEchoUpstream;
import dev.traffic.store.FlowJson;
import dev.traffic.store.har.HarWriter;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 #3: every recorded flow's URL is a valid absolute URL, for every kind of flow the proxy
 * records (plain, intercepted HTTP/1.1 and HTTP/2, WebSocket, passthrough tunnel, raw TCP tunnel,
 * refused CONNECT, failed client handshake, policy refusal), as the JSON output (tail/search -o
 * json), HAR and the model's url() (show, the short line) give it. Broken before: a CONNECT's
 * null path gave "https://hostnull", a refused CONNECT's authority path "http://h:1h:1".
 */
class FlowUrlTest {
    @TempDir Path dir;

    private static Cmd.Result curl(ProxyFixture p, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-x", p.proxyUrl()));
        argv.addAll(List.of(args));
        return Cmd.run(argv, null, null, 30);
    }

    @Test
    void everyKindOfFlowHasAValidAbsoluteUrlInEveryOutput() throws Exception {
        List<Flow> flows = new ArrayList<>();
        try (ProxyFixture p = new ProxyFixture(dir.resolve("a"), b -> b.hostRules(HostRules.builder().deny("*.blocked.test").build()));
                ProxyFixture pass = new ProxyFixture(dir.resolve("b"), b -> b.passthrough("localhost"));
                TestUpstream plain = TestUpstream.plain();
                TestUpstream h1 = TestUpstream.tls(TestPki.serverContext(p.pki.upstreamCa, "localhost"));
                AlpnTestUpstream h2 = new AlpnTestUpstream(p.pki.upstreamCa, "localhost", "h2");
                WsEchoUpstream ws = new WsEchoUpstream(TestPki.serverContext(p.pki.upstreamCa, "localhost"))) {
            String ca = p.pki.proxyCaPem().toString();
            curl(p, "http://127.0.0.1:" + plain.port() + "/small?a=1");
            flows.add(p.sink.await(f -> f.kind() == FlowKind.HTTP && port(f, plain.port()) && !"CONNECT".equals(f.request().method())));
            curl(p, "--cacert", ca, "--http1.1", "https://localhost:" + h1.port() + "/small");
            flows.add(p.sink.await(f -> f.kind() == FlowKind.HTTP && port(f, h1.port()) && "GET".equals(f.request().method())));
            curl(p, "--cacert", ca, "--http2", "https://localhost:" + h2.port() + "/headers");
            flows.add(p.sink.await(f -> f.kind() == FlowKind.HTTP && port(f, h2.port()) && "GET".equals(f.request().method())));
            websocket(p, ws.port());
            flows.add(p.sink.await(f -> f.kind() == FlowKind.WEBSOCKET));
            TestUpstream passUp = TestUpstream.tls(TestPki.serverContext(pass.pki.upstreamCa, "localhost"));
            try (passUp) {
                curl(pass, "--cacert", pass.pki.upstreamCaPem().toString(), "https://localhost:" + passUp.port() + "/small");
                flows.add(pass.sink.await(f -> f.kind() == FlowKind.TUNNEL && port(f, passUp.port())));
            }
            // plain HTTP inside a CONNECT tunnel (curl -p) is served as HTTP (inspected, recorded), not relayed raw
            curl(p, "--proxytunnel", "http://127.0.0.1:" + plain.port() + "/small?via=tunnel");
            flows.add(p.sink.await(f -> f.kind() == FlowKind.HTTP && port(f, plain.port())
                    && "via=tunnel".equals(f.request().query())));
            curl(p, "https://api.blocked.test/x");
            flows.add(p.sink.await(f -> host(f, "api.blocked.test") && "CONNECT".equals(f.request().method())));
            curl(p, "http://www.blocked.test/y?z=1");
            flows.add(p.sink.await(f -> host(f, "www.blocked.test") && f.policy().action() == PolicyDecision.Action.BLOCK));
            // a client that does not trust our CA: the handshake fails
            curl(p, "--cacert", p.pki.upstreamCaPem().toString(), "https://localhost:" + h1.port() + "/untrusted");
            flows.add(p.sink.await(f -> f.error() != null && port(f, h1.port())));
        }
        assertThat(flows).hasSize(9);
        List<String> urls = new ArrayList<>();
        for (Flow f : flows) {
            urls.add(f.url());
            valid(f.url(), f);
            JsonNode json = new ObjectMapper().readTree(FlowJson.toJson(f));
            valid(json.get("url").asText(), f);
        }
        ByteArrayOutputStream har = new ByteArrayOutputStream();
        HarWriter.write(flows, har);
        for (JsonNode e : new ObjectMapper().readTree(har.toByteArray()).get("log").get("entries")) {
            valid(e.get("request").get("url").asText(), null);
        }
        assertThat(urls).anyMatch(u -> u.matches("https://localhost:\\d+/")).anyMatch(u -> u.equals("https://api.blocked.test/"))
                .anyMatch(u -> u.matches("https://localhost:\\d+/ws")).anyMatch(u -> u.equals("http://www.blocked.test/y?z=1"));
    }

    private static void valid(String url, Flow f) throws Exception {
        URI u = new URI(url);
        assertThat(u.isAbsolute()).as(url + " of " + f).isTrue();
        assertThat(u.getScheme()).as(url).isIn("http", "https", "ws", "wss");
        assertThat(u.getHost()).as(url + " of " + f).isNotBlank();
        assertThat(u.getRawPath()).as(url).startsWith("/");
        assertThat(url).doesNotContain("null");
    }

    private static boolean port(Flow f, int port) {
        return f.request() != null && f.request().port() == port;
    }

    private static boolean host(Flow f, String host) {
        return f.request() != null && host.equals(f.request().host());
    }

    private static void websocket(ProxyFixture p, int port) throws Exception {
        HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", p.port())))
                .sslContext(TestTrust.trusting(p.pki.proxyCaPem())).connectTimeout(Duration.ofSeconds(10)).build();
        java.util.concurrent.CompletableFuture<String> echoed = new java.util.concurrent.CompletableFuture<>();
        WebSocket w = client.newWebSocketBuilder().buildAsync(URI.create("wss://localhost:" + port + "/ws"),
                new WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        echoed.complete(data.toString());
                        ws.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        w.sendText("hi", true).get(10, TimeUnit.SECONDS);
        assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("hi");
        w.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }
}
