package dev.traffic.cli;

import dev.traffic.detect.Alerter;
import dev.traffic.detect.Detector;
import dev.traffic.detect.Policy;
import dev.traffic.proxy.ProxyConfig;
import dev.traffic.model.Severity;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The proxy's inline-detection options ({@code @Mixin} of {@code traffic proxy}): policy, flag or
 * block, alert webhook, redaction. Builds the {@link DetectInspector} and the {@link Alerter}.
 */
public final class DetectOptions {
    @Option(names = "--policy", paramLabel = "FILE",
            description = "Detection policy YAML (the sandbox's secrets, canaries, destinations, sinks). Default: built-in destinations and sinks only.")
    Path policy;

    @Option(names = "--on-finding", defaultValue = "flag", paramLabel = "flag|block",
            description = "flag (default): forward and record findings; block: answer 403 (rule + flow id), never forward.")
    String onFinding;

    @Option(names = "--finding-severity", defaultValue = "medium", paramLabel = "LEVEL",
            description = "Findings at or above this level alert and (with block) block (default: ${DEFAULT-VALUE}); lower ones are only recorded.")
    String findingSeverity;

    @Option(names = "--alert-webhook", paramLabel = "URL",
            description = "POST one alert per finding fingerprint per session to this URL.")
    URI alertWebhook;

    @Option(names = "--alert-token-file", paramLabel = "FILE",
            description = "File holding the bearer token for --alert-webhook (sent as Authorization: Bearer).")
    Path alertTokenFile;

    @Option(names = "--alert-format", defaultValue = "notify", paramLabel = "notify|slack|discord",
            description = "Alert body: notify = {title,message,level,source} (default), slack or discord incoming webhooks.")
    String alertFormat;

    @Option(names = "--store-secrets",
            description = "Record detected secrets raw instead of replacing them with [REDACTED:<rule>:<fingerprint>].")
    boolean storeSecrets;

    @Option(names = "--scan-window", defaultValue = "1MiB", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Request body bytes scanned before forwarding (default: ${DEFAULT-VALUE}); the rest is forwarded unscanned and marked.")
    long scanWindow;

    @Option(names = "--no-detect", description = "Do not scan requests at all.")
    boolean noDetect;

    /** Configures inline inspection on {@code b}; returns the alerter to close on shutdown, or null. */
    Alerter apply(ProxyConfig.Builder b) throws IOException {
        if (noDetect) return null;
        boolean block = switch (onFinding.toLowerCase(Locale.ROOT)) {
            case "flag" -> false;
            case "block" -> true;
            default -> throw new UsageException("--on-finding: expected flag or block, got '" + onFinding + "'");
        };
        Severity threshold;
        try {
            threshold = Severity.parse(findingSeverity);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--finding-severity: expected low, medium, high or critical, got '" + findingSeverity + "'");
        }
        long window = scanWindow;
        if (window < 1024 || window > (64 << 20)) throw new UsageException("--scan-window: between 1KiB and 64MiB");
        Policy p;
        if (policy == null) {
            p = Policy.defaults();
        } else {
            if (!Files.isRegularFile(policy)) throw new UsageException("--policy: no such file " + policy);
            try {
                p = Policy.load(policy);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--policy: " + e.getMessage());
            }
        }
        Alerter alerter = alerter();
        b.scanWindow((int) window);
        b.inspector(new DetectInspector(new Detector(p), "proxy", (int) window, block, !storeSecrets, threshold, alerter));
        return alerter;
    }

    private Alerter alerter() throws IOException {
        if (alertWebhook == null) {
            if (alertTokenFile != null) throw new UsageException("--alert-token-file needs --alert-webhook");
            return null;
        }
        String scheme = alertWebhook.getScheme() == null ? "" : alertWebhook.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || alertWebhook.getHost() == null) {
            throw new UsageException("--alert-webhook: expected an http(s) URL, got '" + alertWebhook + "'");
        }
        Alerter.Format format = switch (alertFormat.toLowerCase(Locale.ROOT)) {
            case "notify" -> Alerter.Format.NOTIFY;
            case "slack" -> Alerter.Format.SLACK;
            case "discord" -> Alerter.Format.DISCORD;
            default -> throw new UsageException("--alert-format: expected notify, slack or discord, got '" + alertFormat + "'");
        };
        String token = null;
        if (alertTokenFile != null) {
            if (!Files.isReadable(alertTokenFile)) throw new UsageException("--alert-token-file: cannot read " + alertTokenFile);
            token = Files.readString(alertTokenFile, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) throw new UsageException("--alert-token-file: " + alertTokenFile + " is empty");
        }
        return new Alerter(Alerter.Config.of(alertWebhook, token, format));
    }
}
