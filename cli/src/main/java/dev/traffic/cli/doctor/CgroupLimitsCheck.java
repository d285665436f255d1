package dev.traffic.cli.doctor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Memory, CPU and process-count limits are set on the sandbox's cgroup (v2). */
public final class CgroupLimitsCheck extends IsolationCheck {
    @Override
    public String name() {
        return "cgroup-limits";
    }

    @Override
    public String description() {
        return "memory, CPU and pids limits are set (cgroup v2)";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        Path dir = ctx.host().cgroupDir();
        if (dir == null) return CheckResult.skip("not on a cgroup v2 unified hierarchy (" + ctx.host().procSelf().resolve("cgroup") + ")");
        if (dir.equals(ctx.host().cgroupRoot())) {
            return CheckResult.fail("runs in the root cgroup: no memory, CPU or pids limit applies",
                    "run the sandbox in a container with limits: docker run --memory 4g --cpus 2 --pids-limit 512, or resources.limits");
        }
        List<String> shown = new ArrayList<>();
        List<String> unlimited = new ArrayList<>();
        for (String file : new String[] {"memory.max", "cpu.max", "pids.max"}) {
            String v = HostView.read(dir.resolve(file));
            if (v == null) {
                unlimited.add(file + " (unreadable)");
                continue;
            }
            shown.add(file + "=" + v);
            if (v.equals("max") || v.startsWith("max ")) unlimited.add(file + "=" + v);
        }
        if (!unlimited.isEmpty()) {
            return CheckResult.fail("no limit: " + String.join(", ", unlimited) + " (in " + dir + ")",
                    "docker run --memory 4g --cpus 2 --pids-limit 512, or resources.limits (memory, cpu) and the kubelet's podPidsLimit");
        }
        return CheckResult.pass(String.join(", ", shown));
    }
}
