package dev.traffic.detect.internal;

import dev.traffic.detect.Destination;
import dev.traffic.detect.Policy;
import dev.traffic.model.Severity;

/**
 * Destination-aware severity: the same token is normal traffic, high or critical depending on the
 * host and location it is sent to. Returns null for normal traffic (no finding).
 */
final class Verdicts {
    private Verdicts() {}

    static Severity severity(Hit h, String location, String host, boolean sink, Policy policy) {
        if (h.canary()) return Severity.CRITICAL; // honey tokens are never used legitimately
        Destination d = policy.destination(h.family());
        boolean hostOk = d.hostAllowed(host);
        if (h.address() && hostOk && location.equals("path")) return null; // a webhook URL used as itself
        if (hostOk && d.locationAllowed(location)) return null;
        Severity s;
        if (h.provisioned() || h.strength() != Hit.Strength.WEAK) {
            s = hostOk ? Severity.HIGH : Severity.CRITICAL;
        } else {
            s = sink ? Severity.HIGH : Severity.LOW;
        }
        if (!hostOk && policy.isInternal(host) && !sink && s.compareTo(Severity.MEDIUM) > 0) s = Severity.MEDIUM;
        if (sink && s.compareTo(Severity.HIGH) < 0) s = Severity.HIGH;
        return s;
    }
}
