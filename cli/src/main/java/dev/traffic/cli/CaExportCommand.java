package dev.traffic.cli;

import dev.traffic.ca.CaExport;
import dev.traffic.ca.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traffic ca export}: the root certificate as PEM (stdout unless --out), DER or PKCS#12 (written to
 * --out, default {@code ca.der}/{@code ca.p12} in the CA directory). {@code --with-key} (p12 only) adds the
 * root key, protected by a password from --password-file or the terminal; such a file is written 0600.
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Export the CA certificate (pem, der, p12).")
public final class CaExportCommand implements Callable<Integer> {
    /** Password of a certificate-only PKCS#12 when none is given: Java's conventional trust store password. */
    static final String DEFAULT_TRUSTSTORE_PASSWORD = "changeit";

    @Spec CommandSpec spec;
    @Mixin CaDirOption ca;

    @Option(names = "--format", paramLabel = "pem|der|p12", defaultValue = "pem", description = "Output format (default: pem).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Output file (pem default: stdout; der/p12 default: ca.der/ca.p12 in the CA directory).")
    Path out;

    @Option(names = "--with-key", description = "p12 only: include the CA private key (asks for a password).")
    boolean withKey;

    @Option(names = "--password-file", paramLabel = "FILE", description = "p12: read the password from the first line of FILE.")
    Path passwordFile;

    @Override
    public Integer call() {
        CaExport.Format fmt;
        try {
            fmt = CaExport.Format.parse(format);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (withKey && fmt != CaExport.Format.P12) throw new UsageException("--with-key is only allowed with --format p12");
        if (passwordFile != null && fmt != CaExport.Format.P12) throw new UsageException("--password-file is only used with --format p12");
        CertificateAuthority authority = CertificateAuthority.load(ca.caDir());
        if (fmt == CaExport.Format.PEM && out == null) {
            spec.commandLine().getOut().print(new String(CaExport.pem(authority), StandardCharsets.US_ASCII));
            spec.commandLine().getOut().flush();
            return 0;
        }
        Path target = out != null ? out.toAbsolutePath() : authority.directory().resolve("ca." + fmt.extension());
        switch (fmt) {
            case PEM -> CaExport.write(target, CaExport.pem(authority), false);
            case DER -> CaExport.write(target, CaExport.der(authority), false);
            case P12 -> writeP12(authority, target);
        }
        spec.commandLine().getOut().println("Wrote " + target);
        return 0;
    }

    private void writeP12(CertificateAuthority authority, Path target) {
        char[] password = Passwords.read(passwordFile, withKey ? "the PKCS#12 file holding the CA key" : "the PKCS#12 trust store");
        if (password == null) {
            if (withKey) {
                throw new UsageException("--with-key needs a password: pass --password-file FILE (there is no terminal to ask on)");
            }
            password = DEFAULT_TRUSTSTORE_PASSWORD.toCharArray();
            spec.commandLine().getErr().println("traffic: no --password-file; the trust store password is '"
                    + DEFAULT_TRUSTSTORE_PASSWORD + "'");
        }
        try {
            CaExport.write(target, CaExport.pkcs12(authority, password, withKey), withKey);
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
