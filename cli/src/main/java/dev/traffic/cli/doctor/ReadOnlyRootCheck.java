package dev.traffic.cli.doctor;

/** The root file system is mounted read-only, so nothing outside the work directories persists. */
public final class ReadOnlyRootCheck extends IsolationCheck {
    @Override
    public String name() {
        return "read-only-root";
    }

    @Override
    public String description() {
        return "the root file system is read-only";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        HostView.Mount root = ctx.host().mountAt("/");
        if (root == null) return CheckResult.skip("no / in " + ctx.host().procSelf().resolve("mountinfo"));
        if (!root.readOnly()) {
            return CheckResult.fail("/ is mounted read-write (" + root.fsType() + ", " + root.options() + ")",
                    "docker run --read-only, or securityContext readOnlyRootFilesystem: true");
        }
        return CheckResult.pass("/ is read-only (" + root.fsType() + ")");
    }
}
