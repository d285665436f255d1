package dev.traffic.cli;

import dev.traffic.detect.Alerter;
import dev.traffic.proxy.ProxyConfig;
import dev.traffic.rules.Action;
import dev.traffic.rules.RuleSet;
import dev.traffic.rules.RulesException;
import dev.traffic.rules.RulesMode;
import dev.traffic.rules.RulesStage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The request-rule options of {@code traffic proxy} ({@code @Mixin}): presets, audit mode and the
 * default action; the rules themselves are the {@code rules:} and {@code presets:} of the
 * {@code --policy} file. Adds the RULES stage and reloads it on SIGHUP.
 */
final class RulesOptions {
    private static final Logger log = LoggerFactory.getLogger(RulesOptions.class);

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Enable a request-rule preset (repeatable): k8s-read-only, git-safe, github-read-mostly, cloud-no-delete."
                    + " Its rules come after those of the --policy file.")
    List<String> presets = new ArrayList<>();

    @Option(names = "--rules-mode", defaultValue = "enforce", paramLabel = "enforce|audit",
            description = "audit: every request-rule block is recorded as a flag instead (roll a policy out first) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--default-action", defaultValue = "allow", paramLabel = "allow|block",
            description = "What happens to a request no rule matches (default: ${DEFAULT-VALUE}).")
    String defaultAction;

    RulesMode mode() {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "enforce" -> RulesMode.ENFORCE;
            case "audit" -> RulesMode.AUDIT;
            default -> throw new UsageException("--rules-mode: enforce or audit, not '" + mode + "'");
        };
    }

    Action defaultAction() {
        Action a = Action.parse(defaultAction);
        if (a != Action.ALLOW && a != Action.BLOCK) throw new UsageException("--default-action: allow or block, not '" + defaultAction + "'");
        return a;
    }

    /** Reads the rules (a bad file stops start-up: exit 2), adds the stage, and reloads it on SIGHUP. */
    RulesStage apply(ProxyConfig.Builder b, Path policy, Alerter alerter) {
        RulesMode m = mode();
        Action d = defaultAction();
        if (policy == null && presets.isEmpty() && d == Action.ALLOW) return null; // nothing to decide: no stage at all
        RuleSet rs = load(policy);
        RulesStage stage = new RulesStage(rs, m, d, alerter == null ? null : alerter::alert);
        b.stage(stage);
        log.info("request rules: {} rule(s){}{}{}", rs.rules().size(), presets.isEmpty() ? "" : " with preset(s) " + presets,
                m == RulesMode.AUDIT ? ", audit mode (blocks are only flagged)" : "",
                d == Action.BLOCK ? ", default action block" : "");
        if (policy != null) onHangUp(() -> reload(stage, policy));
        return stage;
    }

    private RuleSet load(Path policy) {
        try {
            return policy == null ? RuleSet.ofPresets(presets) : RuleSet.load(policy, presets);
        } catch (RulesException e) {
            throw new UsageException(e.getMessage());
        } catch (IOException e) {
            throw new UsageException("--policy: " + e.getMessage());
        }
    }

    /** SIGHUP: re-read the file; a bad one keeps the rules in force and says why. */
    void reload(RulesStage stage, Path policy) {
        try {
            RuleSet next = RuleSet.load(policy, presets);
            stage.reload(next);
            log.info("request rules reloaded from {}: {} rule(s)", policy, next.rules().size());
        } catch (RulesException | IOException e) {
            log.error("request rules NOT reloaded, the previous {} rule(s) stay in force: {}", stage.rules().rules().size(),
                    e.getMessage().replace('\n', ';'));
        }
    }

    /** SIGHUP is shared (credentials re-read on it too): one handler, every registered reload runs. */
    private static void onHangUp(Runnable r) {
        HangupReload.add("request rules", r);
    }
}
