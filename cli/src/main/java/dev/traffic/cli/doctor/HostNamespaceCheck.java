package dev.traffic.cli.doctor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The sandbox does not share the host's PID or network namespace. Heuristics (a process cannot
 * name the namespace it is in): the host PID namespace shows the kernel's thread daemon as PID 2
 * ({@code /proc/2/comm} = {@code kthreadd}); the host network namespace shows physical network
 * devices (an entry of {@code /sys/class/net} with a {@code device} link), which a container's
 * namespace (veth, loopback) never has.
 */
public final class HostNamespaceCheck extends IsolationCheck {
    @Override
    public String name() {
        return "host-namespaces";
    }

    @Override
    public String description() {
        return "no host PID or network namespace";
    }

    @Override
    public String proves() {
        return "no host PID namespace (PID 2 is not kthreadd) and no host network namespace (no physical network device visible)";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        List<String> shared = new ArrayList<>();
        String comm = HostView.read(ctx.host().proc().resolve("2").resolve("comm"));
        if ("kthreadd".equals(comm)) shared.add("PID (PID 2 is kthreadd)");
        List<String> physical = new ArrayList<>();
        try (Stream<Path> devs = Files.list(ctx.host().sysClassNet())) {
            devs.filter(d -> Files.exists(d.resolve("device"))).forEach(d -> physical.add(d.getFileName().toString()));
        } catch (Exception e) {
            // no /sys/class/net: nothing to see
        }
        if (!physical.isEmpty()) shared.add("network (physical device " + String.join(", ", physical) + ")");
        if (!shared.isEmpty()) {
            return CheckResult.fail("shares the host's " + String.join(" and ", shared) + " namespace",
                    "do not run with --pid=host / --network=host (hostPID / hostNetwork: false)");
        }
        return CheckResult.pass("own PID and network namespaces");
    }
}
