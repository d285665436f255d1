package dev.traffic.broker;

import dev.traffic.match.HostGlob;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One entry of the policy file's {@code credentials:} list, validated: which secret, what the
 * sandbox holds instead, where it may go and how it is put on the request. Holds no secret value
 * (those live in the {@link Vault}).
 *
 * @param kind        TOKEN (a string secret), AWS (SigV4 key pair) or GITHUB_APP (minted installation tokens)
 * @param placeholder the sandbox's stand-in for the token (AWS: the placeholder secret key)
 * @param placeholderKeyId AWS only: the placeholder access key id
 * @param methods     upper-case methods allowed, empty = all
 * @param paths       path globs allowed ({@code *} within a segment, {@code **} across), empty = all
 * @param envName     the sandbox's variable for the placeholder ({@code traffic credentials env}), e.g. GITHUB_TOKEN
 */
public record CredentialSpec(
        String name,
        Kind kind,
        String placeholder,
        String placeholderKeyId,
        List<HostGlob> hosts,
        Set<String> methods,
        List<PathGlob> paths,
        Inject inject,
        SecretRef value,
        SecretRef awsKeyId,
        SecretRef awsSessionToken,
        GitHubApp githubApp,
        String envName) {

    public enum Kind { TOKEN, AWS, GITHUB_APP }

    /** A GitHub App: the app id, the installation, the private key and the API base URL. */
    public record GitHubApp(String appId, String installationId, SecretRef privateKey, java.net.URI apiUrl) {}

    public boolean isDestination(String host) {
        if (host == null) return false;
        String h = HostGlob.normalize(host);
        for (HostGlob g : hosts) if (g.matches(h)) return true;
        return false;
    }

    /** Whether the narrowing allows {@code method path}. */
    public boolean allows(String method, String path) {
        if (!methods.isEmpty() && !methods.contains(method.toUpperCase(Locale.ROOT))) return false;
        if (paths.isEmpty()) return true;
        String p = path == null || path.isEmpty() ? "/" : path;
        for (PathGlob g : paths) if (g.matches(p)) return true;
        return false;
    }
}
