package dev.traffic.cli.doctor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the isolation checks read the kernel's view of this process: {@code /proc/self},
 * {@code /proc}, the cgroup v2 tree, the network devices, the container runtime sockets, the
 * directories the sandbox is meant to write, and the secret mounts. Tests point it at fixture
 * directories; {@link #system()} is the real machine.
 */
public record HostView(Path procSelf, Path proc, Path cgroupRoot, Path sysClassNet, Path tmpDir,
        List<Path> runtimeSockets, List<Path> secretDirs, List<String> workDirs, Path resolvConf, int dnsPort,
        Path serviceAccountDir) {

    /** Docker, containerd, CRI-O, Podman and cri-dockerd sockets at their usual paths. */
    public static final List<Path> RUNTIME_SOCKETS = List.of(Path.of("/var/run/docker.sock"), Path.of("/run/docker.sock"),
            Path.of("/run/containerd/containerd.sock"), Path.of("/var/run/containerd/containerd.sock"),
            Path.of("/var/run/crio/crio.sock"), Path.of("/run/crio/crio.sock"), Path.of("/run/podman/podman.sock"),
            Path.of("/var/run/cri-dockerd.sock"), Path.of("/run/k3s/containerd/containerd.sock"));

    /** Where secrets are usually mounted into containers. */
    public static final List<Path> SECRET_DIRS = List.of(Path.of("/run/secrets"), Path.of("/var/run/secrets"));

    /** Where Kubernetes mounts a pod's service-account token, CA and namespace. */
    public static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    /** Writable places a sandbox is documented to have (the agent's work tree, /tmp, the runtime's own). */
    public static final List<String> WORK_DIRS = List.of("/tmp", "/work", "/workspace", "/home", "/dev/shm", "/run", "/var/tmp");

    public static HostView system() {
        return new HostView(Path.of("/proc/self"), Path.of("/proc"), Path.of("/sys/fs/cgroup"), Path.of("/sys/class/net"),
                Path.of("/tmp"), RUNTIME_SOCKETS, SECRET_DIRS, WORK_DIRS, Path.of("/etc/resolv.conf"), 53,
                SERVICE_ACCOUNT);
    }

    /** A copy with other work directories (the command's --work-dir). */
    public HostView withWorkDirs(List<String> dirs) {
        return new HostView(procSelf, proc, cgroupRoot, sysClassNet, tmpDir, runtimeSockets, secretDirs, dirs, resolvConf,
                dnsPort, serviceAccountDir);
    }

    /** {@code /proc/self/status} as key -> value (tabs and spaces trimmed); empty when unreadable. */
    public Map<String, String> status() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines(procSelf.resolve("status"))) {
            int colon = line.indexOf(':');
            if (colon > 0) out.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        return out;
    }

    /** One line of {@code /proc/self/mountinfo}. */
    public record Mount(String mountPoint, String root, String options, String fsType, String source, String superOptions) {
        public boolean readOnly() {
            return hasOption(options, "ro");
        }

        public boolean option(String name) {
            return hasOption(options, name) || hasOption(superOptions, name);
        }

        /** The value of a {@code name=value} option (mount or super options), or null. */
        public String optionValue(String name) {
            for (String o : (options + "," + superOptions).split(",")) if (o.startsWith(name + "=")) return o.substring(name.length() + 1);
            return null;
        }

        private static boolean hasOption(String opts, String name) {
            for (String o : opts.split(",")) if (o.equals(name)) return true;
            return false;
        }
    }

    /** The mount table; later mounts over the same point come later (the last one is visible). */
    public List<Mount> mounts() {
        List<Mount> out = new ArrayList<>();
        for (String line : lines(procSelf.resolve("mountinfo"))) {
            String[] f = line.split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++) if (f[i].equals("-")) { dash = i; break; }
            if (dash < 0 || dash + 1 >= f.length) continue;
            out.add(new Mount(unescape(f[4]), unescape(f[3]), f[5], f[dash + 1], f.length > dash + 2 ? unescape(f[dash + 2]) : "",
                    f.length > dash + 3 ? f[dash + 3] : ""));
        }
        return out;
    }

    /** The visible mount at exactly {@code mountPoint}, or null. */
    public Mount mountAt(String mountPoint) {
        Mount found = null;
        for (Mount m : mounts()) if (m.mountPoint().equals(mountPoint)) found = m;
        return found;
    }

    /** The mount that holds {@code path} (longest mount point prefix). */
    public Mount mountHolding(String path) {
        Mount best = null;
        for (Mount m : mounts()) {
            String mp = m.mountPoint();
            boolean holds = path.equals(mp) || mp.equals("/") || path.startsWith(mp.endsWith("/") ? mp : mp + "/");
            if (holds && (best == null || mp.length() >= best.mountPoint().length())) best = m;
        }
        return best;
    }

    /** This process's cgroup v2 directory, or null when it is not on a unified hierarchy. */
    public Path cgroupDir() {
        for (String line : lines(procSelf.resolve("cgroup"))) {
            if (line.startsWith("0::")) {
                String rel = line.substring(3);
                return rel.equals("/") ? cgroupRoot : cgroupRoot.resolve(rel.substring(1));
            }
        }
        return null;
    }

    static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String unescape(String s) {
        // mountinfo escapes space, tab, newline and backslash as \ooo
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\' && i + 4 <= s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape
                }
            }
            b.append(s.charAt(i));
        }
        return b.toString();
    }
}
