package dev.traffic.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each doctor check on its own, driven to pass and to fail with injected environments on loopback. */
class DoctorChecksTest {
    static final X509Certificate CA = TestCerts.ca("traffic test CA");
    static final X509Certificate OTHER = TestCerts.ca("someone else's CA");

    @TempDir Path tmp;
    private final Map<String, String> env = new HashMap<>();
    private ServerSocket listener;

    @AfterEach
    void closeListener() throws IOException {
        if (listener != null) listener.close();
    }

    private DoctorContext ctx(List<InetSocketAddress> direct, List<InetSocketAddress> metadata) {
        return new DoctorContext(env, tmp.resolve("home"), List.of(tmp.resolve("system.pem")), CA, null,
                URI.create("https://127.0.0.1:1/"), direct, metadata, Duration.ofSeconds(2));
    }

    private DoctorContext ctx() {
        return ctx(List.of(), List.of());
    }

    /** A loopback server that accepts and answers every connection with {@code reply} (if any). */
    private InetSocketAddress listening(String reply) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!listener.isClosed()) {
                try (Socket s = listener.accept()) {
                    if (reply != null) {
                        s.getInputStream().read(new byte[4096]);
                        OutputStream out = s.getOutputStream();
                        out.write(reply.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return new InetSocketAddress("127.0.0.1", listener.getLocalPort());
    }

    /** A loopback port nothing listens on (bound then released). */
    private static InetSocketAddress closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress("127.0.0.1", s.getLocalPort());
        }
    }

    private Path caFile() throws IOException {
        return TestCerts.pem(tmp.resolve("ca.crt"), List.of(CA));
    }

    @Test
    void proxyReachable() throws IOException {
        assertThat(new ProxyReachableCheck().run(ctx()).fix()).contains("HTTPS_PROXY=");
        InetSocketAddress closed = closedPort();
        env.put("HTTPS_PROXY", "http://127.0.0.1:" + closed.getPort());
        CheckResult down = new ProxyReachableCheck().run(ctx());
        assertThat(down.status()).isEqualTo(CheckResult.Status.FAIL);
        assertThat(down.detail()).contains("cannot connect to the proxy at 127.0.0.1:" + closed.getPort());
        env.remove("HTTPS_PROXY");
        env.put("https_proxy", "127.0.0.1:" + listening(null).getPort()); // lower case, no scheme: as curl accepts
        assertThat(new ProxyReachableCheck().run(ctx()).status()).isEqualTo(CheckResult.Status.PASS);
    }

    @Test
    void caEnvNamesTheUnsetVariableAndTheWrongFile() throws IOException {
        Path ca = caFile();
        for (String v : CaEnvCheck.VARS) env.put(v, ca.toString());
        assertThat(new CaEnvCheck().run(ctx()).status()).isEqualTo(CheckResult.Status.PASS);

        env.remove("NODE_EXTRA_CA_CERTS");
        CheckResult unset = new CaEnvCheck().run(ctx());
        assertThat(unset.status()).isEqualTo(CheckResult.Status.FAIL);
        assertThat(unset.detail()).isEqualTo("NODE_EXTRA_CA_CERTS is not set");
        assertThat(unset.fix()).startsWith("export NODE_EXTRA_CA_CERTS=");

        env.put("NODE_EXTRA_CA_CERTS", TestCerts.pem(tmp.resolve("other.pem"), List.of(OTHER)).toString());
        env.put("GIT_SSL_CAINFO", tmp.resolve("missing.pem").toString());
        CheckResult wrong = new CaEnvCheck().run(ctx());
        assertThat(wrong.detail()).contains("NODE_EXTRA_CA_CERTS: " + tmp.resolve("other.pem") + " does not contain the traffic CA")
                .contains("GIT_SSL_CAINFO: " + tmp.resolve("missing.pem") + " does not exist");
    }

    @Test
    void systemTrustLooksForTheCaInTheBundle() throws IOException {
        TestCerts.pem(tmp.resolve("system.pem"), List.of(OTHER));
        CheckResult missing = new SystemTrustCheck().run(ctx());
        assertThat(missing.status()).isEqualTo(CheckResult.Status.FAIL);
        assertThat(missing.fix()).contains("update-ca-certificates");
        TestCerts.pem(tmp.resolve("system.pem"), List.of(OTHER, CA));
        assertThat(new SystemTrustCheck().run(ctx()).status()).isEqualTo(CheckResult.Status.PASS);
    }

    @Test
    void javaTrustNeedsATrustStoreWhenJavaIsPresent() throws Exception {
        env.put("PATH", tmp.resolve("nojava").toString());
        assertThat(new JavaTrustCheck().run(ctx()).status()).isEqualTo(CheckResult.Status.SKIP);

        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.writeString(bin.resolve("java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(bin.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        env.put("PATH", bin.toString());
        assertThat(new JavaTrustCheck().run(ctx()).status()).isEqualTo(CheckResult.Status.FAIL);

        Path store = tmp.resolve("trust.p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("traffic", CA);
        try (OutputStream out = Files.newOutputStream(store)) {
            ks.store(out, "changeit".toCharArray());
        }
        env.put("JAVA_TOOL_OPTIONS", "-Djavax.net.ssl.trustStore=" + store + " -Djavax.net.ssl.trustStorePassword=changeit");
        assertThat(new JavaTrustCheck().run(ctx()).status()).isEqualTo(CheckResult.Status.PASS);
    }

    @Test
    void directEgressFailsTheCheckWhenAConnectionGetsThrough() throws IOException {
        InetSocketAddress open = listening(null);
        CheckResult r = new DirectEgressCheck().run(ctx(List.of(open), List.of()));
        assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
        assertThat(r.detail()).contains("connected directly, bypassing the proxy, to 127.0.0.1:" + open.getPort());
        assertThat(r.fix()).contains("egress-lock.sh");
        assertThat(new DirectEgressCheck().run(ctx(List.of(closedPort()), List.of())).status()).isEqualTo(CheckResult.Status.PASS);
    }

    @Test
    void metadataMustBeUnreachableDirectlyAndThroughTheProxy() throws IOException {
        InetSocketAddress closed = closedPort();
        assertThat(new MetadataCheck().run(ctx(List.of(), List.of(closed))).status()).isEqualTo(CheckResult.Status.PASS);
        // a proxy that forwards metadata requests (200) fails the check; one that refuses (403) passes it
        env.put("HTTP_PROXY", "http://127.0.0.1:" + listening("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").getPort());
        CheckResult forwarded = new MetadataCheck().run(ctx(List.of(), List.of(closed)));
        assertThat(forwarded.status()).isEqualTo(CheckResult.Status.FAIL);
        assertThat(forwarded.detail()).contains("via 127.0.0.1:");
        listener.close();
        env.put("HTTP_PROXY", "http://127.0.0.1:" + listening("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n").getPort());
        assertThat(new MetadataCheck().run(ctx(List.of(), List.of(closed))).status()).isEqualTo(CheckResult.Status.PASS);
    }

    @Test
    void credentialsAreReportedByNameNeverByValue() throws IOException {
        assertThat(new CredentialsCheck().run(ctx()).status()).isEqualTo(CheckResult.Status.PASS);
        String value = "ghp_" + "A".repeat(36);
        env.put("GITHUB_TOKEN", value);
        env.put("MY_SERVICE_API_KEY", "k-123456");
        env.put("TOKENIZERS_PARALLELISM", "false");
        CheckResult r = new CredentialsCheck().run(ctx());
        assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
        assertThat(r.detail()).contains("GITHUB_TOKEN", "MY_SERVICE_API_KEY").doesNotContain(value, "k-123456", "TOKENIZERS");
        env.put("TRAFFIC_DOCTOR_ALLOW", "GITHUB_TOKEN,MY_SERVICE_API_KEY");
        assertThat(new CredentialsCheck().run(ctx()).status()).isEqualTo(CheckResult.Status.PASS);

        Path aws = tmp.resolve("home/.aws/credentials");
        Files.createDirectories(aws.getParent());
        Files.writeString(aws, "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cr3tvalue\n");
        CheckResult file = new CredentialsCheck().run(ctx());
        assertThat(file.detail()).contains(aws.toString()).doesNotContain("s3cr3tvalue");
    }

    @Test
    void theCredentialBrokersPlaceholdersPassAndARealLookingTokenStillFails() throws IOException {
        env.put("GITHUB_TOKEN", "traffic-placeholder-github");
        env.put("AWS_ACCESS_KEY_ID", "AKIATRAFFICPLACEHOLDR");
        env.put("AWS_SECRET_ACCESS_KEY", "traffic-placeholder-aws-secret");
        Path kube = tmp.resolve("home/.kube/config");
        Files.createDirectories(kube.getParent());
        Files.writeString(kube, "users:\n- name: sandbox\n  user:\n    token: traffic-placeholder-kube\n");
        assertThat(new CredentialsCheck().run(ctx()).status()).isEqualTo(CheckResult.Status.PASS);
        env.put("GH_TOKEN", "traffic-placeholder-ghp_" + "A".repeat(36)); // a real token behind the prefix
        CheckResult r = new CredentialsCheck().run(ctx());
        assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
        assertThat(r.detail()).contains("GH_TOKEN").doesNotContain("GITHUB_TOKEN", "AWS_");
        env.remove("GH_TOKEN");
        Files.writeString(kube, "users:\n- name: sandbox\n  user:\n    token: eyJhbGciOiJSUzI1NiJ9.real\n");
        assertThat(new CredentialsCheck().run(ctx()).detail()).contains(kube.toString());
    }

    @Test
    void sshKeysCountOnlyWhenUnencrypted() {
        assertThat(CredentialsCheck.unencryptedKey(opensshKey("none"))).isTrue();
        assertThat(CredentialsCheck.unencryptedKey(opensshKey("aes256-ctr"))).isFalse();
        assertThat(CredentialsCheck.unencryptedKey("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")).isFalse();
        assertThat(CredentialsCheck.unencryptedKey("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")).isTrue();
    }

    private static String opensshKey(String cipher) {
        byte[] magic = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
        byte[] c = cipher.getBytes(StandardCharsets.US_ASCII);
        byte[] der = new byte[magic.length + 4 + c.length + 8];
        System.arraycopy(magic, 0, der, 0, magic.length);
        der[magic.length + 3] = (byte) c.length;
        System.arraycopy(c, 0, der, magic.length + 4, c.length);
        return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END OPENSSH PRIVATE KEY-----\n";
    }

    @Test
    void noProxyMayExemptOnlyLoopbackAndTheProxy() {
        assertThat(new NoProxyCheck().run(ctx()).status()).isEqualTo(CheckResult.Status.PASS);
        env.put("HTTPS_PROXY", "http://traffic:8080");
        env.put("NO_PROXY", "localhost,127.0.0.1,::1,traffic");
        assertThat(new NoProxyCheck().run(ctx()).status()).isEqualTo(CheckResult.Status.PASS);
        env.put("no_proxy", ".github.com, *");
        CheckResult r = new NoProxyCheck().run(ctx());
        assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
        assertThat(r.detail()).endsWith("should be recorded: .github.com, *");
    }
}
