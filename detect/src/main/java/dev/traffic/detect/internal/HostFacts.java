package dev.traffic.detect.internal;

import dev.traffic.detect.HostPattern;
import dev.traffic.detect.Policy;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an {@link Engine} needs to know about a request's host name on every request, computed
 * once per name: whether it is a sink by host alone, whether a path-prefix sink pattern names it
 * (then the path decides), and whether {@link HostScan} can have nothing to say about it. Every
 * fact depends only on the host name and the policy, which the engine never changes, so a cached
 * answer is the answer computing it again would give. Bounded in count and length (names are
 * client-chosen; once full, facts are simply computed); a name whose leading labels carry 16 or
 * more chars of possible data is never kept (it may be DNS exfiltration, and HostScan reads it
 * each time anyway). Thread-safe; held in memory only.
 */
final class HostFacts {
    static final int MAX_ENTRIES = 4096;
    static final int MAX_CHARS = 253;

    /** Facts about one host name. {@code dnsQuiet}: {@link HostScan} returns at once whatever the session. */
    record Facts(boolean sinkHost, boolean pathSink, boolean dnsQuiet, boolean dnsQuietWithoutSession) {}

    private final Policy policy;
    private final ConcurrentHashMap<String, Facts> map = new ConcurrentHashMap<>();

    HostFacts(Policy policy) {
        this.policy = policy;
    }

    Facts of(String host) {
        Facts f = map.get(host);
        if (f != null) return f;
        f = compute(host);
        if (host.length() <= MAX_CHARS && f.dnsQuietWithoutSession() && map.size() < MAX_ENTRIES) map.putIfAbsent(host, f);
        return f;
    }

    private Facts compute(String host) {
        // Policy.isSink(host, null) is the host-only part: path-prefix patterns need a path
        boolean sinkHost = policy.isSink(host, null);
        boolean pathSink = false;
        for (HostPattern p : policy.sinks()) if (p.pathPrefix() != null && p.matchesHost(host)) pathSink = true;
        int dns = HostScan.quietness(host);
        return new Facts(sinkHost, pathSink, dns == HostScan.QUIET, dns != HostScan.LOUD);
    }

    /** {@link Policy#isSink} for this host and path, from the cached host facts. */
    boolean isSink(String host, String path) {
        if (host == null) return false;
        Facts f = of(host);
        return f.sinkHost() || (f.pathSink() && policy.isSink(host, path));
    }
}
