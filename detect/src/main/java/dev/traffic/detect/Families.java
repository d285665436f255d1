package dev.traffic.detect;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The token family names of the policy format, and the aliases accepted for them. */
public final class Families {
    public static final List<String> ALL = List.of("github", "anthropic", "openai", "huggingface", "aws",
            "k8s-sa", "slack", "discord", "telegram", "stripe", "npm", "pypi", "jwt", "gcp", "age",
            "private-key", "generic");

    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("gcp-sa", "gcp"), Map.entry("google", "gcp"),
            Map.entry("github-app", "github"), Map.entry("github-classic", "github"),
            Map.entry("github-fine-grained", "github"),
            Map.entry("aws-akid", "aws"), Map.entry("aws-secret", "aws"), Map.entry("aws-session", "aws"),
            Map.entry("k8s", "k8s-sa"), Map.entry("kubernetes", "k8s-sa"),
            Map.entry("hf", "huggingface"), Map.entry("anthropic-oauth", "anthropic"),
            Map.entry("pem", "private-key"), Map.entry("ssh", "private-key"));

    private Families() {}

    /** Canonical family for a policy spelling; unknown names are kept (custom families). */
    public static String canonical(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return ALIASES.getOrDefault(n, n);
    }
}
