package dev.traffic.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Locale;

/**
 * Start-up errors name the flag and the address (issue 16 #10): {@code --listen 127.0.0.1:8080:
 * address already in use ...} instead of Netty's {@code bind(..) failed with error(-98)}.
 */
final class StartupErrors {
    private StartupErrors() {}

    /**
     * Tries to bind {@code address} and lets it go again, so a busy port is reported before the CA and
     * store are created. (Another process can still take it in between; then {@link #bind} names it.)
     */
    static void checkBindable(String flag, InetSocketAddress address) throws IOException {
        if (address.isUnresolved()) throw new UsageException(flag + " " + address.getHostString() + ": cannot resolve the host name");
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // as the proxy's own listener does: a port in TIME_WAIT is free
            s.bind(address);
        } catch (IOException e) {
            throw bind(flag, address, e);
        }
    }

    static IOException bind(String flag, InetSocketAddress address, IOException cause) {
        String m = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        String lower = m.toLowerCase(Locale.ROOT);
        String why;
        if (lower.contains("address already in use")) {
            why = "address already in use: another process listens there (choose another with " + flag + " HOST:PORT)";
        } else if (lower.contains("cannot assign requested address")) {
            why = "no network interface of this machine has that address";
        } else if (lower.contains("permission denied")) {
            why = "permission denied (ports below 1024 need privileges; choose a higher port with " + flag + ")";
        } else {
            why = m;
        }
        return new IOException(flag + " " + AdminOption.show(address) + ": " + why, cause);
    }
}
