package dev.traffic.cli.doctor;

import java.util.ArrayList;
import java.util.List;

/** Runs every {@link DoctorCheck} in order; a check that throws is reported as failed, never skipped. */
public final class Doctor {
    /** The checks, in the order they print. Add new checks here. */
    public static final List<DoctorCheck> CHECKS = List.of(
            new ProxyReachableCheck(),
            new InterceptionCheck(),
            new SystemTrustCheck(),
            new CaEnvCheck(),
            new JavaTrustCheck(),
            new DirectEgressCheck(),
            new MetadataCheck(),
            new CredentialsCheck(),
            new NoProxyCheck(),
            // isolation (sandbox profiles)
            new NonRootCheck(),
            new ReadOnlyRootCheck(),
            new TmpTmpfsCheck(),
            new CapabilitiesCheck(),
            new NoNewPrivsCheck(),
            new SeccompCheck(),
            new CgroupLimitsCheck(),
            new RuntimeSocketCheck(),
            new HostNamespaceCheck(),
            new WritableMountsCheck(),
            // credentials
            new SecretFilesCheck(),
            // egress
            new DnsDirectCheck(),
            new UdpEgressCheck(),
            new Ipv6EgressCheck(),
            new ApiServerDirectCheck(),
            // cluster identity and the proxy's own decisions
            new ClusterIdentityCheck(),
            new RulesRefusalCheck(),
            new CanaryBlockedCheck());

    public record Outcome(DoctorCheck check, CheckResult result) {}

    private Doctor() {}

    public static List<Outcome> run(DoctorContext ctx) {
        List<Outcome> out = new ArrayList<>();
        for (DoctorCheck c : CHECKS) {
            CheckResult r;
            if (!c.profiles().contains(ctx.profile())) {
                continue;
            }
            try {
                r = c.run(ctx);
            } catch (RuntimeException e) {
                r = CheckResult.fail("the check itself failed: " + e, "report this; run with -Dtraffic.debug=true for a trace");
            }
            out.add(new Outcome(c, r));
        }
        return out;
    }

    public static boolean allPass(List<Outcome> outcomes) {
        return outcomes.stream().noneMatch(o -> o.result().status() == CheckResult.Status.FAIL);
    }
}
