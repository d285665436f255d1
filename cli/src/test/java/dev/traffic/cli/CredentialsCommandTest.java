package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code traffic credentials env|kubeconfig}: placeholders only, never a secret, errors name what is wrong. */
class CredentialsCommandTest {
    @TempDir Path dir;

    private String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int rc = cmd.execute(args);
        return new String[] {Integer.toString(rc), out.toString(), err.toString()};
    }

    @Test
    void envAndKubeconfigHoldPlaceholdersOnly() throws Exception {
        Files.writeString(dir.resolve("secret"), "real-kube-token-1\n");
        Path policy = Files.writeString(dir.resolve("p.yaml"), """
                credentials:
                  - name: github
                    valueFrom: {env: SOMETHING}
                    env: GITHUB_TOKEN
                    hosts: [api.github.com]
                  - name: aws
                    aws: {accessKeyIdFrom: {env: A}, secretKeyFrom: {env: B}}
                    hosts: ["*.amazonaws.com"]
                  - name: kube
                    valueFrom: {file: secret}
                    placeholder: "traffic-placeholder-kube"
                    hosts: [kube.example.internal]
                """);
        String[] r = run("credentials", "env", "--policy", policy.toString(), "--export");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).isEqualTo("""
                export GITHUB_TOKEN=traffic-placeholder-github
                export AWS_ACCESS_KEY_ID=AKIATRAFFICPLACEHOLDR
                export AWS_SECRET_ACCESS_KEY=traffic-placeholder-aws-secret
                export KUBE_TOKEN=traffic-placeholder-kube
                """);
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        r = run("credentials", "kubeconfig", "--policy", policy.toString(), "--server", "https://kube.example.internal:6443",
                "--ca-cert", ca.toString());
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("server: https://kube.example.internal:6443", "token: traffic-placeholder-kube",
                "certificate-authority-data: " + Base64.getEncoder().encodeToString(Files.readAllBytes(ca))).doesNotContain("real-kube-token");
        r = run("credentials", "kubeconfig", "--policy", policy.toString(), "--server", "https://other:6443", "--ca-cert", ca.toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("--server: no credential has other among its hosts");
        Files.writeString(policy, "credentials:\n  - name: x\n    valueFrom: {env: A}\n    hosts: []\n");
        r = run("credentials", "env", "--policy", policy.toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("credentials[0] (x): hosts: a non-empty list");
    }
}
