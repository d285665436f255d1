package dev.traffic.cli.doctor;

/** A seccomp filter is active (mode 2), limiting the system calls the sandbox can make. */
public final class SeccompCheck extends IsolationCheck {
    @Override
    public String name() {
        return "seccomp";
    }

    @Override
    public String description() {
        return "a seccomp filter is active";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        String v = ctx.host().status().get("Seccomp");
        if (v == null) return CheckResult.skip("cannot read Seccomp from " + ctx.host().procSelf().resolve("status"));
        if (!v.equals("2")) {
            return CheckResult.fail("Seccomp: " + v + (v.equals("0") ? " (no filter)" : " (strict mode)"),
                    "keep Docker's default seccomp profile (no --security-opt seccomp=unconfined), or securityContext"
                            + " seccompProfile: {type: RuntimeDefault}");
        }
        return CheckResult.pass("Seccomp: 2 (filter)");
    }
}
