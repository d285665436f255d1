package dev.traffic.proxy.policy;

import dev.traffic.proxy.HostRules;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Decides before any upstream connection whether a destination may be reached: the host rules by
 * name, then (after the one resolution the proxy does) by address: link-local addresses
 * (169.254.0.0/16, fe80::/10, cloud metadata) unless allowed, the proxy's own listening ports on
 * any local address, and deny rules written as IPs/CIDRs. Thread-safe.
 */
public final class PolicyGate {
    /** Null when allowed; otherwise the rule text that refused it. */
    public record Refusal(String rule, String message) {}

    private final HostRules rules;
    private final boolean allowLinkLocal;
    private final Set<Integer> ownPorts = new CopyOnWriteArraySet<>();

    public PolicyGate(HostRules rules, boolean allowLinkLocal) {
        this.rules = rules;
        this.allowLinkLocal = allowLinkLocal;
    }

    public void addOwnPort(int port) {
        ownPorts.add(port);
    }

    /** Checks the host name (or IP literal) against the rules. */
    public Refusal checkName(String host) {
        HostRules.Verdict v = rules.check(host);
        return v.allowed() ? null : new Refusal(v.rule(), "denied by policy: " + v.rule() + " (" + host + ")");
    }

    /** Checks the resolved address; {@code host} only names it in the message. */
    public Refusal checkAddress(String host, InetAddress address, int port) {
        if (!allowLinkLocal && address.isLinkLocalAddress()) {
            return new Refusal("link-local", "denied by policy: link-local address " + address.getHostAddress()
                    + " (" + host + "); use --allow-link-local to permit");
        }
        if (ownPorts.contains(port) && isLocal(address)) {
            return new Refusal("own-port", "denied by policy: the proxy's own port " + port + " (" + host + ")");
        }
        HostRules.Verdict v = rules.checkResolved(address);
        if (!v.allowed()) {
            return new Refusal(v.rule(), "denied by policy: " + v.rule() + " (" + host + " = "
                    + address.getHostAddress() + ")");
        }
        return null;
    }

    private static boolean isLocal(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress()) return true;
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
