package dev.traffic.cli.doctor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * No secret files under the usual mounts ({@code /run/secrets}, {@code /var/run/secrets}): with the
 * credential broker the sandbox holds placeholders only, and the real secrets are mounted into the
 * proxy's container. A read-only Kubernetes service-account token is allowed when the sandbox is
 * meant to keep one ({@code --keeps-service-account}). Names paths only, never contents.
 */
public final class SecretFilesCheck extends IsolationCheck {
    @Override
    public String name() {
        return "secret-files";
    }

    @Override
    public String description() {
        return "no secret files under /run/secrets or /var/run/secrets";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        List<String> found = new ArrayList<>();
        for (Path dir : ctx.host().secretDirs()) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> all = Files.walk(dir, 6)) {
                all.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".."))
                        .filter(p -> !(ctx.sandbox().keepsServiceAccount() && p.startsWith(ctx.host().serviceAccountDir())))
                        .filter(p -> !p.toString().contains("/..")) // Kubernetes' timestamped copies of the same files
                        .forEach(p -> found.add(p.toString()));
            } catch (Exception e) {
                found.add(dir + " (unreadable: " + e.getClass().getSimpleName() + ")");
            }
        }
        if (!found.isEmpty()) {
            return CheckResult.fail("secret files in the sandbox: " + String.join(", ", found.subList(0, Math.min(10, found.size())))
                            + (found.size() > 10 ? " and " + (found.size() - 10) + " more" : ""),
                    "mount secrets into the traffic container only and give the sandbox placeholders (traffic credentials env);"
                            + " for a service account the sandbox must not use: automountServiceAccountToken: false");
        }
        return CheckResult.pass("no secret files under " + ctx.host().secretDirs()
                + (ctx.sandbox().keepsServiceAccount() ? " (service-account token allowed)" : ""));
    }
}
