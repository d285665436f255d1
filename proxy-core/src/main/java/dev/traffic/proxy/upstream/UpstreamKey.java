package dev.traffic.proxy.upstream;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What makes two upstream connections interchangeable: host (also the SNI and the name the
 * certificate is checked against), resolved address, port, TLS, ALPN and the upstream proxy used
 * (null = direct).
 */
public record UpstreamKey(String host, InetAddress address, int port, boolean tls, String alpn,
                          InetSocketAddress viaProxy) {
    // Written out: the generated record methods go through method handles that showed up in the
    // per-request profile (the pool looks a key up twice per request).
    @Override
    public int hashCode() {
        int h = host.hashCode();
        h = 31 * h + port;
        h = 31 * h + (address == null ? 0 : address.hashCode());
        h = 31 * h + (alpn == null ? 0 : alpn.hashCode());
        h = 31 * h + (viaProxy == null ? 0 : viaProxy.hashCode());
        return 2 * h + (tls ? 1 : 0);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof UpstreamKey k && port == k.port && tls == k.tls && host.equals(k.host)
                && java.util.Objects.equals(address, k.address) && java.util.Objects.equals(alpn, k.alpn)
                && java.util.Objects.equals(viaProxy, k.viaProxy);
    }
}
