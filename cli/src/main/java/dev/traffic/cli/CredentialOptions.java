package dev.traffic.cli;

import dev.traffic.broker.BrokerStage;
import dev.traffic.broker.CredentialSpec;
import dev.traffic.broker.CredentialsConfig;
import dev.traffic.broker.GitHubAppTokens;
import dev.traffic.broker.SecretWatcher;
import dev.traffic.broker.Vault;
import dev.traffic.proxy.ProxyConfig;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The credential broker of {@code traffic proxy} ({@code @Mixin}): reads the {@code credentials:}
 * of the policy file, loads the secrets (a missing one stops start-up naming the credential), adds
 * the CREDENTIALS stage, and re-reads the secrets on SIGHUP and when a secret file changes.
 */
public final class CredentialOptions {
    private static final Logger log = LoggerFactory.getLogger(CredentialOptions.class);

    @Option(names = "--no-credential-watch",
            description = "Do not watch the credentials' secret files for changes (SIGHUP still re-reads them).")
    boolean noWatch;

    /**
     * Adds the broker to {@code b} when {@code policy} has credentials; returns what to close at
     * shutdown (the file watcher), or null.
     */
    Closeable apply(ProxyConfig.Builder b, Path policy, boolean blockOutOfScope) throws IOException {
        if (policy == null) return null;
        List<CredentialSpec> specs;
        try {
            specs = CredentialsConfig.load(policy);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--policy: " + e.getMessage());
        }
        if (specs.isEmpty()) return null;
        Vault vault;
        try {
            vault = Vault.load(specs, System::getenv);
        } catch (IllegalStateException e) {
            throw new UsageException("--policy: " + e.getMessage());
        }
        b.stage(new BrokerStage(vault, GitHubAppTokens.create(vault), blockOutOfScope));
        HangupReload.add("credentials", vault::reload);
        log.info("credential broker: {} credential(s): {}", specs.size(),
                String.join(", ", specs.stream().map(CredentialSpec::name).toList()));
        return noWatch ? null : SecretWatcher.start(vault);
    }
}
