package dev.traffic.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.traffic.ca.CaOptions;
import dev.traffic.ca.CertificateAuthority;
import dev.traffic.ca.IssuedLeaf;
import dev.traffic.ca.LeafKeyManager;
import dev.traffic.ca.LeafMinter;
import dev.traffic.cli.Main;
import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.ProxyServer;
import dev.traffic.store.FlowSink;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code traffic doctor} end to end: a real {@link ProxyServer} intercepting with its CA, a real
 * HTTPS upstream on loopback, and the doctor command run with an injected sandbox environment.
 * Loopback stands in for the network: "direct egress" is a loopback port that must not answer.
 */
class DoctorAgainstProxyTest {
    @TempDir static Path dir;
    static CertificateAuthority proxyCa;
    static ProxyServer proxy;
    static HttpsServer upstream;
    static int closedPort;

    @BeforeAll
    static void start() throws Exception {
        proxyCa = CertificateAuthority.create(dir.resolve("proxy-ca"), CaOptions.defaults(), false);
        CertificateAuthority upstreamCa = CertificateAuthority.create(dir.resolve("upstream-ca"), CaOptions.defaults(), false);
        upstream = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        upstream.setHttpsConfigurator(new HttpsConfigurator(serverContext(new LeafMinter(upstreamCa).leafFor("127.0.0.1"))));
        upstream.createContext("/", ex -> {
            byte[] body = "hello from upstream\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        upstream.start();
        proxy = ProxyServer.start(ProxyConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .sink(FlowSink.NONE)
                .interceptKeys(new LeafKeyManager(new LeafMinter(proxyCa)).asFactory())
                .upstreamCaFile(upstreamCa.certificateFile())
                .build());
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
        if (upstream != null) upstream.stop(0);
    }

    private static SSLContext serverContext(IssuedLeaf leaf) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("leaf", leaf.privateKey(), new char[0], leaf.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** The environment of a correctly configured sandbox (proxy env, CA variables, no credentials). */
    private static Map<String, String> goodEnv() {
        Map<String, String> env = new HashMap<>();
        String url = "http://127.0.0.1:" + proxy.address().getPort();
        for (String v : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")) env.put(v, url);
        env.put("NO_PROXY", "localhost,127.0.0.1,::1");
        for (String v : CaEnvCheck.VARS) env.put(v, proxyCa.certificateFile().toString());
        env.put("PATH", dir.resolve("no-java-here").toString());
        return env;
    }

    record Run(int exit, String out, String err) {}

    private static Run doctor(Map<String, String> env, String... extra) throws Exception {
        return doctor(env, proxyCa.certificateFile(), "127.0.0.1:" + closedPort, extra);
    }

    private static Run doctor(Map<String, String> env, Path caCert, String directTarget, String... extra) throws Exception {
        CommandLine cmd = Main.commandLine();
        DoctorCommand doctor = cmd.getSubcommands().get("doctor").getCommand();
        doctor.env = env;
        doctor.home = Files.createDirectories(dir.resolve("home"));
        Path bundle = dir.resolve("system-bundle.pem");
        Files.copy(proxyCa.certificateFile(), bundle, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        doctor.systemBundles = List.of(bundle);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        List<String> args = new ArrayList<>(List.of("doctor", "--ca-cert", caCert.toString(), "--direct-target", directTarget,
                "--probe-url", "https://127.0.0.1:" + ((InetSocketAddress) upstream.getAddress()).getPort() + "/",
                "--metadata-target", "127.0.0.1:" + closedPort, "--timeout", "2"));
        args.addAll(List.of(extra));
        int exit = cmd.execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void passesInACorrectlyConfiguredSandbox() throws Exception {
        Run r = doctor(goodEnv());
        assertThat(r.out()).as(r.out()).doesNotContain("FAIL");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("PASS +interception +GET https://127.0.0.1:\\d+/ -> 200 via .* issued under CN=")
                .containsPattern("PASS +direct-egress").containsPattern("PASS +ca-env").containsPattern("SKIP +ca-java-trust")
                .contains("doctor: 8 passed, 0 failed, 1 skipped");
    }

    @Test
    void namesTheUnsetCaVariableAndItsFix() throws Exception {
        Map<String, String> env = goodEnv();
        env.remove("NODE_EXTRA_CA_CERTS");
        Run r = doctor(env);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("FAIL +ca-env +NODE_EXTRA_CA_CERTS is not set\n +fix: export NODE_EXTRA_CA_CERTS=")
                .contains("doctor: 7 passed, 1 failed, 1 skipped");
    }

    @Test
    void namesOpenDirectEgressAndItsFix() throws Exception {
        int open = ((InetSocketAddress) upstream.getAddress()).getPort();
        Run r = doctor(goodEnv(), proxyCa.certificateFile(), "127.0.0.1:" + open);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("FAIL +direct-egress +connected directly, bypassing the proxy, to 127.0.0.1:" + open
                + "\n +fix: lock egress: run docker/egress-lock.sh");
    }

    @Test
    void aProxyWithAnotherCaFailsInterception() throws Exception {
        CertificateAuthority other = CertificateAuthority.create(dir.resolve("other-ca"), CaOptions.defaults(), false);
        Map<String, String> env = goodEnv();
        Run r = doctor(env, other.certificateFile(), "127.0.0.1:" + closedPort);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("FAIL +interception +TLS through 127.0.0.1:" + proxy.address().getPort()
                + " was not signed by the expected CA");
    }

    @Test
    void jsonReportsEveryCheck() throws Exception {
        Map<String, String> env = goodEnv();
        env.put("GITHUB_TOKEN", "ghp_not_a_real_token_value_0123456789");
        Run r = doctor(env, "--json");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).doesNotContain("ghp_not_a_real");
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("ok").asBoolean()).isFalse();
        assertThat(json.get("checks")).hasSize((int) Doctor.CHECKS.stream().filter(c -> c.profiles().contains(Profile.PROXY)).count());
        JsonNode creds = json.get("checks").get(7);
        assertThat(creds.get("name").asText()).isEqualTo("credentials");
        assertThat(creds.get("status").asText()).isEqualTo("fail");
        assertThat(creds.get("detail").asText()).contains("GITHUB_TOKEN");
        assertThat(creds.get("fix").asText()).isNotBlank();
    }

    @Test
    void badProbeUrlIsAUsageError() throws Exception {
        CommandLine cmd = Main.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        assertThat(cmd.execute("doctor", "--probe-url", "http://plain.example/")).isEqualTo(2);
        assertThat(err.toString()).contains("traffic: --probe-url must be an https:// URL");
    }
}
