package dev.traffic.proxy.testing;

import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.ProxyServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Starts a real {@link ProxyServer} on an ephemeral loopback port with the test PKI and a recording sink. */
public final class ProxyFixture implements AutoCloseable {
    public final TestPki pki;
    public final RecordingSink sink = new RecordingSink();
    public final ProxyServer server;

    public ProxyFixture(Path dir, Consumer<ProxyConfig.Builder> tweak) throws Exception {
        this.pki = new TestPki(dir);
        ProxyConfig.Builder b = ProxyConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .sink(sink)
                .interceptKeys(pki.interceptKeys())
                .upstreamCaFile(pki.upstreamCaPem());
        tweak.accept(b);
        this.server = ProxyServer.start(b.build());
    }

    public int port() {
        return server.address().getPort();
    }

    public String proxyUrl() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        server.close();
    }
}
