package dev.traffic.cli.doctor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * No well-known credential sits in the sandbox in plain form: no credential-named environment
 * variable with a value, no credential file (cloud, git, registry, kube, unencrypted SSH key) in
 * the home directory. Reports names and paths only, never a value or file content. Variables that
 * deliberately hold placeholders or canaries are listed in {@code TRAFFIC_DOCTOR_ALLOW} (comma-separated names);
 * the credential broker's placeholders ({@code traffic-placeholder-...}, {@code AKIATRAFFIC...}) pass as they are.
 */
public final class CredentialsCheck implements DoctorCheck {
    static final Set<String> WELL_KNOWN = Set.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN", "OPENAI_API_KEY",
            "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY", "AZURE_CLIENT_SECRET", "AZURE_OPENAI_API_KEY",
            "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "NPM_TOKEN", "NODE_AUTH_TOKEN", "TWINE_PASSWORD", "DOCKER_PASSWORD",
            "SLACK_TOKEN", "SLACK_BOT_TOKEN", "STRIPE_SECRET_KEY", "CLOUDFLARE_API_TOKEN", "DIGITALOCEAN_TOKEN",
            "HEROKU_API_KEY", "VAULT_TOKEN", "DATABASE_URL", "PGPASSWORD", "MYSQL_PWD", "SENTRY_AUTH_TOKEN");
    /** Credential-shaped names beyond the list: *_TOKEN, *_SECRET, *_SECRET_KEY, *_API_KEY, *_PASSWORD, *_ACCESS_KEY. */
    private static final Pattern SHAPED = Pattern.compile(".*(_TOKEN|_SECRET|_SECRET_KEY|_API_KEY|_APIKEY|_PASSWORD|_PASSWD|_ACCESS_KEY)");

    /** The credential broker's placeholders (docs/how-to/give-the-sandbox-placeholders.md): not secrets. */
    static final String PLACEHOLDER_PREFIX = "traffic-placeholder-";
    static final String AWS_PLACEHOLDER_PREFIX = "AKIATRAFFIC";
    private static final Pattern PLACEHOLDER = Pattern.compile("traffic-placeholder-[A-Za-z0-9.-]{1,64}|AKIATRAFFIC[A-Z0-9]{5,117}");

    /** A broker placeholder, and nothing more (a real token with the prefix pasted in front still fails). */
    static boolean isPlaceholder(String value) {
        return PLACEHOLDER.matcher(value.strip()).matches();
    }

    private record CredFile(String path, Predicate<String> holdsSecret) {}

    private static final List<CredFile> FILES = List.of(
            new CredFile(".aws/credentials", c -> c.contains("aws_secret_access_key") || c.contains("aws_session_token")),
            new CredFile(".netrc", c -> c.contains("password")),
            new CredFile(".git-credentials", c -> c.contains("@")),
            new CredFile(".docker/config.json", c -> c.contains("\"auth\"") || c.contains("identitytoken")),
            new CredFile(".npmrc", c -> c.contains("_authToken") || c.contains("_password") || c.contains("_auth=")),
            new CredFile(".pypirc", c -> c.contains("password")),
            new CredFile(".config/gh/hosts.yml", c -> c.contains("oauth_token")),
            new CredFile(".kube/config", c -> c.contains("token:") || c.contains("client-key-data") || c.contains("password:")),
            new CredFile(".config/gcloud/application_default_credentials.json", c -> c.contains("refresh_token") || c.contains("private_key")),
            new CredFile(".config/gcloud/credentials.db", c -> true),
            new CredFile(".azure/msal_token_cache.json", c -> true),
            new CredFile(".ssh/id_rsa", CredentialsCheck::unencryptedKey),
            new CredFile(".ssh/id_ecdsa", CredentialsCheck::unencryptedKey),
            new CredFile(".ssh/id_ed25519", CredentialsCheck::unencryptedKey),
            new CredFile(".ssh/id_dsa", CredentialsCheck::unencryptedKey));

    @Override
    public String name() {
        return "credentials";
    }

    @Override
    public String description() {
        return "no well-known credentials in plain form in the environment or home directory";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        Set<String> allowed = new TreeSet<>();
        for (String n : ctx.env().getOrDefault("TRAFFIC_DOCTOR_ALLOW", "").split(",")) {
            if (!n.isBlank()) allowed.add(n.strip());
        }
        Set<String> vars = new TreeSet<>();
        for (Map.Entry<String, String> e : ctx.env().entrySet()) {
            String name = e.getKey();
            if (e.getValue() == null || e.getValue().isBlank() || allowed.contains(name) || isPlaceholder(e.getValue())) continue;
            String upper = name.toUpperCase(Locale.ROOT);
            if (WELL_KNOWN.contains(upper) || SHAPED.matcher(upper).matches()) vars.add(name);
        }
        List<String> files = new ArrayList<>();
        String gac = ctx.env().get("GOOGLE_APPLICATION_CREDENTIALS");
        if (gac != null && !gac.isBlank() && Files.isRegularFile(Path.of(gac))) {
            files.add(gac + " (GOOGLE_APPLICATION_CREDENTIALS)");
        }
        if (ctx.home() != null) {
            for (CredFile f : FILES) {
                Path p = ctx.home().resolve(f.path());
                if (Files.isRegularFile(p) && holds(p, f.holdsSecret())) files.add(p.toString());
            }
        }
        if (vars.isEmpty() && files.isEmpty()) {
            return CheckResult.pass("no credential variables or files found" + (allowed.isEmpty() ? "" : " (allowed: " + allowed + ")"));
        }
        List<String> found = new ArrayList<>();
        if (!vars.isEmpty()) found.add("environment variables " + String.join(", ", vars));
        if (!files.isEmpty()) found.add("files " + String.join(", ", files));
        return CheckResult.fail("plain credentials present: " + String.join("; ", found),
                "remove them from the sandbox (keep real credentials outside it; give the agent placeholders); "
                        + "list a variable that only holds a placeholder or canary in TRAFFIC_DOCTOR_ALLOW");
    }

    private static boolean holds(Path p, Predicate<String> holdsSecret) {
        try {
            byte[] head = Files.readAllBytes(p);
            String text = new String(head, 0, Math.min(head.length, 1 << 20), StandardCharsets.ISO_8859_1);
            // lines that only carry the credential broker's placeholders hold nothing (a kubeconfig
            // from `traffic credentials kubeconfig`, a git credential line with the placeholder)
            StringBuilder kept = new StringBuilder();
            for (String line : text.split("\n")) if (!line.contains(PLACEHOLDER_PREFIX) && !line.contains(AWS_PLACEHOLDER_PREFIX)) kept.append(line).append('\n');
            return holdsSecret.test(kept.toString());
        } catch (IOException e) {
            return true; // present but unreadable to us: still there for whoever can read it
        }
    }

    /** True for a private key file that needs no passphrase (OpenSSH cipher "none", or an unencrypted PEM). */
    static boolean unencryptedKey(String content) {
        if (content.contains("ENCRYPTED")) return false;
        String begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
        int i = content.indexOf(begin);
        if (i < 0) return content.contains("PRIVATE KEY-----");
        int end = content.indexOf("-----END", i);
        if (end < 0) return true;
        try {
            byte[] der = Base64.getMimeDecoder().decode(content.substring(i + begin.length(), end));
            byte[] magic = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
            if (der.length < magic.length + 8 || !Arrays.equals(Arrays.copyOf(der, magic.length), magic)) return true;
            int len = ((der[magic.length] & 0xff) << 24) | ((der[magic.length + 1] & 0xff) << 16)
                    | ((der[magic.length + 2] & 0xff) << 8) | (der[magic.length + 3] & 0xff);
            String cipher = new String(der, magic.length + 4, Math.min(len, der.length - magic.length - 4), StandardCharsets.US_ASCII);
            return cipher.equals("none");
        } catch (IllegalArgumentException e) {
            return true;
        }
    }
}
