package dev.traffic.cli.doctor;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything the checks look at, injected so tests can build pass and fail cases on loopback:
 * the environment variables, the home directory, the system CA bundles, the expected CA (or why it
 * could not be read), the URL fetched through the proxy, and the addresses that must be unreachable.
 */
public record DoctorContext(
        Map<String, String> env,
        Path home,
        List<Path> systemBundles,
        X509Certificate expectedCa,
        String expectedCaProblem,
        URI probeUrl,
        List<InetSocketAddress> directTargets,
        List<InetSocketAddress> metadataTargets,
        Duration timeout,
        HostView host,
        Profile profile,
        Sandbox sandbox) {

    /** The proxy-only context (what doctor checked before profiles): the real machine, profile {@code proxy}. */
    public DoctorContext(Map<String, String> env, Path home, List<Path> systemBundles, X509Certificate expectedCa,
            String expectedCaProblem, URI probeUrl, List<InetSocketAddress> directTargets,
            List<InetSocketAddress> metadataTargets, Duration timeout) {
        this(env, home, systemBundles, expectedCa, expectedCaProblem, probeUrl, directTargets, metadataTargets, timeout,
                HostView.system(), Profile.PROXY, Sandbox.NONE);
    }

    /** The same context with another host view, profile and sandbox expectations (tests, the command). */
    public DoctorContext with(HostView h, Profile p, Sandbox s) {
        return new DoctorContext(env, home, systemBundles, expectedCa, expectedCaProblem, probeUrl, directTargets,
                metadataTargets, timeout, h, p, s);
    }

    /** Standard locations of the system CA bundle (Debian/Ubuntu, RHEL/Fedora, Alpine/macOS). */
    public static final List<Path> SYSTEM_BUNDLES = List.of(Path.of("/etc/ssl/certs/ca-certificates.crt"),
            Path.of("/etc/pki/tls/certs/ca-bundle.crt"), Path.of("/etc/ssl/cert.pem"));

    /** Cloud metadata endpoints (AWS/GCP/Azure IPv4, AWS IPv6). */
    public static final List<InetSocketAddress> METADATA = List.of(
            InetSocketAddress.createUnresolved("169.254.169.254", 80), InetSocketAddress.createUnresolved("fd00:ec2::254", 80));

    /** An environment variable by exact name, else its lower-case spelling (curl reads only http_proxy). */
    public String envEither(String upper) {
        String v = env.get(upper);
        if (v == null || v.isBlank()) v = env.get(upper.toLowerCase(Locale.ROOT));
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** The proxy from HTTPS_PROXY (or https_proxy), or null when unset or unparsable. */
    public ProxyAddress httpsProxy() {
        return ProxyAddress.parse(envEither("HTTPS_PROXY"));
    }
}
