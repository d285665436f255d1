package dev.traffic.cli;

import dev.traffic.model.Header;
import dev.traffic.rules.Action;
import dev.traffic.rules.GitUpdate;
import dev.traffic.rules.RuleRequest;
import dev.traffic.rules.RuleSet;
import dev.traffic.rules.RulesException;
import dev.traffic.rules.RulesMode;
import dev.traffic.rules.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code traffic policy explain METHOD URL}: what the request rules would decide for a request,
 * without sending anything: the deciding rule (or none), its action and reason, and what the client
 * would get. {@code --git-push [+]REF:OLD:NEW} describes the ref updates of a push ({@code +} = forced,
 * as in a git refspec; {@code 0} = the zero id).
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Print what the request rules decide for METHOD URL, sending nothing.")
public final class PolicyExplainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RulesOptions rules;

    @Parameters(index = "0", paramLabel = "METHOD", description = "HTTP method (GET, POST, DELETE, ...).")
    String method;

    @Parameters(index = "1", paramLabel = "URL", description = "The request URL (http or https).")
    String url;

    @Option(names = "--policy", paramLabel = "FILE", description = "The policy file whose rules: and presets: apply.")
    java.nio.file.Path policy;

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", description = "A request header (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = "--data", paramLabel = "BODY", description = "The request body (for form: rules).")
    String data;

    @Option(names = "--git-push", paramLabel = "[+]REF:OLD:NEW",
            description = "A ref update of a git push (repeatable); + marks it forced; 0 is the zero id. The URL gets /git-receive-pack appended when it lacks it.")
    List<String> gitPush = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("URL: " + e.getMessage());
        }
        if (u.getHost() == null || u.getScheme() == null) throw new UsageException("URL: needs a scheme and a host, e.g. https://api.github.com/user");
        List<Header> hs = new ArrayList<>();
        for (String h : headers) {
            int c = h.indexOf(':');
            if (c <= 0) throw new UsageException("-H '" + h + "': use 'Name: value'");
            hs.add(new Header(h.substring(0, c).trim(), h.substring(c + 1).trim()));
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        List<GitUpdate> updates = null;
        if (!gitPush.isEmpty()) {
            updates = new ArrayList<>();
            for (String g : gitPush) updates.add(update(g));
            if (!path.endsWith("/git-receive-pack")) path = (path.endsWith("/") ? path : path + "/") + "git-receive-pack";
        }
        int port = u.getPort() > 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
        RuleSet rs;
        try {
            rs = policy == null ? RuleSet.ofPresets(rules.presets) : RuleSet.load(policy, rules.presets);
        } catch (RulesException e) {
            throw new UsageException(e.getMessage());
        } catch (IOException e) {
            throw new UsageException("--policy: " + e.getMessage());
        }
        RuleRequest q = RuleRequest.of(method, u.getHost(), port, path, u.getRawQuery(), hs,
                data == null ? null : data.getBytes(StandardCharsets.UTF_8), updates);
        Verdict v = rs.evaluate(q, rules.defaultAction());
        Action action = v.action();
        String reason = v.reason();
        if (rules.mode() == RulesMode.AUDIT && action == Action.BLOCK) {
            action = Action.FLAG;
            reason = "audit mode, not enforced: would block: " + reason;
        }
        out.println("request   " + method.toUpperCase(Locale.ROOT) + " " + TerminalText.field(u.getScheme() + "://" + u.getRawAuthority() + path
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery())));
        if (updates != null) {
            for (GitUpdate g : updates) {
                out.println("git push  " + TerminalText.field(g.ref()) + (g.deletion() ? " (deletion)" : g.creation() ? " (creation)" : "")
                        + (g.forced() ? " (forced)" : ""));
            }
        }
        out.println("rules     " + v.evaluated() + " of " + rs.rules().size() + " evaluated");
        out.println("decision  " + action.word() + (v.rule() == null ? " (no rule matched)" : " by rule " + v.rule().name() + " (" + v.rule().source() + ")"));
        out.println("reason    " + TerminalText.field(reason));
        out.println("client    " + switch (action) {
            case BLOCK -> (v.status() == 0 ? 403 : v.status()) + "; nothing is sent upstream";
            case FLAG -> "forwarded; the flow is flagged with a finding for the rule";
            case ALERT -> "forwarded; the flow is flagged and the alert webhook is called";
            case ALLOW -> "forwarded";
        });
        out.flush();
        return 0;
    }

    private static GitUpdate update(String spec) {
        boolean forced = spec.startsWith("+");
        String s = forced ? spec.substring(1) : spec;
        String[] p = s.split(":", -1);
        if (p.length != 3 || !p[0].startsWith("refs/") || !hex(p[1]) || !hex(p[2])) {
            throw new UsageException("--git-push '" + spec + "': use [+]REF:OLD:NEW with a full ref (refs/heads/main) and hex ids (0 for none)");
        }
        String old = zero(p[1]);
        String nu = zero(p[2]);
        GitUpdate.Force f = forced && !GitUpdate.isZero(old) && !GitUpdate.isZero(nu) ? GitUpdate.Force.YES : GitUpdate.Force.NO;
        return new GitUpdate(old, nu, p[0], f, forced ? "forced (+ given)" : null);
    }

    private static boolean hex(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private static String zero(String s) {
        return GitUpdate.isZero(s) ? "0".repeat(40) : s.toLowerCase(Locale.ROOT);
    }
}
