package dev.traffic.cli.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * No writable mount from the host outside the documented work directories: a read-write bind mount
 * elsewhere lets the sandbox change what the host (or the next sandbox) runs. Kernel file systems
 * (proc, sysfs, cgroup, devpts, mqueue) and tmpfs are not host storage and are ignored.
 */
public final class WritableMountsCheck extends IsolationCheck {
    private static final Set<String> VIRTUAL = Set.of("proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "tmpfs",
            "devtmpfs", "securityfs", "debugfs", "tracefs", "bpf", "pstore", "hugetlbfs", "fusectl", "configfs", "nsfs",
            "binfmt_misc", "autofs", "rpc_pipefs", "efivarfs");

    @Override
    public String name() {
        return "writable-mounts";
    }

    @Override
    public String description() {
        return "no writable host mounts outside the work directories";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        List<String> bad = new ArrayList<>();
        for (HostView.Mount m : ctx.host().mounts()) {
            if (m.readOnly() || VIRTUAL.contains(m.fsType()) || m.mountPoint().equals("/")) continue;
            if (allowed(m.mountPoint(), ctx.host().workDirs())) continue;
            bad.add(m.mountPoint() + " (" + m.fsType() + " " + m.source() + ")");
        }
        if (!bad.isEmpty()) {
            return CheckResult.fail("writable mounts outside " + ctx.host().workDirs() + ": " + String.join(", ", bad),
                    "mount them read-only (-v src:dst:ro, readOnly: true), or pass --work-dir DIR if the sandbox is meant to write there");
        }
        return CheckResult.pass("writable mounts only under " + ctx.host().workDirs());
    }

    static boolean allowed(String mountPoint, List<String> workDirs) {
        for (String w : workDirs) if (mountPoint.equals(w) || mountPoint.startsWith(w + "/")) return true;
        // the runtime's own per-container files
        return Set.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/dev/termination-log").contains(mountPoint);
    }
}
