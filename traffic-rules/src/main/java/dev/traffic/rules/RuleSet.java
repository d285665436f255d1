package dev.traffic.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.traffic.rules.internal.Paths;
import dev.traffic.rules.internal.ReceivePack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The request rules of a policy file: its {@code rules:} in order, then the rules of its
 * {@code presets:}, then those of presets given on the command line. First match wins; no match
 * gives the default action. Immutable and thread-safe; a reload builds a new one.
 */
public final class RuleSet {
    public static final RuleSet EMPTY = new RuleSet(List.of());

    private final List<Rule> rules;
    private final boolean git;
    private final boolean form;

    RuleSet(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        this.git = this.rules.stream().anyMatch(Rule::needsGit);
        this.form = this.rules.stream().anyMatch(Rule::needsForm);
    }

    public List<Rule> rules() {
        return rules;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Reads a policy file's rules and presets plus {@code extraPresets}; throws listing every problem. */
    public static RuleSet load(Path file, List<String> extraPresets) throws IOException, RulesException {
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read policy " + file + ": " + e.getMessage(), e);
        }
        return parse(yaml, file.toString(), extraPresets);
    }

    /** Parses policy YAML ({@code source} names it in messages); only {@code rules:} and {@code presets:} are read. */
    public static RuleSet parse(String yaml, String source, List<String> extraPresets) throws RulesException {
        RulesParser p = new RulesParser(source);
        List<Rule> rules = build(yaml, source, extraPresets, p);
        if (!p.problems.isEmpty()) throw new RulesException(p.problems);
        return new RuleSet(rules);
    }

    /** Only presets (no file). */
    public static RuleSet ofPresets(List<String> presets) throws RulesException {
        return parse("", "(command line)", presets);
    }

    /** Every problem of a policy file's rules (empty: fine): unknown keys, bad globs, unreachable rules. */
    public static List<PolicyProblem> check(String yaml, String source) {
        RulesParser p = new RulesParser(source);
        build(yaml, source, List.of(), p);
        return List.copyOf(p.problems);
    }

    private static List<Rule> build(String yaml, String source, List<String> extraPresets, RulesParser p) {
        JsonNode root = null;
        if (yaml != null && !yaml.isBlank()) {
            try {
                root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
            } catch (IOException e) {
                p.problems.add(new PolicyProblem("policy " + source, "not valid YAML: " + e.getMessage().lines().findFirst().orElse("")));
                return List.of();
            }
        }
        if (root != null && !root.isNull() && !root.isObject()) {
            p.problems.add(new PolicyProblem("policy " + source, "top level must be a mapping"));
            return List.of();
        }
        List<Rule> rules = new ArrayList<>();
        if (root != null && root.isObject()) rules.addAll(p.rules(root.get("rules"), "rules"));
        Set<String> seenPresets = new LinkedHashSet<>();
        if (root != null && root.hasNonNull("presets")) {
            JsonNode ps = root.get("presets");
            if (!ps.isArray()) {
                p.problem("presets", "must be a list of preset names (" + String.join(", ", Presets.NAMES) + ")");
            } else {
                int i = 0;
                for (JsonNode e : ps) rules.addAll(preset(e, "presets[" + i++ + "]", seenPresets, p));
            }
        }
        for (String name : extraPresets == null ? List.<String>of() : extraPresets) {
            if (seenPresets.contains(name)) continue; // named in the file and on the command line: once
            rules.addAll(preset(new com.fasterxml.jackson.databind.node.TextNode(name), "--preset " + name, seenPresets, p));
        }
        Set<String> names = new HashSet<>();
        Rule catchAll = null;
        for (Rule r : rules) {
            if (!names.add(r.name().toLowerCase(Locale.ROOT))) p.problem(r.source() + " '" + r.name() + "'", "a second rule with this name (names must be unique)");
            if (catchAll != null) {
                p.problem(r.source() + " '" + r.name() + "'", "unreachable: '" + catchAll.name() + "' (" + catchAll.source()
                        + ") before it matches every request");
            } else if (r.catchAll()) {
                catchAll = r;
            }
        }
        return rules;
    }

    private static List<Rule> preset(JsonNode e, String where, Set<String> seen, RulesParser p) {
        String name;
        JsonNode hosts = null;
        if (e.isTextual()) {
            name = e.asText();
        } else if (e.isObject() && e.hasNonNull("name")) {
            name = e.get("name").asText();
            for (var it = e.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.equals("name") && !k.equals("hosts")) p.problem(where + " '" + name + "'", "unknown key '" + k + "' (name, hosts)");
            }
            hosts = e.get("hosts");
            if (hosts != null && (!hosts.isArray() || hosts.isEmpty())) {
                p.problem(where + " '" + name + "'", "hosts must be a non-empty list of host globs");
                return List.of();
            }
        } else {
            p.problem(where, "must be a preset name or {name: NAME, hosts: [...]}");
            return List.of();
        }
        if (!Presets.NAMES.contains(name)) {
            p.problem(where, "unknown preset '" + name + "' (known: " + String.join(", ", Presets.NAMES) + ")");
            return List.of();
        }
        if (!seen.add(name)) {
            p.problem(where, "preset '" + name + "' named twice");
            return List.of();
        }
        JsonNode rules = Presets.rules(name);
        if (hosts != null) rules = RulesParser.withHosts(rules, hosts);
        return p.rules(rules, "preset " + name);
    }

    /**
     * Whether any rule may need the body to decide on this request head: a git push when there are
     * git rules, a form post when there are form rules. Otherwise the proxy can stream.
     */
    public boolean needsBody(String method, String path, String contentType) {
        if (git && ReceivePack.isPush(method, Paths.segments(path))) return true;
        return form && contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /** First match wins; with no match, {@code defaultAction}. Never throws: an unreadable push is a fail-closed verdict. */
    public Verdict evaluate(RuleRequest r, Action defaultAction) {
        int n = 0;
        for (Rule rule : rules) {
            n++;
            try {
                if (matches(rule, r)) return new Verdict(rule, rule.action(), rule.reason() + detail(rule, r), n, 0);
            } catch (ReceivePack.Unreadable e) {
                return new Verdict(rule, Action.BLOCK, e.getMessage(), n, e.status());
            }
        }
        String why = defaultAction == Action.ALLOW ? "no rule matched"
                : "no rule matched; the default action is " + defaultAction.word();
        return new Verdict(null, defaultAction, why, n, 0);
    }

    private static boolean matches(Rule rule, RuleRequest r) throws ReceivePack.Unreadable {
        for (Condition c : rule.conditions()) if (!c.test(r)) return false;
        return true;
    }

    /** What a git rule matched, for the reason ("(deletes refs/heads/x)"). */
    private static String detail(Rule rule, RuleRequest r) throws ReceivePack.Unreadable {
        for (Condition c : rule.conditions()) {
            if (c instanceof Condition.Git g) {
                GitUpdate u = g.matching(r);
                if (u == null) return "";
                if (u.deletion()) return " (deletes " + u.ref() + ")";
                if (u.forced()) return " (force-updates " + u.ref() + ": " + u.forceWhy() + ")";
                return " (" + (u.creation() ? "creates " : "updates ") + u.ref() + ")";
            }
        }
        return "";
    }
}
