package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.traffic.ca.CaOptions;
import dev.traffic.ca.CertificateAuthority;
import dev.traffic.ca.LeafKeyManager;
import dev.traffic.ca.LeafMinter;
import dev.traffic.model.Flow;
import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.ProxyServer;
import dev.traffic.store.FlowSink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code kubectl} through the proxy (kubeconfig {@code proxy-url}) to a fake Kubernetes API on
 * loopback, with the k8s-read-only preset aimed at it: get works; delete, apply and exec are
 * refused before reaching the API, and kubectl prints the rule and reason.
 */
class RequestRulesKubectlTest {
    @TempDir Path dir;
    private HttpServer api;
    private ProxyServer proxy;
    private final BlockingQueue<String> apiWrites = new LinkedBlockingQueue<>();
    private final BlockingQueue<Flow> flows = new LinkedBlockingQueue<>();
    private Path kubeconfig;

    private static final String POD = """
            {"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-1","namespace":"default","uid":"u1","creationTimestamp":"2026-12-08T00:00:00Z"},
             "spec":{"containers":[{"name":"web","image":"nginx"}]},"status":{"phase":"Running"}}""";

    @BeforeEach
    void start() throws Exception {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", this::serve);
        api.start();
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "presets:\n  - {name: k8s-read-only, hosts: [\"127.0.0.1\"]}\n");
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), CaOptions.defaults());
        ProxyConfig.Builder b = ProxyConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .interceptKeys(new LeafKeyManager(new LeafMinter(ca)).asFactory())
                .sink(new FlowSink() {
                    @Override public void started(Flow head) { }
                    @Override public void ended(Flow flow) { flows.add(flow); }
                });
        RulesOptions o = new RulesOptions();
        o.mode = "enforce";
        o.defaultAction = "allow";
        o.apply(b, policy, null);
        proxy = ProxyServer.start(b.build());
        kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: fake
                  cluster:
                    server: http://127.0.0.1:%d
                    proxy-url: http://127.0.0.1:%d
                contexts:
                - name: fake
                  context: {cluster: fake, user: u, namespace: default}
                current-context: fake
                users:
                - name: u
                  user: {token: not-a-real-token}
                """.formatted(api.getAddress().getPort(), proxy.address().getPort()));
    }

    @AfterEach
    void stop() {
        if (proxy != null) proxy.close();
        if (api != null) api.stop(0);
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            String m = ex.getRequestMethod();
            String p = ex.getRequestURI().getPath();
            ex.getRequestBody().readAllBytes();
            if (!m.equals("GET")) apiWrites.add(m + " " + p);
            String body;
            int status = 200;
            switch (p) {
                case "/version" -> body = "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0\"}";
                case "/api" -> body = "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
                        + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}";
                case "/apis" -> body = "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}";
                case "/api/v1" -> body = """
                        {"kind":"APIResourceList","groupVersion":"v1","resources":[
                         {"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["create","delete","get","list","patch","update","watch"],"shortNames":["po"]},
                         {"name":"pods/exec","singularName":"","namespaced":true,"kind":"PodExecOptions","verbs":["create","get"]},
                         {"name":"configmaps","singularName":"configmap","namespaced":true,"kind":"ConfigMap","verbs":["create","delete","get","list","patch","update","watch"],"shortNames":["cm"]}]}""";
                case "/api/v1/namespaces/default/pods" -> body = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[" + POD + "]}";
                case "/api/v1/namespaces/default/pods/web-1" -> body = POD;
                default -> {
                    status = 404;
                    body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"not found\","
                            + "\"reason\":\"NotFound\",\"code\":404}";
                }
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
        }
    }

    private GitHttpServer.Result kubectl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(), "--request-timeout=20s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy") || k.startsWith("KUBE"));
        pb.environment().put("HOME", dir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new GitHttpServer.Result(p.exitValue(), out);
    }

    static boolean hasKubectl() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "kubectl"))) return true;
        }
        return false;
    }

    /** What any Kubernetes client parses (runs where kubectl is not installed, e.g. CI without it). */
    @Test
    void aRefusedKubernetesRequestGetsAForbiddenStatusObject() throws Exception {
        java.net.http.HttpClient c = java.net.http.HttpClient.newBuilder()
                .proxy(java.net.ProxySelector.of(proxy.address())).build();
        String base = "http://127.0.0.1:" + api.getAddress().getPort();
        java.net.http.HttpResponse<String> del = c.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/api/v1/namespaces/default/pods/web-1")).DELETE()
                .header("Accept", "application/json").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(del.statusCode()).isEqualTo(403);
        com.fasterxml.jackson.databind.JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper().readTree(del.body());
        assertThat(s.get("kind").asText()).isEqualTo("Status");
        assertThat(s.get("reason").asText()).isEqualTo("Forbidden");
        assertThat(s.get("code").asInt()).isEqualTo(403);
        assertThat(s.get("message").asText()).contains("k8s-read-only.write").contains("read-only cluster access");
        java.net.http.HttpResponse<String> get = c.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/api/v1/namespaces/default/pods")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(apiWrites).isEmpty();
    }

    @Test
    void getWorksAndWritesExecAreRefusedWithTheReason() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(hasKubectl(), "kubectl is not installed (not in Debian); the Status test above covers the refusal format");
        GitHttpServer.Result get = kubectl("get", "pods");
        assertThat(get.exit()).as(get.out()).isZero();
        assertThat(get.out()).contains("NAME").contains("web-1");

        GitHttpServer.Result del = kubectl("delete", "pod", "web-1");
        assertThat(del.exit()).isNotZero();
        assertThat(del.out()).contains("Forbidden").contains("k8s-read-only.write").contains("read-only cluster access");

        Path cm = dir.resolve("cm.yaml");
        Files.writeString(cm, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\ndata: {a: b}\n");
        GitHttpServer.Result apply = kubectl("apply", "--validate=false", "-f", cm.toString());
        assertThat(apply.exit()).isNotZero();
        assertThat(apply.out()).contains("Forbidden").contains("k8s-read-only.write").contains("read-only cluster access");

        GitHttpServer.Result exec = kubectl("exec", "web-1", "--", "ls");
        assertThat(exec.exit()).isNotZero();
        assertThat(exec.out()).contains("k8s-read-only.exec").contains("exec, attach, port-forward and proxy are not allowed");

        assertThat(apiWrites).as("nothing but reads reached the API").isEmpty();
        assertThat(flows).anySatisfy(f -> assertThat(f.decisions()).anySatisfy(d -> assertThat(d.rule()).isEqualTo("k8s-read-only.exec")));
    }
}
