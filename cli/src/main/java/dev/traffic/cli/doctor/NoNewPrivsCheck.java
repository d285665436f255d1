package dev.traffic.cli.doctor;

/** no_new_privs is set: setuid binaries and file capabilities cannot raise privileges. */
public final class NoNewPrivsCheck extends IsolationCheck {
    @Override
    public String name() {
        return "no-new-privs";
    }

    @Override
    public String description() {
        return "NoNewPrivs is set (setuid binaries cannot raise privileges)";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        String v = ctx.host().status().get("NoNewPrivs");
        if (v == null) return CheckResult.skip("cannot read NoNewPrivs from " + ctx.host().procSelf().resolve("status"));
        if (!v.equals("1")) {
            return CheckResult.fail("NoNewPrivs: " + v,
                    "docker run --security-opt no-new-privileges, or securityContext allowPrivilegeEscalation: false");
        }
        return CheckResult.pass("NoNewPrivs: 1");
    }
}
