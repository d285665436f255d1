package dev.traffic.cli.doctor;

import java.net.InetSocketAddress;
import java.util.Set;

/** The cluster's API server is not reachable directly (only through the proxy, where rules apply). */
public final class ApiServerDirectCheck implements DoctorCheck {
    @Override
    public String name() {
        return "apiserver-direct";
    }

    @Override
    public String description() {
        return "the Kubernetes API server is not reachable directly";
    }

    @Override
    public Set<Profile> profiles() {
        return Profile.KUBERNETES;
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        String host = ctx.env().get("KUBERNETES_SERVICE_HOST");
        String port = ctx.env().getOrDefault("KUBERNETES_SERVICE_PORT", "443");
        if (host == null || host.isBlank()) return CheckResult.skip("KUBERNETES_SERVICE_HOST is not set (not in a pod?)");
        InetSocketAddress t;
        try {
            t = InetSocketAddress.createUnresolved(host, Integer.parseInt(port.trim()));
        } catch (IllegalArgumentException e) {
            return CheckResult.fail("KUBERNETES_SERVICE_PORT is not a port: " + port, "fix the pod's environment");
        }
        String failure = Net.connectFailure(t, ctx.timeout());
        if (failure == null) {
            return CheckResult.fail("connected directly to the API server at " + Net.show(t),
                    "deny the API server's address in the sandbox's egress (NetworkPolicy / egress lock); reach it through the proxy");
        }
        return CheckResult.pass("direct connection to " + Net.show(t) + " fails (" + failure + ")");
    }
}
