package dev.traffic.cli.doctor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.time.Duration;

/** The one way the checks open a direct TCP connection: no proxy, bounded connect time. */
final class Net {
    private Net() {}

    /** Null when a direct TCP connection to {@code target} succeeded; else why it failed. */
    static String connectFailure(InetSocketAddress target, Duration timeout) {
        InetSocketAddress resolved = target.isUnresolved()
                ? new InetSocketAddress(target.getHostString(), target.getPort()) : target;
        if (resolved.isUnresolved()) return "cannot resolve " + target.getHostString();
        try (Socket s = new Socket(Proxy.NO_PROXY)) {
            s.connect(resolved, (int) timeout.toMillis());
            return null;
        } catch (java.net.SocketTimeoutException e) {
            return "timed out after " + timeout.toMillis() + " ms";
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    static String show(InetSocketAddress a) {
        String h = a.getHostString();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
