package dev.traffic.deploy;

import static dev.traffic.deploy.NetnsPair.OTHER_RESOLVER;
import static dev.traffic.deploy.NetnsPair.UPSTREAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The egress lock for real: docker/egress-lock.sh (the script the k8s init container runs) applied
 * in a network namespace, then probed by real processes under the proxy's and the sandbox's UIDs.
 * Needs root (ip netns, setpriv) and nft or iptables: CI has them (.ci/run). Where namespaces cannot
 * be made the tests are skipped with the reason, never passed.
 */
class EgressLockNetnsTest {
    static final long PROXY_UID = PodChecks.PROXY_UID;
    static final long SANDBOX_UID = 10002;
    static final int UP_PORT = 18080;
    static final int PROXY_PORT = 18181;
    static final int OTHER_LOOPBACK_PORT = 18282;
    static final int ADMIN_PORT = 18383;
    /** The cluster DNS Service address the pod's resolv.conf names (kube-dns's usual ClusterIP). */
    static final String DNS_SERVICE = "10.96.0.10";
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** World-readable scratch: the probe classes and the jar must be readable by the unprivileged UIDs. */
    static Path work;
    static Path probeClasses;

    @BeforeAll
    static void requireNamespaces() throws Exception {
        String why = NetnsPair.unavailableReason();
        assumeTrue(why == null, () -> "SKIPPED: network namespaces unavailable (" + why + "); the egress lock is not tested here");
        work = Files.createTempDirectory("traffic-netns");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        probeClasses = work.resolve("classes");
        Path pkg = probeClasses.resolve("dev/traffic/deploy");
        Files.createDirectories(pkg);
        Path compiled = Path.of(UdpDnsProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (String c : List.of("UdpDnsProbe", "Dns")) {
            Files.copy(compiled.resolve("dev/traffic/deploy/" + c + ".class"), pkg.resolve(c + ".class"));
        }
        try (var s = Files.walk(work)) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (work == null) return;
        try (var s = Files.walk(work)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static NetnsPair namespaces() throws Exception {
        try {
            return NetnsPair.create();
        } catch (IllegalStateException e) {
            assumeTrue(false, "SKIPPED: cannot create network namespaces here: " + e.getMessage());
            throw e;
        }
    }

    @ParameterizedTest(name = "backend {0}")
    @ValueSource(strings = {"nft", "iptables"})
    void onlyTheProxyUidLeavesTheNamespace(String backend) throws Exception {
        assumeTrue(NetnsPair.onPath(backend), () -> "SKIPPED: " + backend + " is not installed");
        try (NetnsPair net = namespaces();
                Proc.Background upstream = new Proc.Background(net.inUp(JAVA, "-XX:-UsePerfData", "-cp", testClasses(),
                        NetnsUpstream.class.getName(), "--dns", UPSTREAM + ":" + UP_PORT, OTHER_RESOLVER + ":" + UP_PORT));
                // stand-ins on the sandbox's loopback: the proxy's port, and a port the lock must not open
                Proc.Background loopback = new Proc.Background(net.inSbx(JAVA, "-XX:-UsePerfData", "-cp", testClasses(),
                        NetnsUpstream.class.getName(), "127.0.0.1:" + PROXY_PORT, "127.0.0.1:" + OTHER_LOOPBACK_PORT))) {
            upstream.awaitLine("READY", Duration.ofSeconds(30));
            loopback.awaitLine("READY", Duration.ofSeconds(30));
            String direct = "http://" + UPSTREAM + ":" + UP_PORT + "/direct";

            // like kube-proxy: the cluster DNS Service address is DNATed to a DNS pod in nat/output,
            // before the lock's filter sees the packet
            Proc.ok(net.inSbx("ip", "route", "add", "default", "via", UPSTREAM).toArray(String[]::new));
            dnatDnsService(net, backend);

            // controls: before the lock everything gets through, so a later failure is the lock's doing
            assertThat(curl(net, SANDBOX_UID, direct).out()).contains("says hi");
            assertThat(dnsProbe(net, SANDBOX_UID, OTHER_RESOLVER).out()).contains("ANSWER " + OTHER_RESOLVER);
            assertThat(dnsProbe(net, SANDBOX_UID, DNS_SERVICE).out()).contains("ANSWER " + UPSTREAM);

            // the default: no DNS at all for the sandbox (the proxy resolves every name itself)
            Proc.Result noDns = Proc.run(Duration.ofSeconds(30), net.inSbx("env", "PROXY_UID=" + PROXY_UID,
                    "PROXY_PORT=" + PROXY_PORT, "BACKEND=" + backend, Repo.docker().resolve("egress-lock.sh").toString()));
            assertThat(noDns.exit()).as("egress-lock.sh: %s", noDns).isZero();
            assertThat(dnsProbe(net, SANDBOX_UID, DNS_SERVICE).exit()).as("no DNS by default, not even the cluster's").isEqualTo(3);
            assertThat(dnsProbe(net, SANDBOX_UID, OTHER_RESOLVER).exit()).isEqualTo(3);
            Proc.Result half = Proc.run(Duration.ofSeconds(30), net.inSbx("env", "PROXY_UID=" + PROXY_UID,
                    "PROXY_PORT=" + PROXY_PORT, "DNS_SERVERS=" + DNS_SERVICE, "BACKEND=" + backend,
                    Repo.docker().resolve("egress-lock.sh").toString()));
            assertThat(half.exit()).as("DNS_SERVERS without ALLOW_DNS=1 is a setting error").isEqualTo(2);
            assertThat(half.err()).contains("ALLOW_DNS");

            Proc.Result lock = Proc.run(Duration.ofSeconds(30), net.inSbx("env", "PROXY_UID=" + PROXY_UID,
                    "PROXY_PORT=" + PROXY_PORT, "ALLOW_DNS=1", "DNS_SERVERS=" + DNS_SERVICE, "BACKEND=" + backend,
                    Repo.docker().resolve("egress-lock.sh").toString()));
            assertThat(lock.exit()).as("egress-lock.sh: %s", lock).isZero();

            Proc.Result blocked = curl(net, SANDBOX_UID, direct);
            assertThat(blocked.exit()).as("sandbox UID connecting directly: %s", blocked).isEqualTo(7); // couldn't connect
            assertThat(curl(net, 0, direct).exit()).as("root in the sandbox is locked in too").isEqualTo(7);
            assertThat(curl(net, PROXY_UID, direct).out()).as("the proxy UID may egress").contains("says hi");

            assertThat(curl(net, SANDBOX_UID, "http://127.0.0.1:" + PROXY_PORT + "/").out())
                    .as("loopback to the proxy port is open").contains("says hi");
            assertThat(curl(net, SANDBOX_UID, "http://127.0.0.1:" + OTHER_LOOPBACK_PORT + "/").exit())
                    .as("other loopback ports are closed").isEqualTo(7);

            assertThat(dnsProbe(net, SANDBOX_UID, DNS_SERVICE).out()).as("DNS to the allowed resolver (via its DNAT)")
                    .contains("ANSWER " + UPSTREAM);
            Proc.Result otherDns = dnsProbe(net, SANDBOX_UID, OTHER_RESOLVER);
            assertThat(otherDns.exit()).as("DNS to any other resolver is rejected: %s", otherDns).isEqualTo(3);
            assertThat(dnsProbe(net, SANDBOX_UID, UPSTREAM).exit()).as("the DNS pod itself, bypassing the Service").isEqualTo(3);

            // re-applying replaces the rules rather than stacking them
            assertThat(Proc.run(Duration.ofSeconds(30), net.inSbx("env", "PROXY_UID=" + PROXY_UID,
                    "PROXY_PORT=" + PROXY_PORT, "ALLOW_DNS=1", "DNS_SERVERS=" + DNS_SERVICE, "BACKEND=" + backend,
                    Repo.docker().resolve("egress-lock.sh").toString())).exit()).isZero();
            assertThat(curl(net, SANDBOX_UID, direct).exit()).isEqualTo(7);
            assertThat(curl(net, PROXY_UID, direct).out()).contains("says hi");
        }
    }

    /**
     * The same lock, with the real {@code traffic proxy} (the shaded jar) running under the proxy UID
     * inside the locked namespace: the sandbox's request through it succeeds and lands in the store.
     */
    @org.junit.jupiter.api.Test
    void throughTheRealProxySucceedsAndIsRecorded() throws Exception {
        Path built = Repo.root().resolve("cli/target/traffic.jar");
        assumeTrue(Files.isRegularFile(built),
                () -> "SKIPPED: " + built + " is not built (mvn -pl deploy-tests -am verify builds it first)");
        String backend = NetnsPair.onPath("nft") ? "nft" : "iptables";
        assumeTrue(NetnsPair.onPath(backend), "SKIPPED: neither nft nor iptables is installed");
        Path jar = Files.copy(built, work.resolve("traffic.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        Path data = Files.createDirectories(work.resolve("data"));
        Files.createDirectories(data.resolve("tmp"));
        Proc.ok("chown", "-R", PROXY_UID + ":" + PROXY_UID, data.toString());
        try (NetnsPair net = namespaces();
                Proc.Background upstream = new Proc.Background(net.inUp(JAVA, "-XX:-UsePerfData", "-cp", testClasses(),
                        NetnsUpstream.class.getName(), "--dns", UPSTREAM + ":" + UP_PORT))) {
            upstream.awaitLine("READY", Duration.ofSeconds(30));
            Proc.Result lock = Proc.run(Duration.ofSeconds(30), net.inSbx("env", "PROXY_UID=" + PROXY_UID,
                    "PROXY_PORT=" + PROXY_PORT, "BACKEND=" + backend,
                    Repo.docker().resolve("egress-lock.sh").toString()));
            assertThat(lock.exit()).as("egress-lock.sh: %s", lock).isZero();

            String url = "http://" + UPSTREAM + ":" + UP_PORT + "/through-the-proxy";
            Proc.Background proxy = new Proc.Background(net.asUid(PROXY_UID, List.of(JAVA, "-XX:-UsePerfData", "-Xmx256m",
                    "-Djava.io.tmpdir=" + data.resolve("tmp"), "-Duser.home=" + data, "-jar", jar.toString(), "proxy",
                    "--listen", "127.0.0.1:" + PROXY_PORT, "--admin", "127.0.0.1:" + ADMIN_PORT, "--data-dir", data.toString())));
            try {
                proxy.awaitLine("traffic admin listening", Duration.ofSeconds(60));

                assertThat(curl(net, SANDBOX_UID, url).exit()).as("still no direct way out").isEqualTo(7);
                Proc.Result via = curl(net, SANDBOX_UID, url, "-x", "http://127.0.0.1:" + PROXY_PORT);
                assertThat(via.exit()).as("curl through the proxy: %s\nproxy output:\n%s", via, proxy.output()).isZero();
                assertThat(via.out()).contains("upstream " + UPSTREAM + ":" + UP_PORT + " says hi").endsWith("\n200");

                Proc.Result metrics = curl(net, PROXY_UID, "http://127.0.0.1:" + ADMIN_PORT + "/metrics");
                assertThat(metrics.out()).contains("traffic_flows_total{outcome=\"ok\"} 1.0");
            } finally {
                proxy.close(); // SIGTERM: graceful stop flushes the store
            }
            assertThat(proxy.process.exitValue()).as("proxy output:\n%s", proxy.output()).isZero();
        }
        Proc.Result found = Proc.run(Duration.ofSeconds(60), JAVA, "-jar", jar.toString(), "search",
                "--data-dir", data.toString(), "-o", "json");
        assertThat(found.exit()).as("%s", found).isZero();
        assertThat(found.out()).as("the flow is in the store").contains("/through-the-proxy").contains(UPSTREAM);
    }

    /** A nat/output DNAT of DNS_SERVICE:53 to the resolver at UPSTREAM:53, as kube-proxy installs for kube-dns. */
    private static void dnatDnsService(NetnsPair net, String backend) throws Exception {
        if (backend.equals("nft")) {
            Proc.ok(net.inSbx("nft", "add", "table", "ip", "kubeproxy").toArray(String[]::new));
            Proc.ok(net.inSbx("nft", "add", "chain", "ip", "kubeproxy", "out",
                    "{ type nat hook output priority -100 ; }").toArray(String[]::new));
            Proc.ok(net.inSbx("nft", "add", "rule", "ip", "kubeproxy", "out", "ip", "daddr", DNS_SERVICE, "udp", "dport", "53",
                    "dnat", "to", UPSTREAM + ":53").toArray(String[]::new));
        } else {
            Proc.ok(net.inSbx("iptables", "-w", "-t", "nat", "-A", "OUTPUT", "-d", DNS_SERVICE, "-p", "udp", "--dport", "53",
                    "-j", "DNAT", "--to-destination", UPSTREAM + ":53").toArray(String[]::new));
        }
    }

    static String testClasses() {
        try {
            return Path.of(NetnsUpstream.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** curl as {@code uid} in the sandbox namespace, bypassing any proxy env; stdout ends with the status code. */
    static Proc.Result curl(NetnsPair net, long uid, String url, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}"));
        if (extra.length == 0) cmd.addAll(List.of("--noproxy", "*"));
        cmd.addAll(List.of(extra));
        cmd.add(url);
        return Proc.run(Duration.ofSeconds(30), net.asUid(uid, cmd));
    }

    static Proc.Result dnsProbe(NetnsPair net, long uid, String server) throws Exception {
        return Proc.run(Duration.ofSeconds(30), net.asUid(uid, List.of(JAVA, "-XX:-UsePerfData", "-Xshare:auto",
                "-cp", probeClasses.toString(), UdpDnsProbe.class.getName(), server)));
    }
}
