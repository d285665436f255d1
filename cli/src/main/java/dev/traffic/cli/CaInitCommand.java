package dev.traffic.cli;

import dev.traffic.ca.CaOptions;
import dev.traffic.ca.CertificateAuthority;
import dev.traffic.ca.KeyType;
import dev.traffic.ca.PasswordRequiredException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traffic ca init}: create the CA (or import mitmproxy's), refusing to replace one without --force. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create the interception CA (EC P-256 by default), or import an existing one with --from.")
public final class CaInitCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CaDirOption ca;

    @Option(names = "--key-type", paramLabel = "ec|rsa", defaultValue = "ec",
            description = "Root key: ec (P-256, default) or rsa (RSA-3072, for old clients).")
    String keyType;

    @Option(names = "--permitted-domain", paramLabel = "DOMAIN",
            description = "Issue leaves from a name-constrained intermediate that only covers DOMAIN and its subdomains (repeatable).")
    List<String> permittedDomains = new ArrayList<>();

    @Option(names = "--from", paramLabel = "FILE",
            description = "Import an existing CA instead: a key+certificate PEM (e.g. ~/.mitmproxy/mitmproxy-ca.pem) or a CA directory.")
    Path from;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "With --from: the password of an encrypted key or PKCS#12 file (first line of FILE); asked on the terminal otherwise.")
    Path passwordFile;

    @Option(names = "--force", description = "Replace an existing CA (clients must trust the new one).")
    boolean force;

    @Override
    public Integer call() {
        Path dir = ca.caDir();
        CertificateAuthority created;
        if (from != null) {
            if (!permittedDomains.isEmpty() || !"ec".equalsIgnoreCase(keyType)) {
                throw new UsageException("--from imports a CA as it is; it cannot be combined with --key-type or --permitted-domain");
            }
            if (passwordFile != null) {
                created = importWith(Passwords.fromFile(passwordFile), dir);
            } else {
                try {
                    created = CertificateAuthority.importFrom(from, dir, force);
                } catch (PasswordRequiredException e) {
                    char[] pw = Passwords.ask("the CA in " + e.file());
                    if (pw == null) throw new UsageException(e.getMessage() + " (there is no terminal to ask on)");
                    created = importWith(pw, dir);
                }
            }
            spec.commandLine().getOut().println("Imported the CA from " + from.toAbsolutePath() + " into " + dir);
        } else {
            if (passwordFile != null) throw new UsageException("--password-file is only used with --from");
            KeyType type = parseKeyType(keyType);
            try {
                created = CertificateAuthority.create(dir, new CaOptions(type, permittedDomains), force);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            spec.commandLine().getOut().println("Created a new CA in " + dir);
        }
        CaShowCommand.print(spec.commandLine().getOut(), created);
        spec.commandLine().getOut().println("Trust it in the sandbox: traffic ca trust" + (ca.dir != null ? " --dir " + dir : ""));
        return 0;
    }

    private CertificateAuthority importWith(char[] password, Path dir) {
        try {
            return CertificateAuthority.importFrom(from, password, dir, force);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    static KeyType parseKeyType(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "ec": return KeyType.EC;
            case "rsa": return KeyType.RSA;
            default: throw new UsageException("invalid --key-type '" + s + "' (ec or rsa)");
        }
    }
}
