package dev.traffic.cli.doctor;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs the named doctor checks against the real machine in this process and prints
 * {@code name STATUS detail} per line: {@link IsolationRealTest} starts it under setpriv (dropped
 * capabilities, no_new_privs, another UID) to see the checks read a real restricted process.
 */
public final class RunChecks {
    public static void main(String[] args) {
        List<DoctorCheck> all = List.of(new NonRootCheck(), new CapabilitiesCheck(), new NoNewPrivsCheck(), new SeccompCheck(),
                new TmpTmpfsCheck());
        DoctorContext ctx = new DoctorContext(Map.of(), Path.of("/"), List.of(), null, "none", URI.create("https://127.0.0.1:1/"),
                List.of(), List.of(), Duration.ofSeconds(1)).with(HostView.system(), Profile.DOCKER, Sandbox.NONE);
        for (String name : args) {
            for (DoctorCheck c : all) {
                if (!c.name().equals(name)) continue;
                CheckResult r = c.run(ctx);
                System.out.println(c.name() + " " + r.status() + " " + r.detail());
            }
        }
    }
}
