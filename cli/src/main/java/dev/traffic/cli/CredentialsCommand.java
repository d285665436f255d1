package dev.traffic.cli;

import dev.traffic.broker.CredentialSpec;
import dev.traffic.broker.CredentialsConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traffic credentials}: what the sandbox side of the credential broker needs, from the same
 * policy file the proxy reads. Prints placeholders only: it never reads a secret.
 */
@Command(name = "credentials", mixinStandardHelpOptions = true,
        description = "Print the sandbox side of the credential broker: placeholder environment, git credential helper, kubeconfig.",
        subcommands = {CredentialsCommand.Env.class, CredentialsCommand.GitConfig.class, CredentialsCommand.Kubeconfig.class})
public final class CredentialsCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "expected a subcommand: env, git-config or kubeconfig");
    }

    /** {@code --policy FILE} of the credentials subcommands. */
    static final class PolicyOption {
        @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The policy file with the credentials: list (the proxy's --policy).")
        Path policy;

        List<CredentialSpec> read() {
            if (!Files.isRegularFile(policy)) throw new UsageException("--policy: no such file " + policy);
            List<CredentialSpec> specs;
            try {
                specs = CredentialsConfig.load(policy);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--policy: " + e.getMessage());
            } catch (IOException e) {
                throw new UsageException("--policy: cannot read " + policy + ": " + e.getMessage());
            }
            if (specs.isEmpty()) throw new UsageException("--policy: " + policy + " has no credentials");
            return specs;
        }
    }

    /** Shell-quotes {@code v} when it needs it. */
    static String quote(String v) {
        return v.matches("[A-Za-z0-9_./:@%+=,-]+") ? v : "'" + v.replace("'", "'\\''") + "'";
    }

    @Command(name = "env", mixinStandardHelpOptions = true,
            description = "Print the placeholder environment for the sandbox (NAME=value lines; --export for a shell).")
    static final class Env implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin PolicyOption policy;

        @Option(names = "--export", description = "Prefix each line with 'export ' (for eval in a shell).")
        boolean export;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (CredentialSpec c : policy.read()) {
                List<String[]> vars = new ArrayList<>();
                if (c.kind() == CredentialSpec.Kind.AWS) {
                    vars.add(new String[] {"AWS_ACCESS_KEY_ID", c.placeholderKeyId()});
                    vars.add(new String[] {"AWS_SECRET_ACCESS_KEY", c.placeholder()});
                } else {
                    vars.add(new String[] {c.envName(), c.placeholder()});
                }
                for (String[] v : vars) out.println((export ? "export " : "") + v[0] + "=" + quote(v[1]));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "git-config", mixinStandardHelpOptions = true,
            description = "Print git configuration whose credential helper answers with the placeholders (append it to the sandbox's ~/.gitconfig).")
    static final class GitConfig implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin PolicyOption policy;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            int n = 0;
            for (CredentialSpec c : policy.read()) {
                if (c.kind() == CredentialSpec.Kind.AWS) continue;
                String user = "x-access-token";
                if (c.inject() != null && c.inject().basic() != null) user = c.inject().basic().substring(0, c.inject().basic().indexOf(':'));
                // one helper per credential under [credential]: git asks every helper with host=HOST[:PORT];
                // this one answers only for the credential's hosts (glob patterns work: they are shell patterns)
                List<String> pats = new ArrayList<>();
                for (var h : c.hosts()) pats.add(h.toString());
                if (n == 0) out.println("[credential]");
                out.println("\thelper = \"!f() { test x$1 = xget || return 0; h=; while IFS= read -r l; do case $l in '') break;; host=*) h=${l#host=};; esac; done;"
                        + " h=${h%:[0-9]*}; case $h in " + String.join("|", pats) + ") printf 'username=%s\\\\npassword=%s\\\\n' "
                        + quote(user) + " " + quote(c.placeholder()) + ";; esac; }; f\"");
                n++;
            }
            if (n == 0) throw new UsageException("--policy: no token credential (git-config has nothing to print)");
            out.flush();
            return 0;
        }
    }

    @Command(name = "kubeconfig", mixinStandardHelpOptions = true,
            description = "Print a kubeconfig for the sandbox: the API server at --server, trusting the proxy's CA, with the placeholder token.")
    static final class Kubeconfig implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin PolicyOption policy;
        @Mixin DataDirOption data;

        @Option(names = "--server", required = true, paramLabel = "URL", description = "The Kubernetes API server URL (https://...).")
        String server;

        @Option(names = "--credential", paramLabel = "NAME", description = "Which credential holds the token (default: the one whose hosts match the server).")
        String credential;

        @Option(names = "--ca-cert", paramLabel = "FILE", description = "The proxy's CA certificate (default: <data-dir>/ca/ca.pem).")
        Path caCert;

        @Option(names = "--proxy-url", paramLabel = "URL", description = "Write proxy-url into the cluster entry (else kubectl uses HTTPS_PROXY).")
        String proxyUrl;

        @Override
        public Integer call() throws IOException {
            java.net.URI u;
            try {
                u = java.net.URI.create(server);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--server: not a URL '" + server + "'");
            }
            if (!"https".equals(u.getScheme()) || u.getHost() == null) throw new UsageException("--server: expected https://HOST[:PORT], got '" + server + "'");
            CredentialSpec c = null;
            for (CredentialSpec s : policy.read()) {
                if (s.kind() == CredentialSpec.Kind.AWS) continue;
                if (credential != null ? s.name().equals(credential) : s.isDestination(u.getHost())) {
                    c = s;
                    break;
                }
            }
            if (c == null) {
                throw new UsageException(credential != null ? "--credential: no token credential named '" + credential + "'"
                        : "--server: no credential has " + u.getHost() + " among its hosts; pass --credential NAME");
            }
            if (!c.isDestination(u.getHost())) throw new UsageException("--server: " + u.getHost() + " is not one of credential " + c.name() + "'s hosts");
            Path ca = caCert != null ? caCert : data.caDir().resolve("ca.pem");
            if (!Files.isReadable(ca)) throw new UsageException("--ca-cert: cannot read " + ca + " (run 'traffic ca init' or pass --ca-cert)");
            String caData = Base64.getEncoder().encodeToString(Files.readAllBytes(ca));
            PrintWriter out = spec.commandLine().getOut();
            out.println("apiVersion: v1");
            out.println("kind: Config");
            out.println("clusters:");
            out.println("- name: sandbox");
            out.println("  cluster:");
            out.println("    server: " + server);
            out.println("    certificate-authority-data: " + caData);
            if (proxyUrl != null) out.println("    proxy-url: " + proxyUrl);
            out.println("users:");
            out.println("- name: sandbox");
            out.println("  user:");
            out.println("    token: " + c.placeholder());
            out.println("contexts:");
            out.println("- name: sandbox");
            out.println("  context: {cluster: sandbox, user: sandbox}");
            out.println("current-context: sandbox");
            out.flush();
            return 0;
        }
    }
}
