package dev.traffic.cli.doctor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** No container runtime socket (Docker, containerd, CRI-O, Podman) is reachable: it would be root on the host. */
public final class RuntimeSocketCheck extends IsolationCheck {
    @Override
    public String name() {
        return "runtime-socket";
    }

    @Override
    public String description() {
        return "no Docker/containerd/CRI-O/Podman socket is reachable";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        List<String> found = new ArrayList<>();
        for (Path p : ctx.host().runtimeSockets()) if (Files.exists(p)) found.add(p.toString());
        if (!found.isEmpty()) {
            return CheckResult.fail("runtime socket present: " + String.join(", ", found),
                    "do not mount the runtime socket into the sandbox (remove -v /var/run/docker.sock:..., or the hostPath volume)");
        }
        return CheckResult.pass("none of " + ctx.host().runtimeSockets().size() + " known socket paths exists");
    }
}
