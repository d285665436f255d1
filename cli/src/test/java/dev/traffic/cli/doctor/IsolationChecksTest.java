package dev.traffic.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.cli.doctor.CheckResult.Status;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The isolation checks against fixture copies of what the kernel shows in /proc/self (status,
 * mountinfo, cgroup), the cgroup v2 tree, /sys/class/net and the socket and secret paths: one
 * locked-down sandbox that passes everything, then each invariant broken on its own.
 * ({@link IsolationRealTest} runs the checks that a test can set up for real.)
 */
class IsolationChecksTest {
    @TempDir Path tmp;
    Path self;
    Path proc;
    Path cgroup;
    Path net;
    final Map<String, String> status = new HashMap<>();
    String mountinfo;

    static final String LOCKED_MOUNTS = String.join("\n",
            "600 500 0:52 / / ro,relatime master:1 - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w",
            "601 600 0:55 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw",
            "602 600 0:56 / /tmp rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,size=65536k,mode=1777",
            "603 600 0:57 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw",
            "604 600 8:1 /var/lib/docker/containers/x/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/sda1 rw",
            "605 600 8:1 /srv/work /work rw,relatime - ext4 /dev/sda1 rw",
            "606 600 8:1 /srv/tools /opt/tools ro,relatime - ext4 /dev/sda1 rw") + "\n";

    @BeforeEach
    void lockedDown() throws Exception {
        self = Files.createDirectories(tmp.resolve("proc/self"));
        proc = tmp.resolve("proc");
        cgroup = Files.createDirectories(tmp.resolve("cgroup/sandbox.slice"));
        net = Files.createDirectories(tmp.resolve("net"));
        Files.createDirectories(net.resolve("lo"));
        Files.createDirectories(net.resolve("eth0")); // a veth: no device link
        Files.createDirectories(proc.resolve("2"));
        Files.writeString(proc.resolve("2/comm"), "sleep\n");
        status.put("Uid", "10000\t10000\t10000\t10000");
        status.put("Gid", "10000\t10000\t10000\t10000");
        status.put("CapEff", "0000000000000000");
        status.put("CapPrm", "0000000000000000");
        status.put("CapBnd", "0000000000000000");
        status.put("NoNewPrivs", "1");
        status.put("Seccomp", "2");
        mountinfo = LOCKED_MOUNTS;
        Files.writeString(self.resolve("cgroup"), "0::/sandbox.slice\n");
        Files.writeString(cgroup.resolve("memory.max"), "4294967296\n");
        Files.writeString(cgroup.resolve("cpu.max"), "200000 100000\n");
        Files.writeString(cgroup.resolve("pids.max"), "512\n");
    }

    private DoctorContext ctx() throws Exception {
        StringBuilder st = new StringBuilder("Name:\tjava\n");
        status.forEach((k, v) -> st.append(k).append(":\t").append(v).append('\n'));
        Files.writeString(self.resolve("status"), st);
        Files.writeString(self.resolve("mountinfo"), mountinfo);
        HostView view = new HostView(self, proc, tmp.resolve("cgroup"), net, Path.of("/tmp"),
                List.of(tmp.resolve("docker.sock")), List.of(tmp.resolve("run-secrets")), HostView.WORK_DIRS,
                tmp.resolve("resolv.conf"), 53, tmp.resolve("run-secrets/kubernetes.io/serviceaccount"));
        return new DoctorContext(Map.of(), tmp, List.of(), null, "none", URI.create("https://127.0.0.1:1/"), List.of(), List.of(),
                Duration.ofSeconds(1)).with(view, Profile.DOCKER, Sandbox.NONE);
    }

    private CheckResult run(DoctorCheck c) throws Exception {
        return c.run(ctx());
    }

    private static final List<DoctorCheck> ISOLATION = List.of(new NonRootCheck(), new ReadOnlyRootCheck(), new TmpTmpfsCheck(),
            new CapabilitiesCheck(), new NoNewPrivsCheck(), new SeccompCheck(), new CgroupLimitsCheck(), new RuntimeSocketCheck(),
            new HostNamespaceCheck(), new WritableMountsCheck(), new SecretFilesCheck());

    @Test
    void aLockedDownSandboxPassesEveryIsolationCheck() throws Exception {
        for (DoctorCheck c : ISOLATION) {
            CheckResult r = run(c);
            assertThat(r.status()).as(c.name() + ": " + r.detail()).isEqualTo(Status.PASS);
        }
        assertThat(run(new CgroupLimitsCheck()).detail()).contains("memory.max=4294967296").contains("pids.max=512");
        // the docs quote these lines (docs/how-to/validate-a-sandbox.md)
        StringBuilder lines = new StringBuilder();
        for (DoctorCheck c : ISOLATION) lines.append(String.format("PASS  %-15s  %s%n", c.name(), run(c).detail()));
        Files.writeString(Path.of("target", "doctor-locked-isolation.txt"), lines);
    }

    private void assertFails(DoctorCheck c, String detail) throws Exception {
        CheckResult r = run(c);
        assertThat(r.status()).as(c.name() + ": " + r.detail()).isEqualTo(Status.FAIL);
        assertThat(r.detail()).contains(detail);
        assertThat(r.fix()).isNotBlank();
    }

    @Test
    void root() throws Exception {
        status.put("Uid", "0\t0\t0\t0");
        assertFails(new NonRootCheck(), "effective uid 0");
    }

    @Test
    void writableRoot() throws Exception {
        mountinfo = mountinfo.replace("/ / ro,relatime", "/ / rw,relatime");
        assertFails(new ReadOnlyRootCheck(), "/ is mounted read-write");
    }

    @Test
    void tmpOnTheRootDiskOrWithoutASize() throws Exception {
        String withoutTmp = mountinfo.lines().filter(l -> !l.contains(" /tmp ")).reduce("", (a, b) -> a + b + "\n");
        mountinfo = withoutTmp;
        assertFails(new TmpTmpfsCheck(), "/tmp is not a mount of its own");
        mountinfo = LOCKED_MOUNTS.replace(",size=65536k", "");
        assertFails(new TmpTmpfsCheck(), "without a size limit");
        mountinfo = LOCKED_MOUNTS.replace("- tmpfs tmpfs", "- ext4 /dev/sdb1");
        assertFails(new TmpTmpfsCheck(), "is ext4, not tmpfs");
    }

    @Test
    void anyCapabilityHeld() throws Exception {
        status.put("CapBnd", "00000000a80425fb"); // Docker's default bounding set
        assertFails(new CapabilitiesCheck(), "CapBnd=00000000a80425fb");
    }

    @Test
    void privilegesCanBeRaised() throws Exception {
        status.put("NoNewPrivs", "0");
        assertFails(new NoNewPrivsCheck(), "NoNewPrivs: 0");
    }

    @Test
    void noSeccompFilter() throws Exception {
        status.put("Seccomp", "0");
        assertFails(new SeccompCheck(), "no filter");
    }

    @Test
    void anUnlimitedCgroup() throws Exception {
        Files.writeString(cgroup.resolve("pids.max"), "max\n");
        Files.writeString(cgroup.resolve("cpu.max"), "max 100000\n");
        assertFails(new CgroupLimitsCheck(), "pids.max=max");
        assertThat(run(new CgroupLimitsCheck()).detail()).contains("cpu.max=max 100000");
    }

    @Test
    void aRuntimeSocketMounted() throws Exception {
        Files.createFile(tmp.resolve("docker.sock"));
        assertFails(new RuntimeSocketCheck(), "docker.sock");
    }

    @Test
    void hostNamespaces() throws Exception {
        Files.writeString(proc.resolve("2/comm"), "kthreadd\n");
        assertFails(new HostNamespaceCheck(), "PID (PID 2 is kthreadd)");
        Files.writeString(proc.resolve("2/comm"), "sleep\n");
        Files.createSymbolicLink(net.resolve("eth0/device"), tmp);
        assertFails(new HostNamespaceCheck(), "physical device eth0");
    }

    @Test
    void aWritableHostMountOutsideTheWorkDirectories() throws Exception {
        mountinfo = LOCKED_MOUNTS.replace("/srv/tools /opt/tools ro,relatime", "/srv/tools /opt/tools rw,relatime");
        assertFails(new WritableMountsCheck(), "/opt/tools (ext4 /dev/sda1)");
    }

    @Test
    void secretFilesInTheSandbox() throws Exception {
        Path sa = Files.createDirectories(tmp.resolve("run-secrets/kubernetes.io/serviceaccount"));
        Files.writeString(sa.resolve("token"), "eyJ...");
        assertFails(new SecretFilesCheck(), "serviceaccount/token");
        DoctorContext keeps = ctx().with(ctx().host(), Profile.K8S_SIDECAR,
                new Sandbox(true, null, null, null, null, Sandbox.UDP_TARGETS, Sandbox.IPV6_TARGETS));
        assertThat(new SecretFilesCheck().run(keeps).status()).isEqualTo(Status.PASS);
        Files.writeString(Files.createDirectories(tmp.resolve("run-secrets")).resolve("github-token"), "ghp_x");
        assertThat(new SecretFilesCheck().run(keeps).detail()).contains("github-token").doesNotContain("ghp_x");
    }

    @Test
    void mountinfoEscapesAreDecoded() throws Exception {
        mountinfo = LOCKED_MOUNTS + "607 600 8:1 /x /with\\040space rw,relatime - ext4 /dev/sda1 rw\n";
        assertFails(new WritableMountsCheck(), "/with space");
    }

    @Test
    void isolationChecksRunOnlyInSandboxProfiles() throws Exception {
        DoctorContext proxyOnly = ctx().with(ctx().host(), Profile.PROXY, Sandbox.NONE);
        List<Doctor.Outcome> outs = Doctor.run(proxyOnly);
        assertThat(outs).extracting(o -> o.check().name()).doesNotContain("non-root", "seccomp", "cluster-identity")
                .contains("proxy-reachable", "credentials");
        assertThat(Doctor.run(ctx())).extracting(o -> o.check().name()).contains("non-root", "seccomp", "dns-direct")
                .doesNotContain("cluster-identity", "apiserver-direct");
        assertThat(Doctor.run(ctx().with(ctx().host(), Profile.K8S_GATEWAY, Sandbox.NONE))).extracting(o -> o.check().name())
                .contains("cluster-identity", "apiserver-direct");
    }

    static InetSocketAddress unused() {
        return new InetSocketAddress("127.0.0.1", 9);
    }
}
