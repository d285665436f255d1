package dev.traffic.cli;

import dev.traffic.ca.CertificateAuthority;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code traffic ca trust}: the exact lines that make each common client trust this CA. */
@Command(name = "trust", mixinStandardHelpOptions = true, description = "Print how to trust the CA in common systems and clients.")
public final class CaTrustCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CaDirOption ca;

    @Override
    public Integer call() {
        CertificateAuthority authority = CertificateAuthority.load(ca.caDir());
        print(spec.commandLine().getOut(), authority.certificateFile().toString());
        return 0;
    }

    static void print(PrintWriter out, String pem) {
        String q = shellQuote(pem);
        out.println("# The CA certificate: " + pem);
        out.println();
        out.println("# Debian / Ubuntu (package ca-certificates)");
        out.println("sudo cp " + q + " /usr/local/share/ca-certificates/traffic-ca.crt && sudo update-ca-certificates");
        out.println();
        out.println("# Alpine (apk add ca-certificates)");
        out.println("cp " + q + " /usr/local/share/ca-certificates/traffic-ca.crt && update-ca-certificates");
        out.println();
        out.println("# RHEL / Fedora / CentOS");
        out.println("sudo cp " + q + " /etc/pki/ca-trust/source/anchors/traffic-ca.pem && sudo update-ca-trust");
        out.println();
        out.println("# Node.js (adds to its built-in roots)");
        out.println("export NODE_EXTRA_CA_CERTS=" + q);
        out.println("# npm: a cafile in npm's config overrides NODE_EXTRA_CA_CERTS, so set it there too");
        out.println("npm config set cafile " + q);
        out.println();
        out.println("# Python requests / httpx / ssl (replaces the default bundle: after the system step above,");
        out.println("# point these at /etc/ssl/certs/ca-certificates.crt or /etc/pki/tls/certs/ca-bundle.crt instead)");
        out.println("export REQUESTS_CA_BUNDLE=" + q);
        out.println("export SSL_CERT_FILE=" + q);
        out.println("export PIP_CERT=" + q);
        out.println();
        out.println("# Java, without root: a trust store of your own, named with its password (without the password the JVM");
        out.println("# cannot use the store and the handshake fails)");
        String store = shellQuote(java.nio.file.Path.of(pem).resolveSibling("truststore.p12").toString());
        out.println("keytool -importcert -noprompt -alias traffic-ca -file " + q + " -keystore " + store + " -storetype PKCS12 -storepass changeit");
        out.println("export JAVA_TOOL_OPTIONS=\"-Djavax.net.ssl.trustStore=" + store.replace("'", "") + " -Djavax.net.ssl.trustStorePassword=changeit\"");
        out.println("# Java, for every JVM of this JDK (as root; password changeit):");
        out.println("keytool -importcert -noprompt -cacerts -storepass changeit -alias traffic-ca -file " + q);
        out.println();
        out.println("# git");
        out.println("git config --global http.sslCAInfo " + q);
        out.println();
        out.println("# curl");
        out.println("curl --cacert " + q + " https://example.com/");
        out.println("export CURL_CA_BUNDLE=" + q);
        out.flush();
    }

    /** Quotes a path for sh only when it needs it. */
    static String shellQuote(String s) {
        if (s.matches("[A-Za-z0-9_./:@%+=-]+")) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
