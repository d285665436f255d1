package dev.traffic.detect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Built-in destinations for every family and the built-in list of known exfiltration sinks; a
 * policy file overrides per family and adds sinks. Families with no legitimate destination (age,
 * private keys, GCP key files, generic) are absent, i.e. {@link Destination#NOWHERE}.
 */
final class BuiltinDefaults {
    private static final List<String> AUTH = List.of("header:authorization");

    private BuiltinDefaults() {}

    static Map<String, Destination> destinations() {
        Map<String, Destination> m = new LinkedHashMap<>();
        m.put("github", Destination.of(List.of("api.github.com", "github.com", "uploads.github.com",
                "codeload.github.com", "*.githubusercontent.com", "ghcr.io", "npm.pkg.github.com",
                "maven.pkg.github.com", "nuget.pkg.github.com", "rubygems.pkg.github.com"),
                List.of("header:authorization", "url-userinfo")));
        m.put("anthropic", Destination.of(List.of("api.anthropic.com"), List.of("header:x-api-key", "header:authorization")));
        m.put("openai", Destination.of(List.of("api.openai.com"), AUTH));
        m.put("huggingface", Destination.of(List.of("huggingface.co", "*.huggingface.co", "*.hf.co"), AUTH));
        m.put("aws", Destination.of(List.of("*.amazonaws.com", "*.amazonaws.com.cn", "*.api.aws"),
                List.of("header:authorization", "header:x-amz-security-token", "query:x-amz-credential",
                        "query:x-amz-security-token")));
        m.put("k8s-sa", Destination.of(List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local"), AUTH));
        m.put("slack", Destination.of(List.of("slack.com", "*.slack.com"), AUTH));
        m.put("discord", Destination.of(List.of("discord.com", "discordapp.com"), AUTH));
        m.put("telegram", Destination.of(List.of("api.telegram.org"), List.of("path")));
        m.put("stripe", Destination.of(List.of("api.stripe.com", "files.stripe.com"), AUTH));
        m.put("npm", Destination.of(List.of("registry.npmjs.org", "registry.yarnpkg.com"), AUTH));
        m.put("pypi", Destination.of(List.of("upload.pypi.org", "test.pypi.org"), AUTH));
        return m;
    }

    static List<HostPattern> sinks() {
        return List.of("webhook.site", "*.webhook.site", "pipedream.net", "*.pipedream.net", "*.m.pipedream.net",
                "requestbin.net", "*.requestbin.net", "*.requestbin.com", "*.ngrok.io", "*.ngrok-free.app",
                "*.ngrok.app", "*.ngrok-free.dev", "*.ngrok.dev", "*.oast.fun", "*.oast.live", "*.oast.site",
                "*.oast.online", "*.oast.pro", "*.oast.me", "*.interact.sh", "*.interactsh.com",
                "*.burpcollaborator.net", "*.oastify.com", "pastebin.com", "paste.ee", "hastebin.com",
                "transfer.sh", "*.transfer.sh", "*.trycloudflare.com", "*.loca.lt", "*.serveo.net",
                "*.lhr.life", "*.localhost.run", "beeceptor.com", "*.beeceptor.com", "requestcatcher.com",
                "*.requestcatcher.com", "ptsv2.com", "ptsv3.com", "*.dnslog.cn", "dnslog.cn", "*.ceye.io",
                "file.io", "0x0.st", "termbin.com", "discord.com/api/webhooks", "discordapp.com/api/webhooks",
                "hooks.slack.com", "api.telegram.org/bot")
                .stream().map(HostPattern::parse).toList();
    }
}
