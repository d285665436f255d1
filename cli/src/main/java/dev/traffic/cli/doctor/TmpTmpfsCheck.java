package dev.traffic.cli.doctor;

/** /tmp is a size-limited tmpfs: writable scratch space that cannot fill the node's disk. */
public final class TmpTmpfsCheck extends IsolationCheck {
    @Override
    public String name() {
        return "tmp-tmpfs";
    }

    @Override
    public String description() {
        return "/tmp is a size-limited tmpfs";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        String tmp = ctx.host().tmpDir().toString();
        HostView.Mount m = ctx.host().mountAt(tmp);
        String fix = "docker run --tmpfs " + tmp + ":size=256m, or an emptyDir with medium: Memory and sizeLimit";
        if (m == null) return CheckResult.fail(tmp + " is not a mount of its own (it lives on " + holder(ctx, tmp) + ")", fix);
        if (!m.fsType().equals("tmpfs")) return CheckResult.fail(tmp + " is " + m.fsType() + ", not tmpfs", fix);
        String size = m.optionValue("size");
        if (size == null) return CheckResult.fail(tmp + " is a tmpfs without a size limit (it may use half the node's memory)", fix);
        return CheckResult.pass(tmp + " is tmpfs, size=" + size + (m.option("noexec") ? ", noexec" : ""));
    }

    private static String holder(DoctorContext ctx, String path) {
        HostView.Mount h = ctx.host().mountHolding(path);
        return h == null ? "an unknown mount" : h.mountPoint() + " (" + h.fsType() + ")";
    }
}
