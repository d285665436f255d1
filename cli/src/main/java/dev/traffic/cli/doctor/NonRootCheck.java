package dev.traffic.cli.doctor;

/** The sandbox runs as a non-root user and group (effective IDs, from /proc/self/status). */
public final class NonRootCheck extends IsolationCheck {
    @Override
    public String name() {
        return "non-root";
    }

    @Override
    public String description() {
        return "runs as a non-root UID and GID";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        var st = ctx.host().status();
        String uid = field(st.get("Uid"), 1);
        String gid = field(st.get("Gid"), 1);
        if (uid == null || gid == null) return CheckResult.skip("cannot read Uid/Gid from " + ctx.host().procSelf().resolve("status"));
        if (uid.equals("0") || gid.equals("0")) {
            return CheckResult.fail("effective uid " + uid + ", gid " + gid,
                    "run the sandbox as an unprivileged user: docker run --user 10000:10000, or securityContext runAsUser/runAsGroup"
                            + " with runAsNonRoot: true");
        }
        return CheckResult.pass("uid " + uid + ", gid " + gid);
    }

    /** The n-th (0-based) whitespace-separated field: Uid: real effective saved fs. */
    static String field(String v, int n) {
        if (v == null) return null;
        String[] f = v.trim().split("\\s+");
        return f.length > n ? f[n] : null;
    }
}
