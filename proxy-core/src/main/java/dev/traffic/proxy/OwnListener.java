package dev.traffic.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * Whether an address a connection would go to is this proxy's own listener: same port, and a
 * host that resolves to the listen address, or (for a wildcard listener) to any address of this
 * machine. Used to refuse proxying to ourselves.
 */
final class OwnListener {
    private OwnListener() {}

    static boolean is(InetSocketAddress target, InetSocketAddress listen) {
        if (target == null || listen == null || listen.getPort() == 0 || target.getPort() != listen.getPort()) return false;
        InetAddress[] addrs;
        try {
            addrs = target.getAddress() != null ? new InetAddress[] {target.getAddress()} : InetAddress.getAllByName(target.getHostString());
        } catch (UnknownHostException e) {
            return false; // cannot be us; the connection will fail with its own error
        }
        InetAddress own = listen.getAddress();
        for (InetAddress a : addrs) {
            if (own == null || own.isAnyLocalAddress()) {
                if (a.isAnyLocalAddress() || a.isLoopbackAddress() || local(a)) return true;
            } else if (a.equals(own) || a.isAnyLocalAddress()) {
                return true;
            }
        }
        return false;
    }

    private static boolean local(InetAddress a) {
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
