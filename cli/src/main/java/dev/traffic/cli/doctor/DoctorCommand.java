package dev.traffic.cli.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.traffic.cli.UsageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traffic doctor}: run inside a sandbox, checks that its egress really goes through the
 * proxy and is trusted, printing one PASS/FAIL/SKIP line per check with a fix for each failure.
 * Exit 0 only when no check fails. {@code --json} prints one JSON object instead.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check, from inside a sandbox, that its traffic goes through the proxy and is trusted.")
public final class DoctorCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object instead of lines.")
    boolean json;

    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "The proxy's CA certificate (ca.pem). Default: $TRAFFIC_CA_CERT, else /etc/traffic/ca.crt.")
    Path caCert;

    @Option(names = "--probe-url", paramLabel = "URL", defaultValue = "https://example.com/",
            description = "HTTPS URL fetched through the proxy (default: ${DEFAULT-VALUE}).")
    URI probeUrl;

    @Option(names = "--direct-target", paramLabel = "HOST:PORT",
            description = "Address that must NOT be reachable directly (repeatable). Default: the probe URL's host and port, and 1.1.1.1:443.")
    List<String> directTargets = new ArrayList<>();

    @Option(names = "--metadata-target", paramLabel = "HOST:PORT", hidden = true,
            description = "Cloud metadata address to probe (repeatable; default 169.254.169.254:80 and [fd00:ec2::254]:80).")
    List<String> metadataTargets = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3",
            description = "Connect timeout per probe (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--profile", paramLabel = "PROFILE", defaultValue = "proxy",
            description = "Which invariants to check: proxy (traffic goes through the proxy and is trusted), docker, k8s-sidecar or"
                    + " k8s-gateway (adds isolation, secrets, egress and cluster checks for that topology). Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--list", description = "Print every check, the profiles it runs in and what it proves, then exit.")
    boolean list;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "A directory the sandbox may write (repeatable; default: /tmp /work /workspace /home /dev/shm /run /var/tmp).")
    List<String> workDirs = new ArrayList<>();

    @Option(names = "--keeps-service-account",
            description = "The sandbox keeps a (read-only) Kubernetes service-account token: allow it in secret-files, check its rights.")
    boolean keepsServiceAccount;

    @Option(names = "--expect-refused", paramLabel = "'METHOD URL'",
            description = "A request the proxy's rules must refuse (e.g. 'DELETE https://api.github.com/repos/o/r/git/refs/heads/x').")
    String expectRefused;

    @Option(names = "--canary", paramLabel = "VALUE", description = "A canary value from the proxy's policy (sent to --canary-sink, must be blocked).")
    String canary;

    @Option(names = "--canary-sink", paramLabel = "URL", description = "Where to send the canary (a sink host of the policy).")
    URI canarySink;

    @Option(names = "--udp-target", paramLabel = "HOST:PORT", hidden = true,
            description = "QUIC server to probe for UDP egress (repeatable; default 1.1.1.1:443).")
    List<String> udpTargets = new ArrayList<>();

    @Option(names = "--ipv6-target", paramLabel = "HOST:PORT", hidden = true,
            description = "IPv6 address that must not be reachable directly (repeatable; default [2606:4700:4700::1111]:443).")
    List<String> ipv6Targets = new ArrayList<>();

    /** The kernel's view (proc, cgroups, mounts); tests point it at fixtures. */
    HostView host = HostView.system();

    /** The sandbox's environment and home; tests replace them to drive pass and fail cases. */
    Map<String, String> env = System.getenv();
    Path home = Path.of(System.getProperty("user.home"));
    List<Path> systemBundles = DoctorContext.SYSTEM_BUNDLES;

    @Override
    public Integer call() {
        Profile prof;
        try {
            prof = Profile.parse(profile);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--profile: " + e.getMessage());
        }
        if (list) {
            printList(spec.commandLine().getOut());
            return 0;
        }
        if (!"https".equals(probeUrl.getScheme()) || probeUrl.getHost() == null) {
            throw new UsageException("--probe-url must be an https:// URL, got '" + probeUrl + "'");
        }
        if (timeoutSeconds <= 0) throw new UsageException("--timeout must be positive, got " + timeoutSeconds);
        Path ca = caCert != null ? caCert
                : env.get("TRAFFIC_CA_CERT") != null ? Path.of(env.get("TRAFFIC_CA_CERT")) : Path.of("/etc/traffic/ca.crt");
        X509Certificate expected = null;
        String caProblem = null;
        try {
            if (!Files.isRegularFile(ca)) {
                caProblem = ca + " does not exist";
            } else {
                List<X509Certificate> certs = PemBundles.read(ca);
                if (certs.isEmpty()) caProblem = ca + " holds no certificate";
                else expected = certs.get(0);
            }
        } catch (IOException e) {
            caProblem = e.getMessage();
        }
        List<InetSocketAddress> direct = parseAll("--direct-target", directTargets);
        if (direct.isEmpty()) {
            int port = probeUrl.getPort() > 0 ? probeUrl.getPort() : 443;
            direct = List.of(InetSocketAddress.createUnresolved(probeUrl.getHost(), port),
                    InetSocketAddress.createUnresolved("1.1.1.1", 443));
        }
        List<InetSocketAddress> metadata = parseAll("--metadata-target", metadataTargets);
        if (metadata.isEmpty()) metadata = DoctorContext.METADATA;
        String refusedMethod = null;
        URI refusedUrl = null;
        if (expectRefused != null) {
            String[] mu = expectRefused.trim().split("\\s+", 2);
            if (mu.length != 2 || !mu[0].matches("[A-Za-z]+")) {
                throw new UsageException("--expect-refused: expected 'METHOD URL', got '" + expectRefused + "'");
            }
            refusedMethod = mu[0].toUpperCase(Locale.ROOT);
            try {
                refusedUrl = new URI(mu[1]);
            } catch (java.net.URISyntaxException e) {
                throw new UsageException("--expect-refused: bad URL '" + mu[1] + "': " + e.getMessage());
            }
        }
        if ((canary == null) != (canarySink == null)) throw new UsageException("--canary and --canary-sink go together");
        List<InetSocketAddress> udp = parseAll("--udp-target", udpTargets);
        List<InetSocketAddress> v6 = parseAll("--ipv6-target", ipv6Targets);
        Sandbox sandbox = new Sandbox(keepsServiceAccount, refusedMethod, refusedUrl, canary, canarySink,
                udp.isEmpty() ? Sandbox.UDP_TARGETS : udp, v6.isEmpty() ? Sandbox.IPV6_TARGETS : v6);
        HostView view = workDirs.isEmpty() ? host : host.withWorkDirs(List.copyOf(workDirs));
        DoctorContext ctx = new DoctorContext(env, home, systemBundles, expected, caProblem, probeUrl, direct, metadata,
                Duration.ofSeconds(timeoutSeconds)).with(view, prof, sandbox);
        List<Doctor.Outcome> outcomes = Doctor.run(ctx);
        PrintWriter out = spec.commandLine().getOut();
        if (json) out.println(toJson(outcomes));
        else printLines(out, outcomes);
        out.flush();
        return Doctor.allPass(outcomes) ? 0 : 1;
    }

    private static List<InetSocketAddress> parseAll(String option, List<String> values) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String v : values) {
            int colon = v.lastIndexOf(':');
            if (colon <= 0) throw new UsageException(option + ": expected HOST:PORT, got '" + v + "'");
            String host = v.substring(0, colon).replaceAll("^\\[|\\]$", "");
            try {
                out.add(InetSocketAddress.createUnresolved(host, Integer.parseInt(v.substring(colon + 1))));
            } catch (IllegalArgumentException e) {
                throw new UsageException(option + ": bad port in '" + v + "'");
            }
        }
        return out;
    }

    private static void printList(PrintWriter out) {
        int width = Doctor.CHECKS.stream().mapToInt(c -> c.name().length()).max().orElse(10);
        for (DoctorCheck c : Doctor.CHECKS) {
            String profiles = c.profiles().equals(Profile.ALL) ? "all profiles"
                    : String.join(",", c.profiles().stream().map(Profile::label).sorted().toList());
            out.printf("%-" + width + "s  [%s]  %s%n", c.name(), profiles, c.proves());
        }
        out.flush();
    }

    private static void printLines(PrintWriter out, List<Doctor.Outcome> outcomes) {
        int width = outcomes.stream().mapToInt(o -> o.check().name().length()).max().orElse(10);
        int[] counts = new int[3];
        for (Doctor.Outcome o : outcomes) {
            CheckResult r = o.result();
            counts[r.status().ordinal()]++;
            out.printf("%-4s  %-" + width + "s  %s%n", r.status(), o.check().name(), r.detail());
            if (r.fix() != null) out.printf("%-4s  %-" + width + "s  fix: %s%n", "", "", r.fix());
        }
        out.printf("doctor: %d passed, %d failed, %d skipped%n", counts[0], counts[1], counts[2]);
    }

    private static String toJson(List<Doctor.Outcome> outcomes) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("ok", Doctor.allPass(outcomes));
        ArrayNode checks = root.putArray("checks");
        for (Doctor.Outcome o : outcomes) {
            ObjectNode c = checks.addObject();
            c.put("name", o.check().name());
            c.put("description", o.check().description());
            c.put("status", o.result().status().name().toLowerCase(Locale.ROOT));
            c.put("detail", o.result().detail());
            if (o.result().fix() != null) c.put("fix", o.result().fix());
        }
        return root.toString();
    }
}
