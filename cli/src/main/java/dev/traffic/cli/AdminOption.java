package dev.traffic.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * {@code --admin HOST:PORT}: where the admin listener (health, readiness, metrics) binds. Loopback by
 * default; in a pod it is the pod address, because the kubelet's probes arrive there.
 */
public final class AdminOption {
    static final String DEFAULT = "127.0.0.1:8081";

    @Option(names = "--admin", paramLabel = "HOST:PORT",
            description = "Admin listener for /healthz, /readyz, /metrics; 'off' disables it (default: " + DEFAULT + ").")
    String admin;

    /** The bind address, or null when the listener is off. */
    public InetSocketAddress address() {
        if ("off".equals(admin)) return null;
        return Values.hostPort("--admin", admin == null ? DEFAULT : admin);
    }

    /** True when --admin was given: then failing to bind is fatal; on the default port it only warns. */
    public boolean explicit() {
        return admin != null;
    }

    static String show(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
