package dev.traffic.cli;

import dev.traffic.ca.CaExport;
import dev.traffic.ca.CertificateAuthority;
import dev.traffic.ca.IssuedLeaf;
import dev.traffic.ca.LeafMinter;
import dev.traffic.ca.LeafOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code traffic ca issue HOST... --out DIR}: mint leaves as the proxy would and write {@code HOST.pem}
 * (leaf then intermediate, if any) and {@code HOST-key.pem} (0600), for debugging and for other tools'
 * tests. Every host is validated before anything is written.
 */
@Command(name = "issue", mixinStandardHelpOptions = true, description = "Mint leaf certificates (key + chain files) for hosts.")
public final class CaIssueCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CaDirOption ca;

    @Parameters(arity = "1..*", paramLabel = "HOST", description = "DNS names or IP literals.")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write HOST.pem and HOST-key.pem into.")
    Path out;

    @Option(names = "--days", defaultValue = "90", paramLabel = "N", description = "Validity in days (default 90, at most 200).")
    int days;

    @Override
    public Integer call() {
        if (days < 1 || days > 200) throw new UsageException("invalid --days " + days + " (1..200)");
        CertificateAuthority authority = CertificateAuthority.load(ca.caDir());
        LeafMinter minter = new LeafMinter(authority, new LeafOptions(Duration.ofDays(days), hosts.size()));
        Map<String, IssuedLeaf> leaves = new LinkedHashMap<>();
        for (String host : hosts) {
            try {
                leaves.put(host, minter.leafFor(host));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        for (Map.Entry<String, IssuedLeaf> e : leaves.entrySet()) {
            String stem = fileStem(e.getKey());
            CaExport.writeLeaf(e.getValue(), out.toAbsolutePath(), stem);
            spec.commandLine().getOut().println(out.toAbsolutePath().resolve(stem + ".pem") + "  "
                    + out.toAbsolutePath().resolve(stem + "-key.pem"));
        }
        if (!authority.issuerChain().isEmpty()) {
            for (String host : hosts) {
                if (!authority.permits(host)) {
                    spec.commandLine().getErr().println("traffic: warning: " + host
                            + " is outside the permitted domains; clients will reject its certificate");
                }
            }
        }
        return 0;
    }

    /** The leaf's certificate subject host, made safe as a file name (IPv6 colons become underscores). */
    static String fileStem(String host) {
        return host.replace("[", "").replace("]", "").replace(':', '_').toLowerCase(java.util.Locale.ROOT);
    }
}
