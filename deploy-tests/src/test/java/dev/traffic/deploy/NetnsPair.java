package dev.traffic.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two network namespaces joined by a veth pair: {@code up} (10.203.0.1 and 10.203.0.3, where the
 * upstream and the resolvers listen) and {@code sbx} (10.203.0.2, where the egress lock is applied
 * and the proxy and the sandbox processes run). Names are unique per JVM and run, so parallel runs
 * on one machine do not collide; {@link #close} deletes both namespaces (and with them the veth pair).
 */
final class NetnsPair implements AutoCloseable {
    static final String UPSTREAM = "10.203.0.1";
    static final String SANDBOX = "10.203.0.2";
    static final String OTHER_RESOLVER = "10.203.0.3";
    private static final AtomicInteger SEQ = new AtomicInteger();

    final String up;
    final String sbx;

    private NetnsPair(String up, String sbx) {
        this.up = up;
        this.sbx = sbx;
    }

    /** Why namespaces cannot be used here, or null when they can (root, ip, setpriv, curl present). */
    static String unavailableReason() throws IOException, InterruptedException {
        for (String tool : List.of("ip", "setpriv", "curl")) {
            if (!onPath(tool)) return tool + " is not installed";
        }
        Proc.Result id = Proc.run(java.time.Duration.ofSeconds(10), "id", "-u");
        if (!id.out().strip().equals("0")) return "not running as root (uid " + id.out().strip() + ")";
        return null;
    }

    static boolean onPath(String cmd) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, cmd))) return true;
        }
        return Files.isExecutable(Path.of("/usr/sbin", cmd)) || Files.isExecutable(Path.of("/sbin", cmd));
    }

    /** Creates the pair; throws with the failing command's output when the kernel or sandbox refuses. */
    static NetnsPair create() throws IOException, InterruptedException {
        String tag = ProcessHandle.current().pid() % 100000 + "x" + SEQ.incrementAndGet();
        NetnsPair p = new NetnsPair("tfu" + tag, "tfs" + tag);
        try {
            Proc.ok("ip", "netns", "add", p.up);
            Proc.ok("ip", "netns", "add", p.sbx);
            Proc.ok("ip", "link", "add", "vu" + tag, "netns", p.up, "type", "veth", "peer", "name", "vs" + tag, "netns", p.sbx);
            Proc.ok("ip", "-n", p.up, "addr", "add", UPSTREAM + "/24", "dev", "vu" + tag);
            Proc.ok("ip", "-n", p.up, "addr", "add", OTHER_RESOLVER + "/24", "dev", "vu" + tag);
            Proc.ok("ip", "-n", p.sbx, "addr", "add", SANDBOX + "/24", "dev", "vs" + tag);
            for (String ns : List.of(p.up, p.sbx)) {
                Proc.ok("ip", "-n", ns, "link", "set", "lo", "up");
            }
            Proc.ok("ip", "-n", p.up, "link", "set", "vu" + tag, "up");
            Proc.ok("ip", "-n", p.sbx, "link", "set", "vs" + tag, "up");
            return p;
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    List<String> inUp(String... cmd) {
        return in(up, List.of(cmd));
    }

    List<String> inSbx(String... cmd) {
        return in(sbx, List.of(cmd));
    }

    /** {@code cmd} in the sandbox namespace under a numeric UID/GID with no supplementary groups. */
    List<String> asUid(long uid, List<String> cmd) {
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
        full.addAll(cmd);
        return in(sbx, full);
    }

    private static List<String> in(String ns, List<String> cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(cmd);
        return full;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (String ns : List.of(sbx, up)) Proc.run(java.time.Duration.ofSeconds(30), "ip", "netns", "del", ns);
    }
}
