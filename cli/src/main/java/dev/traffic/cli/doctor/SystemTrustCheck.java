package dev.traffic.cli.doctor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The system CA bundle (what OpenSSL-based tools use by default) contains the expected CA. */
public final class SystemTrustCheck implements DoctorCheck {
    @Override
    public String name() {
        return "ca-system-trust";
    }

    @Override
    public String description() {
        return "the system CA bundle trusts the traffic CA";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        if (ctx.expectedCa() == null) {
            return CheckResult.fail("no expected CA: " + ctx.expectedCaProblem(), "pass --ca-cert FILE or set TRAFFIC_CA_CERT");
        }
        List<String> problems = new ArrayList<>();
        for (Path bundle : ctx.systemBundles()) {
            if (!Files.exists(bundle)) continue;
            String p = PemBundles.problem(bundle, ctx.expectedCa());
            if (p == null) return CheckResult.pass(bundle + " contains the traffic CA");
            problems.add(p);
        }
        if (problems.isEmpty()) problems.add("no system CA bundle found (looked at " + ctx.systemBundles() + ")");
        return CheckResult.fail(String.join("; ", problems),
                "as root: cp ca.pem /usr/local/share/ca-certificates/traffic.crt && update-ca-certificates "
                        + "(or mount it there in the image)");
    }
}
