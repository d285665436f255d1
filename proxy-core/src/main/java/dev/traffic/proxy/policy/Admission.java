package dev.traffic.proxy.policy;

import dev.traffic.model.PolicyDecision;
import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.RecordingMode;
import dev.traffic.proxy.net.HostResolver;
import dev.traffic.proxy.net.Target;
import dev.traffic.proxy.upstream.UpstreamFailures;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Every check that decides whether a request may go, in the order they apply:
 * <pre>
 *   request head ──▶ recording healthy? ──▶ name policy ──▶ resolve ──▶ address policy ──▶ admitted
 *                     (503 when the sink      (403)        (502 when    (403: link-local,
 *                      is down, fail-closed)                 it fails)    own port, CIDR rules)
 * </pre>
 * Applied on every path: a CONNECT (before its 200), and each request on an HTTP/1.1 connection or
 * HTTP/2 stream, WebSocket upgrades included. A request inside an intercepted tunnel has its
 * CONNECT's admission for name and address (its target is the tunnel's, already resolved); the
 * recording check applies to it again. Through an upstream proxy a name is not resolved (the proxy
 * does), but an IP literal is still checked against the address policy.
 *
 * <p>Request stages (rules, inspection, credentials) run after admission: see
 * {@code dev.traffic.proxy.stage.StageChain}. Thread-safe.
 */
public final class Admission {
    /** Why a request may not go; {@code decision} is null when no policy decided (recording down, resolution failed). */
    public record Refused(int status, String message, PolicyDecision decision) {}

    /** The outcome of the destination checks: the target to dial (with its address when resolved), or why not. */
    public record Destination(Target target, Refused refused) {}

    private final ProxyConfig config;
    private final PolicyGate gate;
    private final HostResolver resolver;

    public Admission(ProxyConfig config, PolicyGate gate, HostResolver resolver) {
        this.config = config;
        this.gate = gate;
        this.resolver = resolver;
    }

    /**
     * The checks on a request head (no I/O): the recording is healthy or the proxy fails open; the
     * host passes the name policy, unless {@code nameAdmitted} (a request inside a CONNECT tunnel
     * that already passed it). Null when admitted so far.
     */
    public Refused checkHead(String host, boolean nameAdmitted) {
        if (!config.sink().healthy() && config.recordingMode() == RecordingMode.FAIL_CLOSED) {
            return new Refused(503, "recording unavailable", null);
        }
        if (nameAdmitted) return null;
        PolicyGate.Refusal r = gate.checkName(host);
        return r == null ? null : new Refused(403, r.message(), new PolicyDecision(PolicyDecision.Action.BLOCK, r.rule()));
    }

    /**
     * Resolves {@code t} when needed and checks the address. Never completes exceptionally; already
     * complete when no lookup was needed or the answer was cached (callers then continue without a
     * hop), else completed on the resolver's thread.
     */
    public CompletableFuture<Destination> checkDestination(Target t) {
        if (t.address() != null) return CompletableFuture.completedFuture(new Destination(t, null));
        InetSocketAddress via = config.upstreamProxy().proxyFor(t.host(), t.tls());
        if (via != null && !t.isIpLiteral()) return CompletableFuture.completedFuture(new Destination(t, null));
        CompletableFuture<InetAddress> f = resolver.resolve(t.host());
        if (f.isDone()) {
            InetAddress a = null;
            Throwable err = null;
            try {
                a = f.join();
            } catch (RuntimeException e) {
                err = e;
            }
            return CompletableFuture.completedFuture(resolved(t, a, err));
        }
        return f.handle((a, e) -> resolved(t, a, e));
    }

    private Destination resolved(Target t, InetAddress address, Throwable e) {
        if (e != null) {
            UpstreamFailures.Failure f = UpstreamFailures.describe(e, t);
            return new Destination(t, new Refused(f.status(), f.message(), null));
        }
        PolicyGate.Refusal r = gate.checkAddress(t.host(), address, t.port());
        if (r != null) {
            return new Destination(t, new Refused(403, r.message(), new PolicyDecision(PolicyDecision.Action.BLOCK, r.rule())));
        }
        return new Destination(t.withAddress(address), null);
    }
}
