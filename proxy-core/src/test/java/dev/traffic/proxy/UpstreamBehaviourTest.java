package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.Await;
import dev.traffic.proxy.testing.Cmd;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestUpstream;
import dev.traffic.store.FlowSink;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pool reuse and the one retry, upstream timeouts, chaining through an upstream proxy, sink backpressure. */
class UpstreamBehaviourTest {
    @TempDir Path dir;

    static Cmd.Result curl(ProxyFixture p, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-x", p.proxyUrl(),
                "--cacert", p.pki.proxyCaPem().toString()));
        argv.addAll(List.of(args));
        return Cmd.run(argv, null, null, 30);
    }

    @Test
    void staleConnectionIsRetriedOnceForIdempotentRequestsOnly() throws Exception {
        try (ProxyFixture p = new ProxyFixture(dir.resolve("a"), b -> b.ioThreads(1));
             TestUpstream up = TestUpstream.plain()) {
            String url = "http://127.0.0.1:" + up.port() + "/drop-second";
            assertThat(curl(p, url).out()).isEqualTo("first");
            // the pooled connection is reused, the upstream closes it, the GET is retried on a new one
            assertThat(curl(p, url).out()).isEqualTo("first");
            assertThat(up.connections.get()).isEqualTo(2);
            // a POST is not retried: the client gets a clear 502
            Cmd.Result post = curl(p, "-i", "--data", "x=1", url);
            assertThat(post.out()).as(post.toString()).startsWith("HTTP/1.1 502").contains("closed the connection");
        }
    }

    @Test
    void pooledConnectionIsReusedThenClosedAfterThePoolIdleTimeout() throws Exception {
        try (ProxyFixture p = new ProxyFixture(dir.resolve("idle"), b -> b.ioThreads(1).poolIdleTimeout(Duration.ofSeconds(2)));
             TestUpstream up = TestUpstream.plain()) {
            String url = "http://127.0.0.1:" + up.port() + "/small";
            // two requests in one curl run: the second reuses the pooled connection
            Cmd.Result r = curl(p, url, url);
            assertThat(r.out()).as(r.toString()).isEqualTo("hellohello");
            assertThat(up.connections.get()).isEqualTo(1);
            // the idle timer armed at the first release fires, finds the connection idle again and closes it
            Await.until("pooled connection closed", Duration.ofSeconds(15), () -> up.closedConnections.get() == 1);
            assertThat(curl(p, url).out()).isEqualTo("hello");
            assertThat(up.connections.get()).isEqualTo(2);
        }
    }

    @Test
    void silentUpstreamGives504() throws Exception {
        try (ProxyFixture p = new ProxyFixture(dir.resolve("b"), b -> b.upstreamIdleTimeout(Duration.ofMillis(500)));
             TestUpstream up = TestUpstream.plain()) {
            Cmd.Result r = curl(p, "-i", "http://127.0.0.1:" + up.port() + "/hang");
            assertThat(r.out()).as(r.toString()).startsWith("HTTP/1.1 504").contains("upstream timeout");
            p.sink.await(f -> f.error() != null && f.error().startsWith("upstream timeout"));
        }
    }

    @Test
    void upstreamProxyIsUsedForHttpAndHttps() throws Exception {
        try (ProxyFixture next = new ProxyFixture(dir.resolve("next"), b -> b.passthrough("*"));
             ProxyFixture first = new ProxyFixture(dir.resolve("first"), b -> b.upstreamProxy(
                     UpstreamProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", next.proxyUrl(), "http_proxy", next.proxyUrl()))));
             TestUpstream plain = TestUpstream.plain();
             TestUpstream tls = TestUpstream.tls(TestPki.serverContext(first.pki.upstreamCa, "localhost"))) {
            Cmd.Result viaHttp = curl(first, "-i", "http://127.0.0.1:" + plain.port() + "/small");
            assertThat(viaHttp.out()).as(viaHttp.toString()).startsWith("HTTP/1.1 200").endsWith("hello");
            assertThat(curl(first, "https://localhost:" + tls.port() + "/small").out()).isEqualTo("hello");
            // the first proxy keeps its pooled connections through the next one open: those tunnels are still running
            Flow tunnel = next.sink.awaitStarted(f -> f.kind() == FlowKind.TUNNEL && f.request().port() == tls.port());
            assertThat(tunnel.request().host()).isEqualTo("localhost");
            next.sink.awaitStarted(f -> f.kind() == FlowKind.TUNNEL && f.request().port() == plain.port());
            first.sink.await(f -> f.kind() == FlowKind.HTTP && f.request().port() == tls.port() && f.response().status() == 200);
        }
    }

    @Test
    void aFullSinkPausesClientsUntilItDrains() throws Exception {
        AtomicBoolean writable = new AtomicBoolean(false);
        AtomicReference<Runnable> waiter = new AtomicReference<>();
        List<Flow> ended = new java.util.concurrent.CopyOnWriteArrayList<>();
        FlowSink slow = new FlowSink() {
            @Override public void started(Flow head) {}
            @Override public void ended(Flow flow) { ended.add(flow); }
            @Override public boolean writable() { return writable.get(); }
            @Override public void onWritable(Runnable task) {
                if (writable.get()) task.run();
                else waiter.set(task);
            }
        };
        try (ProxyFixture p = new ProxyFixture(dir.resolve("c"), b -> b.sink(slow));
             TestUpstream up = TestUpstream.plain()) {
            Thread drain = new Thread(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (waiter.get() == null && System.nanoTime() < deadline) Thread.onSpinWait();
                writable.set(true);
                Runnable r = waiter.get();
                if (r != null) r.run();
            });
            drain.start();
            Cmd.Result r = curl(p, "http://127.0.0.1:" + up.port() + "/small");
            drain.join();
            assertThat(r.out()).isEqualTo("hello");
            assertThat(p.server.sinkBackpressureCount()).isPositive();
            // the client may read the response before the proxy hands the finished flow over
            dev.traffic.proxy.testing.Await.until("the flow ended", Duration.ofSeconds(10), () -> ended.size() == 1);
            assertThat(ended).hasSize(1);
        }
    }
}
