package dev.traffic.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * {@code --admin HOST:PORT}: where the admin listener (health, readiness, metrics) binds. Loopback by
 * default; in a pod it is the pod address, because the kubelet's probes arrive there.
 */
public final class AdminOption {
    @Option(names = "--admin", defaultValue = "127.0.0.1:8081", paramLabel = "HOST:PORT",
            description = "Admin listener for /healthz, /readyz, /metrics; 'off' disables it (default: ${DEFAULT-VALUE}).")
    String admin;

    /** The bind address, or null when the listener is off. */
    public InetSocketAddress address() {
        if ("off".equals(admin)) return null;
        return Values.hostPort("--admin", admin);
    }

    static String show(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
