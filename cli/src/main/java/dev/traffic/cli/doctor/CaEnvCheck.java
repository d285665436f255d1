package dev.traffic.cli.doctor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The variables that make Python/OpenSSL (SSL_CERT_FILE, REQUESTS_CA_BUNDLE), Node (NODE_EXTRA_CA_CERTS)
 * and git (GIT_SSL_CAINFO) trust a CA all name a file that holds the expected CA.
 */
public final class CaEnvCheck implements DoctorCheck {
    static final List<String> VARS = List.of("SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE", "GIT_SSL_CAINFO");

    @Override
    public String name() {
        return "ca-env";
    }

    @Override
    public String description() {
        return String.join(", ", VARS) + " point at the traffic CA";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        if (ctx.expectedCa() == null) {
            return CheckResult.fail("no expected CA: " + ctx.expectedCaProblem(), "pass --ca-cert FILE or set TRAFFIC_CA_CERT");
        }
        List<String> problems = new ArrayList<>();
        List<String> unset = new ArrayList<>();
        for (String var : VARS) {
            String value = ctx.env().get(var);
            if (value == null || value.isBlank()) {
                unset.add(var);
                continue;
            }
            String p = PemBundles.problem(Path.of(value), ctx.expectedCa());
            if (p != null) problems.add(var + ": " + p);
        }
        if (!unset.isEmpty()) problems.add(0, String.join(", ", unset) + (unset.size() == 1 ? " is" : " are") + " not set");
        if (problems.isEmpty()) return CheckResult.pass(String.join(", ", VARS) + " name files holding the traffic CA");
        StringBuilder fix = new StringBuilder();
        for (String var : unset.isEmpty() ? VARS : unset) {
            if (fix.length() > 0) fix.append(' ');
            fix.append("export ").append(var).append("=/etc/traffic/ca.crt;");
        }
        return CheckResult.fail(String.join("; ", problems), fix + " (the path where the CA certificate is mounted)");
    }
}
