package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.ca.CertificateAuthority;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code traffic ca ...} through Main.commandLine() with captured output, checked with the real openssl. */
class CaCommandsTest {
    @TempDir Path tmp;

    record Run(int exit, String out, String err) {}

    static Run traffic(String... args) {
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static String openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + ":" + out;
    }

    private String dataDir() {
        return tmp.resolve("home").toString();
    }

    @Test
    void initCreatesTheCaInTheDataDirAndRefusesToOverwrite() throws Exception {
        Run r = traffic("ca", "init", "--data-dir", dataDir());
        assertThat(r.exit()).as(r.err()).isZero();
        Path ca = tmp.resolve("home/ca");
        assertThat(r.out()).contains("Created a new CA in " + ca).contains("SHA-256:").contains("EC P-256");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve("ca-key.pem")))).isEqualTo("rw-------");
        byte[] key = Files.readAllBytes(ca.resolve("ca-key.pem"));

        Run again = traffic("ca", "init", "--data-dir", dataDir());
        assertThat(again.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(again.err()).startsWith("traffic: ").contains(ca.toString()).contains("--force");
        assertThat(Files.readAllBytes(ca.resolve("ca-key.pem"))).isEqualTo(key);

        Run forced = traffic("ca", "init", "--data-dir", dataDir(), "--force", "--key-type", "rsa");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(forced.out()).contains("RSA-3072");
        assertThat(Files.readAllBytes(ca.resolve("ca-key.pem"))).isNotEqualTo(key);
    }

    @Test
    void usageErrorsExitTwoAndWriteNothing() {
        Run badType = traffic("ca", "init", "--dir", tmp.resolve("x").toString(), "--key-type", "dsa");
        assertThat(badType.exit()).isEqualTo(2);
        assertThat(badType.err()).contains("'dsa'");
        Run badDomain = traffic("ca", "init", "--dir", tmp.resolve("x").toString(), "--permitted-domain", "no such");
        assertThat(badDomain.exit()).isEqualTo(2);
        assertThat(badDomain.err()).contains("'no such'");
        assertThat(tmp.resolve("x")).doesNotExist();
        assertThat(traffic("ca").exit()).isEqualTo(2);
        assertThat(traffic("ca", "init", "--bogus").exit()).isEqualTo(2);
    }

    @Test
    void showPrintsTheSameFingerprintAsOpenssl() throws Exception {
        Path dir = tmp.resolve("ca");
        assertThat(traffic("ca", "init", "--dir", dir.toString(), "--permitted-domain", "example.com").exit()).isZero();
        Run r = traffic("ca", "show", "--dir", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String fp = openssl(tmp, "x509", "-in", dir.resolve("ca.pem").toString(), "-noout", "-fingerprint", "-sha256");
        String expected = fp.substring(fp.indexOf('=') + 1).trim();
        assertThat(r.out()).contains("SHA-256:      " + expected)
                .contains("Subject:      CN=traffic CA ")
                .contains("Valid until:  ")
                .contains("Certificate:  " + dir.resolve("ca.pem"))
                .contains("Permitted:    example.com");
    }

    @Test
    void showWithoutACaIsAnError() {
        Run r = traffic("ca", "show", "--data-dir", dataDir());
        assertThat(r.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(r.err()).startsWith("traffic: no CA at " + tmp.resolve("home/ca")).contains("traffic ca init");
    }

    @Test
    void exportPemDerAndP12() throws Exception {
        Path dir = tmp.resolve("ca");
        traffic("ca", "init", "--dir", dir.toString());
        Run pem = traffic("ca", "export", "--dir", dir.toString());
        assertThat(pem.exit()).isZero();
        assertThat(pem.out()).isEqualTo(Files.readString(dir.resolve("ca.pem")));

        Run der = traffic("ca", "export", "--dir", dir.toString(), "--format", "der");
        assertThat(der.exit()).as(der.err()).isZero();
        assertThat(der.out()).contains(dir.resolve("ca.der").toString());
        assertThat(openssl(tmp, "x509", "-inform", "DER", "-in", dir.resolve("ca.der").toString(), "-noout", "-subject"))
                .startsWith("0:").contains("traffic CA");

        Path pw = Files.writeString(tmp.resolve("pw"), "s3cret\n");
        Path p12 = tmp.resolve("out/trust.p12");
        Run trust = traffic("ca", "export", "--dir", dir.toString(), "--format", "p12", "--out", p12.toString(),
                "--password-file", pw.toString());
        assertThat(trust.exit()).as(trust.err()).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            ks.load(in, "s3cret".toCharArray());
        }
        assertThat(ks.isCertificateEntry("traffic-ca")).isTrue();
        assertThat(ks.getCertificate("traffic-ca")).isEqualTo(CertificateAuthority.load(dir).certificate());
    }

    @Test
    void exportWithKeyNeedsP12AndAPasswordAndRejectsTheWrongOne() throws Exception {
        Path dir = tmp.resolve("ca");
        traffic("ca", "init", "--dir", dir.toString());
        Run notP12 = traffic("ca", "export", "--dir", dir.toString(), "--format", "pem", "--with-key");
        assertThat(notP12.exit()).isEqualTo(2);
        assertThat(notP12.err()).contains("--with-key is only allowed with --format p12");

        Path out = tmp.resolve("ca-with-key.p12");
        Run noPassword = traffic("ca", "export", "--dir", dir.toString(), "--format", "p12", "--with-key", "--out", out.toString());
        assertThat(noPassword.exit()).isEqualTo(2); // tests have no terminal to ask on
        assertThat(noPassword.err()).contains("--password-file");
        assertThat(out).doesNotExist();

        Path empty = Files.writeString(tmp.resolve("empty"), "\n");
        Run emptyPw = traffic("ca", "export", "--dir", dir.toString(), "--format", "p12", "--with-key", "--out", out.toString(),
                "--password-file", empty.toString());
        assertThat(emptyPw.exit()).isEqualTo(2);
        assertThat(emptyPw.err()).contains(empty.toString()).contains("empty");
        assertThat(out).doesNotExist();

        Path pw = Files.writeString(tmp.resolve("pw"), "correct horse\n");
        Run ok = traffic("ca", "export", "--dir", dir.toString(), "--format", "p12", "--with-key", "--out", out.toString(),
                "--password-file", pw.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        assertThat(openssl(tmp, "pkcs12", "-in", out.toString(), "-passin", "pass:correct horse", "-nodes", "-noout"))
                .startsWith("0:");
        assertThat(openssl(tmp, "pkcs12", "-in", out.toString(), "-passin", "pass:wrong", "-nodes", "-noout"))
                .doesNotStartWith("0:").containsIgnoringCase("mac verify");
        String keyPem = openssl(tmp, "pkcs12", "-in", out.toString(), "-passin", "pass:correct horse", "-nodes", "-nocerts");
        assertThat(keyPem).contains("PRIVATE KEY");
    }

    @Test
    void issueWritesLeavesThatVerifyAndValidatesEveryHostFirst() throws Exception {
        Path dir = tmp.resolve("ca");
        traffic("ca", "init", "--dir", dir.toString(), "--permitted-domain", "example.com");
        Path out = tmp.resolve("leaves");
        Run bad = traffic("ca", "issue", "--dir", dir.toString(), "--out", out.toString(), "a.example.com", "bad host");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("'bad host'");
        assertThat(out).doesNotExist();

        Run r = traffic("ca", "issue", "--dir", dir.toString(), "--out", out.toString(), "a.example.com", "::1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: ::1 is outside the permitted domains");
        Path leaf = out.resolve("a.example.com.pem");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("a.example.com-key.pem"))))
                .isEqualTo("rw-------");
        assertThat(out.resolve("__1.pem")).exists();
        assertThat(openssl(tmp, "verify", "-x509_strict", "-purpose", "sslserver", "-verify_hostname", "a.example.com",
                "-CAfile", dir.resolve("ca.pem").toString(), "-untrusted", leaf.toString(), leaf.toString()))
                .startsWith("0:").contains(": OK");
        // the key file matches the leaf
        String pub1 = openssl(tmp, "pkey", "-in", out.resolve("a.example.com-key.pem").toString(), "-pubout");
        String pub2 = openssl(tmp, "x509", "-in", leaf.toString(), "-noout", "-pubkey");
        assertThat(pub1).isEqualTo(pub2);
    }

    @Test
    void trustPrintsExactLinesWithTheRealPath() {
        Path dir = tmp.resolve("my ca");
        traffic("ca", "init", "--dir", dir.toString());
        Run r = traffic("ca", "trust", "--dir", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String q = "'" + dir.resolve("ca.pem") + "'";
        assertThat(r.out())
                .contains("sudo cp " + q + " /usr/local/share/ca-certificates/traffic-ca.crt && sudo update-ca-certificates")
                .contains("sudo cp " + q + " /etc/pki/ca-trust/source/anchors/traffic-ca.pem && sudo update-ca-trust")
                .contains("export NODE_EXTRA_CA_CERTS=" + q)
                .contains("export REQUESTS_CA_BUNDLE=" + q)
                .contains("export SSL_CERT_FILE=" + q)
                .contains("keytool -importcert -noprompt -cacerts -storepass changeit -alias traffic-ca -file " + q)
                .contains("git config --global http.sslCAInfo " + q)
                .contains("curl --cacert " + q)
                .contains("export CURL_CA_BUNDLE=" + q);
    }

    @Test
    void initImportsAMitmproxyCa() throws Exception {
        assertThat(openssl(tmp, "genrsa", "-traditional", "-out", "k.pem", "2048")).startsWith("0:");
        assertThat(openssl(tmp, "req", "-x509", "-new", "-key", "k.pem", "-days", "30", "-subj", "/CN=mitmproxy/O=mitmproxy",
                "-addext", "basicConstraints=critical,CA:TRUE", "-out", "c.pem")).startsWith("0:");
        Path mitm = tmp.resolve("mitmproxy-ca.pem");
        Files.writeString(mitm, Files.readString(tmp.resolve("k.pem")) + Files.readString(tmp.resolve("c.pem")));
        Run r = traffic("ca", "init", "--data-dir", dataDir(), "--from", mitm.toString());
        // importing reads any file the user can read; using the file as the CA needs it private, as mitmproxy writes it
        assertThat(traffic("ca", "show", "--dir", mitm.toString()).err()).contains("readable by other users").contains("chmod 600");
        Files.setPosixFilePermissions(mitm, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Imported").contains("CN=mitmproxy").contains("RSA-2048");
        Path ca = tmp.resolve("home/ca");
        assertThat(Files.readString(ca.resolve("ca-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(ca.resolve("ca.pem"))).isEqualToIgnoringNewLines(Files.readString(tmp.resolve("c.pem")));
        // and the mitmproxy file itself works with --dir, too
        assertThat(traffic("ca", "show", "--dir", mitm.toString()).out()).contains("CN=mitmproxy");
    }

    @Test
    void initImportsAPasswordProtectedBackupAndRejectsAWrongPassword() throws Exception {
        Path src = tmp.resolve("src");
        traffic("ca", "init", "--dir", src.toString());
        Path pw = Files.writeString(tmp.resolve("pw"), "backup-pass\n");
        Path p12 = tmp.resolve("backup.p12");
        assertThat(traffic("ca", "export", "--dir", src.toString(), "--format", "p12", "--with-key", "--out", p12.toString(),
                "--password-file", pw.toString()).exit()).isZero();

        Path wrong = Files.writeString(tmp.resolve("wrong"), "nope\n");
        Path dst = tmp.resolve("dst");
        Run bad = traffic("ca", "init", "--dir", dst.toString(), "--from", p12.toString(), "--password-file", wrong.toString());
        assertThat(bad.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(bad.err()).isEqualTo("traffic: " + p12 + ": wrong password (PKCS#12 integrity check failed)" + System.lineSeparator());
        assertThat(dst).doesNotExist();

        Run none = traffic("ca", "init", "--dir", dst.toString(), "--from", p12.toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains(p12.toString()).contains("--password-file");

        Run ok = traffic("ca", "init", "--dir", dst.toString(), "--from", p12.toString(), "--password-file", pw.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(CertificateAuthority.load(dst).certificate()).isEqualTo(CertificateAuthority.load(src).certificate());
    }
}
