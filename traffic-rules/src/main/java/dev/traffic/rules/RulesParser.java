package dev.traffic.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.traffic.match.HostGlob;
import dev.traffic.rules.internal.Glob;
import dev.traffic.rules.internal.PathGlob;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the {@code rules:} entries of a policy file (and of presets), collecting every problem. */
final class RulesParser {
    static final Set<String> RULE_KEYS = Set.of("name", "host", "hosts", "port", "ports", "method", "methods", "path", "paths",
            "query", "form", "header", "headers", "git", "action", "reason");
    static final Set<String> GIT_KEYS = Set.of("delete-ref", "push-to", "force");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern METHOD = Pattern.compile("[A-Za-z]{1,20}");

    final List<PolicyProblem> problems = new ArrayList<>();
    private final String file;

    RulesParser(String file) {
        this.file = file;
    }

    /** Parses a {@code rules:} list; {@code origin} is "rules" for a file or "preset NAME". */
    List<Rule> rules(JsonNode list, String origin) {
        List<Rule> out = new ArrayList<>();
        if (list == null || list.isNull()) return out;
        if (!list.isArray()) {
            problem(origin, "must be a list of rules");
            return out;
        }
        int i = 0;
        for (JsonNode n : list) {
            String where = origin + "[" + i++ + "]";
            Rule r = rule(n, where, origin.startsWith("preset ") ? origin : null);
            if (r != null) out.add(r);
        }
        return out;
    }

    private Rule rule(JsonNode n, String entry, String preset) {
        if (!n.isObject()) {
            problem(entry, "must be a mapping like {name: x, host: h, action: block}");
            return null;
        }
        String name = n.hasNonNull("name") ? n.get("name").asText() : null;
        String where = name == null ? entry : entry + " '" + name + "'";
        int before = problems.size();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!RULE_KEYS.contains(k)) problem(where, "unknown key '" + k + "' (known: " + String.join(", ", new java.util.TreeSet<>(RULE_KEYS)) + ")");
        }
        if (name == null) problem(where, "needs a name (it is what the decision trace and rule: searches show)");
        else if (!NAME.matcher(name).matches()) problem(where, "name must be letters, digits, '.', '-' or '_' (searchable as rule:NAME)");
        Action action = null;
        if (!n.hasNonNull("action")) problem(where, "needs an action (allow, block, flag or alert)");
        else if ((action = Action.parse(n.get("action").asText())) == null) {
            problem(where, "unknown action '" + n.get("action").asText() + "' (allow, block, flag or alert)");
        }
        List<Condition> conds = new ArrayList<>();
        pair(n, "host", "hosts", where).ifPresent(v -> {
            List<HostGlob> gs = new ArrayList<>();
            for (String s : strings(v, where, "host")) {
                try {
                    gs.add(HostGlob.of(s));
                } catch (IllegalArgumentException e) {
                    problem(where, "bad host glob: " + e.getMessage());
                }
            }
            conds.add(new Condition.Hosts(List.copyOf(gs)));
        });
        pair(n, "port", "ports", where).ifPresent(v -> {
            Set<Integer> ports = new LinkedHashSet<>();
            for (JsonNode p : v.isArray() ? v : List.of(v)) {
                if (!p.canConvertToInt() || p.asInt() < 1 || p.asInt() > 65535 || !(p.isInt() || p.isTextual() && p.asText().matches("\\d+"))) {
                    problem(where, "bad port '" + p.asText() + "' (1-65535)");
                } else {
                    ports.add(p.asInt());
                }
            }
            conds.add(new Condition.Ports(Set.copyOf(ports)));
        });
        pair(n, "method", "methods", where).ifPresent(v -> {
            Set<String> ms = new LinkedHashSet<>();
            for (String s : strings(v, where, "method")) {
                if (!METHOD.matcher(s).matches()) problem(where, "bad method '" + s + "'");
                else ms.add(s.toUpperCase(Locale.ROOT));
            }
            // a GET rule covers HEAD too: the same read, and a block on GET should not leak via HEAD
            if (ms.contains("GET")) ms.add("HEAD");
            conds.add(new Condition.Methods(Set.copyOf(ms)));
        });
        pair(n, "path", "paths", where).ifPresent(v -> {
            List<PathGlob> gs = new ArrayList<>();
            for (String s : strings(v, where, "path")) {
                try {
                    gs.add(PathGlob.of(s));
                } catch (IllegalArgumentException e) {
                    problem(where, "bad path glob: " + e.getMessage());
                }
            }
            conds.add(new Condition.Paths(List.copyOf(gs)));
        });
        pair(n, "header", "headers", where).ifPresent(v -> {
            Map<String, List<Glob>> m = valueMap(v, where, "headers");
            if (m != null) conds.add(new Condition.Headers(m));
        });
        if (n.has("query")) {
            Map<String, List<Glob>> m = valueMap(n.get("query"), where, "query");
            if (m != null) conds.add(new Condition.Params(false, m));
        }
        if (n.has("form")) {
            Map<String, List<Glob>> m = valueMap(n.get("form"), where, "form");
            if (m != null) conds.add(new Condition.Params(true, m));
        }
        if (n.has("git")) {
            Condition.Git g = git(n.get("git"), where);
            if (g != null) conds.add(g);
        }
        if (problems.size() > before || action == null || name == null) return null;
        String reason = n.hasNonNull("reason") ? n.get("reason").asText()
                : (action == Action.ALLOW ? "allowed" : action == Action.BLOCK ? "blocked" : "flagged") + " by rule " + name;
        return new Rule(name, preset != null ? preset : entry, action, reason, conds);
    }

    private Condition.Git git(JsonNode g, String where) {
        if (!g.isObject()) {
            problem(where, "git must be a mapping: {delete-ref: true}, {push-to: [refs/heads/main]} or {force: true}");
            return null;
        }
        for (Iterator<String> it = g.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!GIT_KEYS.contains(k)) problem(where, "unknown git key '" + k + "' (delete-ref, push-to, force)");
        }
        Boolean del = bool(g, "delete-ref", where);
        Boolean force = bool(g, "force", where);
        List<Glob> to = null;
        if (g.has("push-to")) {
            to = new ArrayList<>();
            for (String s : strings(g.get("push-to"), where, "git.push-to")) {
                if (!s.startsWith("refs/")) problem(where, "bad ref glob '" + s + "' (full ref names: refs/heads/main, refs/tags/*)");
                else if (s.chars().anyMatch(c -> c <= ' ' || c == '~' || c == '^' || c == ':' || c == '\\' || c == 0x7f)) {
                    problem(where, "bad ref glob '" + s + "' (contains a character git refuses in ref names)");
                } else {
                    to.add(Glob.caseSensitive(s));
                }
            }
            to = List.copyOf(to);
        }
        if (del == null && force == null && to == null) {
            problem(where, "git needs delete-ref, push-to or force");
            return null;
        }
        return new Condition.Git(del, to, force);
    }

    private Boolean bool(JsonNode g, String k, String where) {
        if (!g.has(k)) return null;
        JsonNode v = g.get(k);
        if (!v.isBoolean()) {
            problem(where, "git." + k + " must be true or false");
            return null;
        }
        return v.asBoolean();
    }

    /** {name: glob | [globs] | null} -> name -> globs (null: must be absent). */
    private Map<String, List<Glob>> valueMap(JsonNode v, String where, String key) {
        if (!v.isObject() || v.isEmpty()) {
            problem(where, key + " must be a mapping of names to globs, e.g. {dryRun: \"*\"} (null: absent)");
            return null;
        }
        Map<String, List<Glob>> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                m.put(e.getKey(), null);
                continue;
            }
            List<Glob> gs = new ArrayList<>();
            for (String s : strings(e.getValue(), where, key + "." + e.getKey())) gs.add(Glob.of(s));
            m.put(e.getKey(), List.copyOf(gs));
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    private java.util.Optional<JsonNode> pair(JsonNode n, String one, String many, String where) {
        if (n.has(one) && n.has(many)) problem(where, "give " + one + " or " + many + ", not both");
        JsonNode v = n.has(many) ? n.get(many) : n.get(one);
        if (v == null) return java.util.Optional.empty();
        if (v.isNull() || (v.isArray() && v.isEmpty())) {
            problem(where, (n.has(many) ? many : one) + " is empty (leave it out to match any)");
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(v);
    }

    private List<String> strings(JsonNode v, String where, String key) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : v.isArray() ? v : List.of(v)) {
            if (!s.isValueNode() || s.isNull()) {
                problem(where, key + ": " + s + " is not a string");
            } else {
                out.add(s.asText());
            }
        }
        return out;
    }

    void problem(String where, String message) {
        problems.add(new PolicyProblem("policy " + file + ": " + where, message));
    }

    /** Sets the hosts of every rule (a preset's {@code hosts:} override). */
    static JsonNode withHosts(JsonNode rules, JsonNode hosts) {
        ArrayNode copy = ((ArrayNode) rules).deepCopy();
        for (JsonNode r : copy) {
            ObjectNode o = (ObjectNode) r;
            o.remove("host");
            o.set("hosts", hosts);
        }
        return copy;
    }
}
