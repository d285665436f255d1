package dev.traffic.cli.doctor;

/** No Linux capabilities: effective, permitted and bounding sets are all empty. */
public final class CapabilitiesCheck extends IsolationCheck {
    @Override
    public String name() {
        return "capabilities";
    }

    @Override
    public String description() {
        return "effective, permitted and bounding capabilities are empty";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        var st = ctx.host().status();
        StringBuilder held = new StringBuilder();
        for (String set : new String[] {"CapEff", "CapPrm", "CapBnd"}) {
            String v = st.get(set);
            if (v == null) return CheckResult.skip("cannot read " + set + " from " + ctx.host().procSelf().resolve("status"));
            long mask = Long.parseUnsignedLong(v.trim(), 16);
            if (mask != 0) held.append(held.length() == 0 ? "" : ", ").append(set).append('=').append(v.trim());
        }
        if (held.length() > 0) {
            return CheckResult.fail("capabilities held: " + held,
                    "docker run --cap-drop ALL, or securityContext capabilities: {drop: [ALL]}");
        }
        return CheckResult.pass("CapEff, CapPrm and CapBnd are all 0");
    }
}
