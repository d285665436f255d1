package dev.traffic.proxy.connect;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The CONNECT ports on which the upstream TLS connection is started with the {@code 200}, before
 * the client's ClientHello: the configured ones ({@code ProxyConfig.eagerTlsPorts}, HTTPS by
 * default) plus every port where a tunnel was last seen to carry TLS. A port where a tunnel
 * turned out not to be TLS stops being eager, so a plain-TCP service sees at most one stray TLS
 * handshake from us. One bit per port; shared by all event loops, lock-free.
 */
public final class EagerTlsPorts {
    private final AtomicLongArray bits = new AtomicLongArray(65536 / 64);

    public EagerTlsPorts(Set<Integer> configured) {
        for (int p : configured) if (p > 0 && p < 65536) set(p, true);
    }

    boolean eager(int port) {
        return port > 0 && port < 65536 && (bits.get(port >>> 6) & (1L << port)) != 0;
    }

    /** A tunnel to {@code port} began with a ClientHello ({@code tls}) or with something else. */
    void saw(int port, boolean tls) {
        if (port > 0 && port < 65536 && eager(port) != tls) set(port, tls);
    }

    private void set(int port, boolean on) {
        long bit = 1L << port; // shifts use the low 6 bits: the bit within the word
        int i = port >>> 6;
        long old;
        do {
            old = bits.get(i);
        } while (!bits.compareAndSet(i, old, on ? old | bit : old & ~bit));
    }
}
