package dev.traffic.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.traffic.cli.doctor.CheckResult.Status;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClusterIdentityCheck} against a fake Kubernetes API server on loopback (HTTPS, answering
 * SelfSubjectRulesReview): read-only rights pass with the table printed, each dangerous right fails,
 * and the token is sent as a Bearer token but never printed.
 */
class ClusterIdentityCheckTest {
    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.sandbox-service-account-token.sig";

    @TempDir Path tmp;
    HttpsServer server;
    X509Certificate cert;
    final AtomicReference<String> seen = new AtomicReference<>();

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    private int apiServer(String rulesJson) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name("CN=kubernetes");
        long now = System.currentTimeMillis();
        var b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now), new Date(now - 60_000), new Date(now + 3_600_000),
                name, kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        cert = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("api", kp.getPrivate(), "x".toCharArray(), new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "x".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", ex -> {
            seen.set(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Authorization") + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = ("{\"kind\":\"SelfSubjectRulesReview\",\"status\":{\"resourceRules\":" + rulesJson + ",\"incomplete\":false}}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(201, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    private CheckResult check(String rules) throws Exception {
        int port = apiServer(rules);
        Path sa = Files.createDirectories(tmp.resolve("sa"));
        Files.writeString(sa.resolve("token"), TOKEN + "\n");
        Files.writeString(sa.resolve("namespace"), "agents");
        Map<String, String> env = new HashMap<>();
        env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
        env.put("KUBERNETES_SERVICE_PORT", Integer.toString(port));
        HostView real = HostView.system();
        HostView view = new HostView(real.procSelf(), real.proc(), real.cgroupRoot(), real.sysClassNet(), real.tmpDir(), List.of(),
                List.of(), real.workDirs(), real.resolvConf(), 53, sa);
        DoctorContext ctx = new DoctorContext(env, tmp, List.of(), cert, null, URI.create("https://127.0.0.1:1/"), List.of(), List.of(),
                Duration.ofSeconds(5)).with(view, Profile.K8S_SIDECAR, Sandbox.NONE);
        CheckResult r = new ClusterIdentityCheck().run(ctx);
        assertThat(r.detail() + r.fix()).doesNotContain(TOKEN);
        return r;
    }

    @Test
    void aReadOnlyIdentityPassesAndShowsWhatItCanDo() throws Exception {
        CheckResult r = check("[{\"verbs\":[\"get\",\"list\",\"watch\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"configmaps\"]},"
                + "{\"verbs\":[\"create\"],\"apiGroups\":[\"authorization.k8s.io\"],\"resources\":[\"selfsubjectrulesreviews\"]}]");
        // every identity may create self-reviews (system:basic-user): that is not a write
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.PASS);
        assertThat(r.detail()).contains("read-only in namespace agents").contains("get,list,watch on pods,configmaps");
        assertThat(seen.get()).startsWith("POST Bearer " + TOKEN).contains("\"namespace\":\"agents\"");
    }

    @Test
    void writesSecretsAndExecFail() throws Exception {
        assertThat(check("[{\"verbs\":[\"delete\"],\"apiGroups\":[\"apps\"],\"resources\":[\"deployments\"]}]").detail())
                .contains("delete on deployments");
        stop();
        assertThat(check("[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"secrets\"]}]").detail()).contains("get secrets");
        stop();
        CheckResult exec = check("[{\"verbs\":[\"create\"],\"apiGroups\":[\"\"],\"resources\":[\"pods/exec\"]}]");
        assertThat(exec.status()).isEqualTo(Status.FAIL);
        assertThat(exec.detail()).contains("pods/exec");
        stop();
        assertThat(check("[{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}]").status()).isEqualTo(Status.FAIL);
    }

    @Test
    void noTokenMeansNoIdentity() throws Exception {
        HostView real = HostView.system();
        HostView view = new HostView(real.procSelf(), real.proc(), real.cgroupRoot(), real.sysClassNet(), real.tmpDir(), List.of(),
                List.of(), real.workDirs(), real.resolvConf(), 53, tmp.resolve("nothing"));
        DoctorContext ctx = new DoctorContext(Map.of(), tmp, List.of(), null, "none", URI.create("https://127.0.0.1:1/"), List.of(),
                List.of(), Duration.ofSeconds(1)).with(view, Profile.K8S_GATEWAY, Sandbox.NONE);
        assertThat(new ClusterIdentityCheck().run(ctx).status()).isEqualTo(Status.PASS);
    }
}
