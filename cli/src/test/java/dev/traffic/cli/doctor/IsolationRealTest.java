package dev.traffic.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.traffic.cli.doctor.CheckResult.Status;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The isolation checks on real restricted processes and mounts, where this machine allows: a JVM
 * started under {@code setpriv} as another UID with every capability dropped and no_new_privs set,
 * and a real size-limited, noexec tmpfs. Needs root (for setpriv's UID change and mount); skips with
 * the reason otherwise.
 */
class IsolationRealTest {
    @TempDir Path tmp;

    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }

    /** The test and main classes copied where an unprivileged UID can read them (~/.m2 and the worktree may not be). */
    private Path readableClasses() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cp"));
        for (Class<?> c : List.of(NonRootCheck.class, RunChecks.class)) {
            Path from = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (Stream<Path> all = Files.walk(from)) {
                for (Path p : all.toList()) {
                    Path to = dir.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) Files.createDirectories(to);
                    else if (!Files.exists(to)) Files.copy(p, to);
                }
            }
        }
        try (Stream<Path> all = Files.walk(tmp)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return dir;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void aProcessUnderSetprivPassesAndRootFails() throws Exception {
        assumeTrue(root(), "SKIPPED: needs root to start a process as another UID with setpriv");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "SKIPPED: setpriv (util-linux) is not installed");
        Path cp = readableClasses();
        List<String> checks = List.of("non-root", "capabilities", "no-new-privs");
        List<String> locked = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--no-new-privs",
                "--inh-caps=-all", "--bounding-set=-all", java(), "-cp", cp.toString(), RunChecks.class.getName()));
        locked.addAll(checks);
        String out = run(locked);
        assertThat(out).contains("non-root PASS uid 65534, gid 65534").contains("capabilities PASS")
                .contains("no-new-privs PASS NoNewPrivs: 1");
        List<String> asRoot = new ArrayList<>(List.of(java(), "-cp", cp.toString(), RunChecks.class.getName()));
        asRoot.addAll(checks);
        String rootOut = run(asRoot);
        assertThat(rootOut).contains("non-root FAIL effective uid 0").contains("capabilities FAIL");
    }

    private static boolean mount(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mount"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private CheckResult tmpCheck(Path dir) {
        HostView real = HostView.system();
        HostView view = new HostView(real.procSelf(), real.proc(), real.cgroupRoot(), real.sysClassNet(), dir, real.runtimeSockets(),
                real.secretDirs(), real.workDirs(), real.resolvConf(), real.dnsPort(), real.serviceAccountDir());
        DoctorContext ctx = new DoctorContext(Map.of(), tmp, List.of(), null, "none", URI.create("https://127.0.0.1:1/"), List.of(),
                List.of(), Duration.ofSeconds(1)).with(view, Profile.DOCKER, Sandbox.NONE);
        return new TmpTmpfsCheck().run(ctx);
    }

    @Test
    void aRealSizeLimitedTmpfsPassesAndAPlainDirectoryFails() throws Exception {
        assumeTrue(root(), "SKIPPED: needs root to mount a tmpfs");
        Path limited = Files.createDirectories(tmp.resolve("limited"));
        Path unlimited = Files.createDirectories(tmp.resolve("unlimited"));
        assumeTrue(mount("-t", "tmpfs", "-o", "size=1m,noexec,nosuid,nodev", "tmpfs", limited.toString()),
                "SKIPPED: cannot mount a tmpfs here");
        try {
            CheckResult ok = tmpCheck(limited);
            assertThat(ok.status()).as(ok.detail()).isEqualTo(Status.PASS);
            assertThat(ok.detail()).contains("size=1024k").contains("noexec");
            assertThat(mount("-t", "tmpfs", "tmpfs", unlimited.toString())).isTrue();
            CheckResult noSize = tmpCheck(unlimited);
            assertThat(noSize.status()).as(noSize.detail()).isEqualTo(Status.FAIL);
            Path plain = Files.createDirectories(tmp.resolve("plain"));
            assertThat(tmpCheck(plain).status()).isEqualTo(Status.FAIL);
        } finally {
            new ProcessBuilder("umount", limited.toString()).start().waitFor(30, TimeUnit.SECONDS);
            new ProcessBuilder("umount", unlimited.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void thisJvmsOwnStatusIsRead() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "SKIPPED: no /proc here");
        assertThat(HostView.system().status()).containsKeys("Uid", "CapEff", "NoNewPrivs", "Seccomp");
        assertThat(HostView.system().mountAt("/")).isNotNull();
    }
}
