package dev.traffic.cli.doctor;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** IPv6 egress fails as IPv4 does: a lock written for iptables only leaves ip6tables open. */
public final class Ipv6EgressCheck extends IsolationCheck {
    @Override
    public String name() {
        return "ipv6-egress";
    }

    @Override
    public String description() {
        return "direct IPv6 connections fail as IPv4 ones do";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        List<String> open = new ArrayList<>();
        List<String> blocked = new ArrayList<>();
        for (InetSocketAddress t : ctx.sandbox().ipv6Targets()) {
            String failure = Net.connectFailure(t, ctx.timeout());
            if (failure == null) open.add(Net.show(t));
            else blocked.add(Net.show(t) + " (" + failure + ")");
        }
        if (ctx.sandbox().ipv6Targets().isEmpty()) return CheckResult.skip("no IPv6 targets");
        if (!open.isEmpty()) {
            return CheckResult.fail("connected directly over IPv6 to " + String.join(", ", open),
                    "apply the egress lock to IPv6 too (ip6tables/nftables inet family), or disable IPv6 in the sandbox");
        }
        return CheckResult.pass("direct IPv6 connections fail: " + String.join(", ", blocked));
    }
}
