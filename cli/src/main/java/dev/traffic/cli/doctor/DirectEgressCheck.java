package dev.traffic.cli.doctor;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A connection that bypasses the proxy fails: the sandbox cannot leave except through it. */
public final class DirectEgressCheck implements DoctorCheck {
    @Override
    public String name() {
        return "direct-egress";
    }

    @Override
    public String description() {
        return "connections that bypass the proxy fail";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        List<String> open = new ArrayList<>();
        List<String> blocked = new ArrayList<>();
        for (InetSocketAddress target : ctx.directTargets()) {
            String failure = Net.connectFailure(target, ctx.timeout());
            if (failure == null) open.add(Net.show(target));
            else blocked.add(Net.show(target) + " (" + failure + ")");
        }
        if (ctx.directTargets().isEmpty()) return CheckResult.skip("no direct targets to try");
        if (!open.isEmpty()) {
            return CheckResult.fail("connected directly, bypassing the proxy, to " + String.join(", ", open),
                    "lock egress: run docker/egress-lock.sh in the pod (sidecar topology) or apply the "
                            + "sandbox NetworkPolicy (gateway topology); see docs/operations/kubernetes.md");
        }
        return CheckResult.pass("direct connections fail: " + String.join(", ", blocked));
    }
}
