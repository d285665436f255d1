package dev.traffic.cli;

import dev.traffic.ca.CaExport;
import dev.traffic.ca.CertificateAuthority;
import dev.traffic.ca.KeyType;
import java.io.PrintWriter;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code traffic ca show}: subject, SHA-256 fingerprint, validity, key type and paths of the CA. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show the CA certificate.")
public final class CaShowCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CaDirOption ca;

    @Override
    public Integer call() {
        print(spec.commandLine().getOut(), CertificateAuthority.load(ca.caDir()));
        return 0;
    }

    static void print(PrintWriter out, CertificateAuthority ca) {
        X509Certificate c = ca.certificate();
        out.println("Subject:      " + c.getSubjectX500Principal().getName());
        out.println("SHA-256:      " + CaExport.sha256Fingerprint(c));
        out.println("Valid from:   " + c.getNotBefore().toInstant());
        out.println("Valid until:  " + c.getNotAfter().toInstant());
        out.println("Key type:     " + describeKey(ca));
        out.println("Serial:       " + c.getSerialNumber().toString(16));
        out.println("Certificate:  " + ca.certificateFile());
        out.println("Private key:  " + ca.keyFile());
        if (!ca.issuerChain().isEmpty()) {
            X509Certificate i = ca.issuerChain().get(0);
            out.println("Intermediate: " + i.getSubjectX500Principal().getName() + " (issues the leaves)");
            out.println("Permitted:    " + String.join(", ", ca.permittedDomains()));
        }
        out.flush();
    }

    private static String describeKey(CertificateAuthority ca) {
        var key = ca.certificate().getPublicKey();
        if (ca.keyType() == KeyType.RSA && key instanceof RSAPublicKey r) return "RSA-" + r.getModulus().bitLength();
        if (key instanceof ECPublicKey e) {
            int bits = e.getParams().getCurve().getField().getFieldSize();
            return bits == 256 ? "EC P-256" : "EC " + bits + "-bit";
        }
        return key.getAlgorithm();
    }
}
