package dev.traffic.cli.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Java ignores the OpenSSL variables: a JVM in the sandbox trusts the CA only through a trust store
 * given in JAVA_TOOL_OPTIONS ({@code -Djavax.net.ssl.trustStore=...}). Skipped when no {@code java}
 * is on the sandbox's PATH and no trust store is configured.
 */
public final class JavaTrustCheck implements DoctorCheck {
    private static final Pattern STORE = Pattern.compile("-Djavax\\.net\\.ssl\\.trustStore=(\\S+)");
    private static final Pattern PASSWORD = Pattern.compile("-Djavax\\.net\\.ssl\\.trustStorePassword=(\\S+)");

    @Override
    public String name() {
        return "ca-java-trust";
    }

    @Override
    public String description() {
        return "JVMs trust the traffic CA (trust store in JAVA_TOOL_OPTIONS)";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        String opts = ctx.env().getOrDefault("JAVA_TOOL_OPTIONS", "");
        Matcher m = STORE.matcher(opts);
        boolean javaPresent = onPath(ctx, "java");
        if (!m.find()) {
            if (!javaPresent) return CheckResult.skip("no java on PATH and no trust store configured");
            return CheckResult.fail("java is on PATH but JAVA_TOOL_OPTIONS names no trust store",
                    "keytool -importcert -noprompt -alias traffic -file ca.pem -keystore /tmp/traffic.p12 -storepass changeit; "
                            + "export JAVA_TOOL_OPTIONS=\"-Djavax.net.ssl.trustStore=/tmp/traffic.p12 -Djavax.net.ssl.trustStorePassword=changeit\"");
        }
        if (ctx.expectedCa() == null) {
            return CheckResult.fail("no expected CA: " + ctx.expectedCaProblem(), "pass --ca-cert FILE or set TRAFFIC_CA_CERT");
        }
        Path store = Path.of(m.group(1));
        Matcher pw = PASSWORD.matcher(opts);
        char[] password = pw.find() ? pw.group(1).toCharArray() : null;
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType()); // PKCS12; also reads JKS
            ks.load(in, password);
            if (ks.getCertificateAlias(ctx.expectedCa()) == null) {
                return CheckResult.fail(store + " (JAVA_TOOL_OPTIONS trust store) does not contain the traffic CA",
                        "keytool -importcert -noprompt -alias traffic -file ca.pem -keystore " + store);
            }
            return CheckResult.pass(store + " (JAVA_TOOL_OPTIONS trust store) contains the traffic CA");
        } catch (IOException | GeneralSecurityException e) {
            return CheckResult.fail("cannot read the trust store " + store + ": " + e.getMessage(),
                    "fix -Djavax.net.ssl.trustStore / trustStorePassword in JAVA_TOOL_OPTIONS");
        }
    }

    private static boolean onPath(DoctorContext ctx, String cmd) {
        String path = ctx.env().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, cmd))) return true;
        }
        return false;
    }
}
