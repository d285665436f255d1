package dev.traffic.proxy.testing;

import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.ProxyServer;
import dev.traffic.store.FlowSink;
import dev.traffic.model.Flow;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Runs a proxy in a child JVM for tests that need their own heap limit: args are a PKI directory
 * and nothing else. Prints "PORT n" when listening and one "FLOW ..." line per ended flow.
 */
public final class ProxyMain {
    private ProxyMain() {}

    public static void main(String[] args) throws Exception {
        TestPki pki = new TestPki(Path.of(args[0]));
        FlowSink sink = new FlowSink() {
            @Override public void started(Flow head) {}

            @Override
            public void ended(Flow f) {
                if (f.response() != null) {
                    System.out.println("FLOW " + f.request().path() + " " + f.response().status() + " "
                            + f.response().body().size() + " " + f.response().body().sha256());
                }
            }
        };
        ProxyServer server = ProxyServer.start(ProxyConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .sink(sink)
                .interceptKeys(pki.interceptKeys())
                .upstreamCaFile(pki.upstreamCaPem())
                .build());
        System.out.println("PORT " + server.address().getPort());
        System.out.flush();
        server.awaitTermination();
    }
}
