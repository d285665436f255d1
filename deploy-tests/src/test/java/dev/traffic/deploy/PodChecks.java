package dev.traffic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.cli.Main;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;

/** Invariants shared by every pod the manifests define; each method names the container it failed on. */
final class PodChecks {
    static final long PROXY_UID = 10001; // docker/Dockerfile's USER, asserted there
    static final List<String> CA_ENV = List.of("SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE", "GIT_SSL_CAINFO");

    private PodChecks() {}

    static Stream<Container> containers(PodSpec pod) {
        return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream());
    }

    static Container container(PodSpec pod, String name) {
        return containers(pod).filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    static Map<String, String> env(Container c) {
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue()));
    }

    /** runAsNonRoot, no privilege escalation, read-only root, all capabilities dropped, seccomp RuntimeDefault. */
    static void hardened(PodSpec pod, Container c, List<String> allowedCaps) {
        SecurityContext sc = c.getSecurityContext();
        assertThat(sc).as("%s has a securityContext", c.getName()).isNotNull();
        assertThat(sc.getAllowPrivilegeEscalation()).as("%s allowPrivilegeEscalation", c.getName()).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).as("%s readOnlyRootFilesystem", c.getName()).isTrue();
        assertThat(sc.getCapabilities().getDrop()).as("%s drops ALL", c.getName()).containsExactly("ALL");
        assertThat(Optional.ofNullable(sc.getCapabilities().getAdd()).orElse(List.of()))
                .as("%s added capabilities", c.getName()).containsExactlyInAnyOrderElementsOf(allowedCaps);
        String seccomp = sc.getSeccompProfile() != null ? sc.getSeccompProfile().getType()
                : pod.getSecurityContext().getSeccompProfile().getType();
        assertThat(seccomp).as("%s seccomp", c.getName()).isEqualTo("RuntimeDefault");
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        if (allowedCaps.isEmpty()) {
            Boolean nonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : pod.getSecurityContext().getRunAsNonRoot();
            assertThat(nonRoot).as("%s runAsNonRoot", c.getName()).isTrue();
            assertThat(uid(pod, c)).as("%s UID", c.getName()).isPositive();
        }
    }

    static long uid(PodSpec pod, Container c) {
        Long u = c.getSecurityContext() != null && c.getSecurityContext().getRunAsUser() != null
                ? c.getSecurityContext().getRunAsUser() : pod.getSecurityContext().getRunAsUser();
        assertThat(u).as("%s has an explicit runAsUser", c.getName()).isNotNull();
        return u;
    }

    static void hasRequestsAndLimits(Container c) {
        for (String r : List.of("cpu", "memory")) {
            assertThat(c.getResources().getRequests()).as("%s requests %s", c.getName(), r).containsKey(r);
            assertThat(c.getResources().getLimits()).as("%s limits %s", c.getName(), r).containsKey(r);
        }
    }

    /** The traffic container: its args are a valid `traffic proxy` command line; probes hit its admin port. */
    static CommandLine.ParseResult trafficArgs(Container c) {
        List<String> argv = c.getCommand().isEmpty() ? c.getArgs() : c.getCommand();
        assertThat(argv).as("%s runs the image's ENTRYPOINT (traffic) with args", c.getName()).isNotEmpty();
        assertThat(c.getCommand()).as("%s keeps ENTRYPOINT [traffic]", c.getName()).isEmpty();
        CommandLine.ParseResult r = Main.commandLine().parseArgs(argv.toArray(String[]::new));
        assertThat(r.subcommand().commandSpec().name()).isEqualTo("proxy");
        return r.subcommand();
    }

    static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    static void probesOnAdminPort(Container c, int adminPort) {
        assertThat(c.getReadinessProbe()).as("%s readiness probe", c.getName()).isNotNull();
        assertThat(c.getLivenessProbe()).as("%s liveness probe", c.getName()).isNotNull();
        assertProbe(c, c.getReadinessProbe(), "/readyz", adminPort);
        assertProbe(c, c.getLivenessProbe(), "/healthz", adminPort);
        if (c.getStartupProbe() != null) assertProbe(c, c.getStartupProbe(), "/readyz", adminPort);
    }

    private static void assertProbe(Container c, Probe p, String path, int adminPort) {
        assertThat(p.getHttpGet().getPath()).isEqualTo(path);
        var port = p.getHttpGet().getPort();
        int resolved = port.getIntVal() != null ? port.getIntVal()
                : c.getPorts().stream().filter(cp -> port.getStrVal().equals(cp.getName())).findFirst()
                        .orElseThrow(() -> new AssertionError(c.getName() + ": no port named " + port.getStrVal()))
                        .getContainerPort();
        assertThat(resolved).as("%s probe %s port", c.getName(), path).isEqualTo(adminPort);
    }

    static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    static VolumeMount mountAt(Container c, String path) {
        return c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " mounts nothing at " + path));
    }

    /** The sandbox trusts the CA through every tool's variable, all pointing at the ConfigMap's ca.crt. */
    static void caWired(PodSpec pod, Container sandbox) {
        Map<String, String> env = env(sandbox);
        String file = env.get("SSL_CERT_FILE");
        for (String v : CA_ENV) assertThat(env).as("%s sets %s", sandbox.getName(), v).containsEntry(v, file);
        VolumeMount m = mountAt(sandbox, file);
        assertThat(m.getSubPath()).isEqualTo("ca.crt");
        assertThat(m.getReadOnly()).isTrue();
        Volume v = volume(pod, m.getName());
        assertThat(v.getConfigMap()).as("the CA certificate comes from a ConfigMap").isNotNull();
        assertThat(v.getConfigMap().getName()).isEqualTo("traffic-ca-cert");
        // the sandbox never sees the CA key
        assertThat(sandbox.getVolumeMounts()).noneMatch(vm -> volume(pod, vm.getName()).getSecret() != null);
    }

    /** HTTP(S)_PROXY in both spellings point at the proxy; NO_PROXY exempts loopback only. */
    static void proxyEnv(Container sandbox, String proxyUrl) {
        Map<String, String> env = env(sandbox);
        for (String v : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")) {
            assertThat(env).as("%s sets %s", sandbox.getName(), v).containsEntry(v, proxyUrl);
        }
        for (String v : List.of("NO_PROXY", "no_proxy")) {
            assertThat(env.get(v)).as("%s %s", sandbox.getName(), v).isNotNull();
            assertThat(env.get(v).split(",")).as("%s exempts only loopback", v)
                    .allMatch(h -> List.of("localhost", "127.0.0.1", "::1").contains(h.strip()));
        }
    }

    /** The CA key comes from the Secret, read-only, at the --ca-dir the proxy was given. */
    static void caKeyFromSecret(PodSpec pod, Container traffic, CommandLine.ParseResult proxyArgs) {
        String caDir = proxyArgs.matchedOptionValue("--ca-dir", (Object) null).toString();
        VolumeMount m = mountAt(traffic, caDir);
        assertThat(m.getReadOnly()).isTrue();
        assertThat(volume(pod, m.getName()).getSecret().getSecretName()).isEqualTo("traffic-ca");
    }

    /** Writes go only to /data (the PVC) and /tmp; every other mount is read-only. */
    static void writesOnlyDataAndTmp(PodSpec pod, Container traffic, String pvc) {
        for (VolumeMount m : traffic.getVolumeMounts()) {
            if (m.getMountPath().equals("/data")) {
                assertThat(volume(pod, m.getName()).getPersistentVolumeClaim().getClaimName()).isEqualTo(pvc);
            } else if (!m.getMountPath().equals("/tmp")) {
                assertThat(m.getReadOnly()).as("%s mount %s read-only", traffic.getName(), m.getMountPath()).isTrue();
            }
        }
        mountAt(traffic, "/data");
        mountAt(traffic, "/tmp");
    }

    /**
     * The credential broker's secrets: the Secret traffic-credentials is mounted read-only into
     * {@code traffic} only; no other container of any pod mounts it or takes an env value from any Secret.
     */
    static void credentialsOnlyInTraffic(List<PodSpec> pods, Container traffic, PodSpec trafficPod) {
        VolumeMount m = mountAt(traffic, "/run/secrets/traffic");
        assertThat(m.getReadOnly()).isTrue();
        assertThat(volume(trafficPod, m.getName()).getSecret().getSecretName()).isEqualTo("traffic-credentials");
        for (PodSpec pod : pods) {
            for (Container c : containers(pod).toList()) {
                if (c == traffic) continue;
                for (VolumeMount vm : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
                    var v = volume(pod, vm.getName());
                    assertThat(v.getSecret() == null ? null : v.getSecret().getSecretName())
                            .as("%s mounts %s", c.getName(), vm.getMountPath()).isNotEqualTo("traffic-credentials");
                }
                for (var e : c.getEnv() == null ? List.<io.fabric8.kubernetes.api.model.EnvVar>of() : c.getEnv()) {
                    assertThat(e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null)
                            .as("%s env %s from a Secret", c.getName(), e.getName()).isTrue();
                }
            }
        }
    }
}
