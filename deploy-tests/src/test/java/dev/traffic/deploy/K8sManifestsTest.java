package dev.traffic.deploy;

import static dev.traffic.deploy.PodChecks.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** docker/k8s: every manifest parses into typed objects, and both topologies keep their invariants. */
class K8sManifestsTest {
    static final Path K8S = Repo.docker().resolve("k8s");

    @Test
    void everyYamlFileUnderK8sParsesIntoTypedObjects() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(K8S)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml")).toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(5);
        for (Path f : files) assertThat(Manifests.parseFile(f)).as(f.toString()).isNotEmpty();
    }

    @Test
    void aTypoInAManifestFailsTheTypedParse() throws IOException {
        // the check above must be able to fail: an unknown field and a misspelt one are both caught
        String good = Files.readString(K8S.resolve("base/pvc.yaml"));
        Path dir = Files.createTempDirectory("k8s-typo");
        try {
            Path bad = Files.writeString(dir.resolve("pvc.yaml"), good.replace("accessModes:", "accesModes:"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Manifests.parseFile(bad))
                    .hasMessageContaining("unknown field");
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void sidecarTopologyLocksEgressToTheProxyUid() throws IOException {
        List<HasMetadata> objs = Manifests.render(K8S.resolve("overlays/sidecar"));
        PersistentVolumeClaim pvc = Manifests.one(objs, PersistentVolumeClaim.class, "traffic-data");
        PodSpec pod = Manifests.one(objs, Deployment.class, "sandbox").getSpec().getTemplate().getSpec();

        Container traffic = container(pod, "traffic");
        CommandLine.ParseResult args = trafficArgs(traffic);
        String listen = args.matchedOptionValue("--listen", "");
        assertThat(listen).as("the sandbox reaches the sidecar over the pod's loopback").startsWith("127.0.0.1:");
        int adminPort = port(args.matchedOptionValue("--admin", ""));
        assertThat(traffic.getRestartPolicy()).as("native sidecar: starts before the sandbox").isEqualTo("Always");
        assertThat(pod.getInitContainers().indexOf(traffic)).as("the lock is applied before the proxy starts")
                .isGreaterThan(pod.getInitContainers().indexOf(container(pod, "egress-lock")));
        probesOnAdminPort(traffic, adminPort);
        hardened(pod, traffic, List.of());
        assertThat(uid(pod, traffic)).isEqualTo(PROXY_UID);
        caKeyFromSecret(pod, traffic, args);
        writesOnlyDataAndTmp(pod, traffic, pvc.getMetadata().getName());

        Container lock = container(pod, "egress-lock");
        assertThat(lock.getCommand()).containsExactly("egress-lock");
        assertThat(uid(pod, lock)).as("nft needs root in the pod's netns").isZero();
        hardened(pod, lock, List.of("NET_ADMIN"));
        assertThat(env(lock)).containsEntry("PROXY_UID", Long.toString(PROXY_UID))
                .containsEntry("PROXY_PORT", Integer.toString(port(listen)));

        Container sandbox = container(pod, "sandbox");
        hardened(pod, sandbox, List.of());
        assertThat(uid(pod, sandbox)).as("the sandbox must not share the proxy's UID, or the lock lets it out")
                .isNotEqualTo(PROXY_UID);
        proxyEnv(sandbox, "http://" + listen);
        caWired(pod, sandbox);
        credentialsOnlyInTraffic(List.of(pod), traffic, pod);
        assertThat(env(sandbox)).as("the sandbox holds placeholders").containsEntry("GITHUB_TOKEN", "traffic-placeholder-github");
        containers(pod).forEach(PodChecks::hasRequestsAndLimits);
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    }

    @Test
    void gatewayTopologyAllowsSandboxesOnlyTheGatewayAndDns() throws IOException {
        List<HasMetadata> objs = Manifests.render(K8S.resolve("overlays/gateway"));
        PersistentVolumeClaim pvc = Manifests.one(objs, PersistentVolumeClaim.class, "traffic-data");
        Deployment gw = Manifests.one(objs, Deployment.class, "traffic");
        PodSpec gwPod = gw.getSpec().getTemplate().getSpec();
        Map<String, String> gwLabels = gw.getSpec().getTemplate().getMetadata().getLabels();

        Container traffic = container(gwPod, "traffic");
        CommandLine.ParseResult args = trafficArgs(traffic);
        int proxyPort = port(args.matchedOptionValue("--listen", ""));
        probesOnAdminPort(traffic, port(args.matchedOptionValue("--admin", "")));
        hardened(gwPod, traffic, List.of());
        hasRequestsAndLimits(traffic);
        caKeyFromSecret(gwPod, traffic, args);
        writesOnlyDataAndTmp(gwPod, traffic, pvc.getMetadata().getName());
        assertThat(gw.getSpec().getReplicas()).as("one writer of the store").isEqualTo(1);

        Service svc = Manifests.one(objs, Service.class, "traffic");
        assertThat(matches(svc.getSpec().getSelector(), gwLabels)).as("Service selects the gateway pods").isTrue();
        assertThat(svc.getSpec().getPorts()).hasSize(1);
        String target = svc.getSpec().getPorts().get(0).getTargetPort().getStrVal();
        assertThat(traffic.getPorts()).anyMatch(p -> p.getName().equals(target) && p.getContainerPort() == proxyPort);
        int svcPort = svc.getSpec().getPorts().get(0).getPort();

        Deployment sb = Manifests.one(objs, Deployment.class, "sandbox");
        PodSpec sbPod = sb.getSpec().getTemplate().getSpec();
        Map<String, String> sbLabels = sb.getSpec().getTemplate().getMetadata().getLabels();
        Container sandbox = container(sbPod, "sandbox");
        hardened(sbPod, sandbox, List.of());
        hasRequestsAndLimits(sandbox);
        proxyEnv(sandbox, "http://" + svc.getMetadata().getName() + ":" + svcPort);
        caWired(sbPod, sandbox);
        credentialsOnlyInTraffic(List.of(gwPod, sbPod), traffic, gwPod);
        assertThat(env(sandbox)).as("the sandbox holds placeholders").containsEntry("GITHUB_TOKEN", "traffic-placeholder-github");

        NetworkPolicy np = Manifests.one(objs, NetworkPolicy.class, "sandbox-egress-via-traffic");
        assertThat(selects(np.getSpec().getPodSelector(), sbLabels)).as("policy selects the sandbox pods").isTrue();
        assertThat(selects(np.getSpec().getPodSelector(), gwLabels)).as("policy leaves the gateway's egress open").isFalse();
        assertThat(np.getSpec().getPolicyTypes()).contains("Egress");
        List<NetworkPolicyEgressRule> rules = np.getSpec().getEgress();
        assertThat(rules).hasSize(2);
        for (NetworkPolicyEgressRule r : rules) {
            assertThat(r.getTo()).as("no rule allows every destination").isNotEmpty();
            assertThat(r.getPorts()).as("no rule allows every port").isNotEmpty();
            assertThat(r.getTo()).allMatch(p -> p.getIpBlock() == null);
        }
        NetworkPolicyEgressRule toGateway = rules.get(0);
        assertThat(toGateway.getTo()).hasSize(1);
        assertThat(toGateway.getTo().get(0).getNamespaceSelector()).isNull();
        assertThat(selects(toGateway.getTo().get(0).getPodSelector(), gwLabels)).isTrue();
        assertThat(toGateway.getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                .containsExactly("TCP/" + proxyPort);
        NetworkPolicyEgressRule dns = rules.get(1);
        assertThat(dns.getTo()).hasSize(1);
        assertThat(dns.getTo().get(0).getPodSelector().getMatchLabels()).containsEntry("k8s-app", "kube-dns");
        assertThat(dns.getTo().get(0).getNamespaceSelector().getMatchLabels())
                .containsEntry("kubernetes.io/metadata.name", "kube-system");
        assertThat(dns.getPorts()).extracting(NetworkPolicyPort::getProtocol, p -> p.getPort().getIntVal())
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("UDP", 53), org.assertj.core.groups.Tuple.tuple("TCP", 53));

        NetworkPolicy ingress = Manifests.one(objs, NetworkPolicy.class, "traffic-gateway-ingress");
        assertThat(selects(ingress.getSpec().getPodSelector(), gwLabels)).isTrue();
        var proxyRule = ingress.getSpec().getIngress().stream()
                .filter(r -> r.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == proxyPort)).toList();
        assertThat(proxyRule).hasSize(1);
        assertThat(proxyRule.get(0).getFrom()).isNotEmpty()
                .allMatch(p -> p.getPodSelector() != null && selects(p.getPodSelector(), sbLabels));
        // the admin port: not open to every pod (sandboxes included), only to Prometheus
        int adminPort = port(args.matchedOptionValue("--admin", ""));
        var adminRule = ingress.getSpec().getIngress().stream()
                .filter(r -> r.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == adminPort)).toList();
        assertThat(adminRule).hasSize(1);
        assertThat(adminRule.get(0).getFrom()).as("admin port restricted to named peers").isNotEmpty()
                .allMatch(p -> p.getPodSelector() != null && !selects(p.getPodSelector(), sbLabels)
                        && p.getNamespaceSelector() != null);
    }

    /** The shipping overlays add a `traffic ship` container beside the proxy: same volume, cluster from a Secret, Downward API identity. */
    @ParameterizedTest
    @ValueSource(strings = {"overlays/shipping-sidecar:sandbox", "overlays/shipping-gateway:traffic"})
    void shippingOverlaysAddTheShipperWithTheClusterFromASecret(String overlayAndDeployment) throws IOException {
        String[] od = overlayAndDeployment.split(":");
        List<HasMetadata> objs = Manifests.render(K8S.resolve(od[0]));
        PodSpec pod = Manifests.one(objs, Deployment.class, od[1]).getSpec().getTemplate().getSpec();
        Container ship = container(pod, "traffic-ship");
        Container proxy = container(pod, "traffic");
        hardened(pod, ship, List.of());
        hasRequestsAndLimits(ship);
        assertThat(uid(pod, ship)).as("only the proxy's UID may egress (sidecar lock); the gateway runs as it too").isEqualTo(PROXY_UID);
        assertThat(ship.getCommand()).as("keeps ENTRYPOINT [traffic]").isEmpty();
        CommandLine.ParseResult args = dev.traffic.cli.Main.commandLine().parseArgs(ship.getArgs().toArray(String[]::new));
        assertThat(args.subcommand().commandSpec().name()).isEqualTo("ship");
        CommandLine.ParseResult sa = args.subcommand();
        assertThat(sa.matchedOptionValue("--to", "")).isEqualTo("$(OPENSEARCH_URL)");
        var url = ship.getEnv().stream().filter(e -> e.getName().equals("OPENSEARCH_URL")).findFirst().orElseThrow();
        assertThat(url.getValue()).as("the cluster URL is not written into the manifest").isNull();
        assertThat(url.getValueFrom().getSecretKeyRef().getName()).isEqualTo("traffic-opensearch");
        for (String v : List.of("POD_NAME", "POD_NAMESPACE")) {
            assertThat(ship.getEnv()).as("Downward API " + v).anyMatch(e -> e.getName().equals(v) && e.getValueFrom() != null
                    && e.getValueFrom().getFieldRef() != null);
        }
        // credentials and CA are files from the same Secret, mounted read-only
        String auth = sa.matchedOptionValue("--auth", "");
        assertThat(auth).startsWith("basic:/etc/traffic/opensearch/");
        var mount = mountAt(ship, "/etc/traffic/opensearch");
        assertThat(mount.getReadOnly()).isTrue();
        assertThat(volume(pod, mount.getName()).getSecret().getSecretName()).isEqualTo("traffic-opensearch");
        // it reads the proxy's store: the same data volume, and the proxy's own args are untouched
        assertThat(mountAt(ship, "/data").getName()).isEqualTo(mountAt(proxy, "/data").getName());
        java.nio.file.Path shipData = sa.matchedOptionValue("--data-dir", null);
        java.nio.file.Path proxyData = trafficArgs(proxy).matchedOptionValue("--data-dir", null);
        assertThat(shipData).isNotNull().isEqualTo(proxyData);
        assertThat(objs).noneMatch(o -> o instanceof io.fabric8.kubernetes.api.model.Secret)
                .as("the overlay does not carry the Secret itself");
    }

    /** Our renderer models what kustomize does with these files: cross-check with the real one when present. */
    @ParameterizedTest
    @ValueSource(strings = {"overlays/sidecar", "overlays/gateway", "overlays/shipping-sidecar", "overlays/shipping-gateway"})
    void realKustomizeRendersTheSameObjects(String overlay) throws Exception {
        assumeThat(onPath("kubectl")).as("kubectl (with built-in kustomize) is not installed: cross-check skipped").isTrue();
        Process p = new ProcessBuilder("kubectl", "kustomize", K8S.resolve(overlay).toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Path tmp = Files.createTempFile("kustomize", ".yaml");
        try {
            Files.writeString(tmp, out);
            assertThat(names(Manifests.parseFile(tmp))).containsExactlyInAnyOrderElementsOf(
                    names(Manifests.render(K8S.resolve(overlay))));
        } finally {
            Files.delete(tmp);
        }
    }

    private static List<String> names(List<HasMetadata> objs) {
        List<String> out = new ArrayList<>();
        for (HasMetadata o : objs) out.add(o.getKind() + "/" + o.getMetadata().getName());
        return out;
    }

    private static boolean onPath(String cmd) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, cmd))) return true;
        }
        return false;
    }

    private static boolean selects(LabelSelector sel, Map<String, String> labels) {
        assertThat(sel.getMatchExpressions()).as("only matchLabels are modelled here").isNullOrEmpty();
        return matches(sel.getMatchLabels(), labels);
    }

    private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty()
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
