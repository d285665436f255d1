package dev.traffic.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The detection policy: the sandbox's own secrets, canaries, per-family destinations (merged over
 * {@link BuiltinDefaults}: a family named in the file replaces the built-in hosts and/or locations
 * it lists), sinks (added to the built-in list) and internal hosts. Immutable once loaded; secret
 * values live only here and in the detector's matchers, never in findings or logs.
 */
public final class Policy {
    /** A provisioned secret or a canary. {@code family} is null when the file gave none. */
    public record Secret(String name, String family, String value, boolean canary) {
        @Override
        public String toString() {
            return "Secret[" + name + ", " + family + (canary ? ", canary" : "") + "]";
        }
    }

    private final List<Secret> secrets;
    private final Map<String, Destination> destinations;
    private final List<HostPattern> sinks;
    private final List<HostPattern> internalHosts;

    private Policy(List<Secret> secrets, Map<String, Destination> destinations, List<HostPattern> sinks,
            List<HostPattern> internalHosts) {
        this.secrets = List.copyOf(secrets);
        this.destinations = Map.copyOf(destinations);
        this.sinks = List.copyOf(sinks);
        this.internalHosts = List.copyOf(internalHosts);
        for (HostPattern p : this.sinks) {
            if (p.pathPrefix() != null) sinksWithPath.add(p);
            else if (p.wildcard()) sinkSuffixes.add(p.host());
            else sinkHosts.add(p.host());
        }
    }

    // the sink list hashed once: every request asks whether its host is one
    private final java.util.Set<String> sinkHosts = new java.util.HashSet<>();
    private final java.util.Set<String> sinkSuffixes = new java.util.HashSet<>();
    private final List<HostPattern> sinksWithPath = new ArrayList<>();

    /** Built-in destinations and sinks, no secrets: what {@code traffic scan} uses without --policy. */
    public static Policy defaults() {
        return new Policy(List.of(), BuiltinDefaults.destinations(), BuiltinDefaults.sinks(), List.of());
    }

    /** Top-level keys other readers of the policy file own; detection ignores them. */
    private static final java.util.Set<String> IGNORED_KEYS = java.util.Set.of("rules", "presets", "credentials");

    public static Policy load(Path file) throws IOException {
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read policy " + file + ": " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(yaml, file.toString(), base, System::getenv);
    }

    /**
     * Parses policy YAML. {@code source} names the file in error messages; {@code valueFrom: {file:}}
     * paths resolve against {@code baseDir}; {@code valueFrom: {env:}} reads through {@code env}.
     */
    public static Policy parse(String yaml, String source, Path baseDir, Function<String, String> env) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException("policy " + source + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || root.isNull() || root.isMissingNode()) return defaults();
        if (!root.isObject()) throw new IllegalArgumentException("policy " + source + ": top level must be a mapping");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            // rules/presets belong to the request rules, credentials to the broker (they read the same file)
            if (IGNORED_KEYS.contains(k)) continue;
            if (!List.of("secrets", "canaries", "destinations", "sinks", "internal_hosts").contains(k)) {
                throw new IllegalArgumentException("policy " + source + ": unknown key '" + k + "'");
            }
        }
        List<Secret> secrets = new ArrayList<>();
        readSecrets(root.get("secrets"), false, source, baseDir, env, secrets);
        readSecrets(root.get("canaries"), true, source, baseDir, env, secrets);

        Map<String, Destination> dest = new LinkedHashMap<>(BuiltinDefaults.destinations());
        JsonNode d = root.get("destinations");
        if (d != null && !d.isNull()) {
            if (!d.isObject()) throw new IllegalArgumentException("policy " + source + ": destinations must be a mapping");
            for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String family = Families.canonical(e.getKey());
                String where = "policy " + source + ": destinations." + e.getKey();
                if (!e.getValue().isObject()) throw new IllegalArgumentException(where + " must be a mapping");
                Destination old = dest.getOrDefault(family, Destination.NOWHERE);
                List<HostPattern> hosts = e.getValue().has("hosts")
                        ? patterns(e.getValue().get("hosts"), where + ".hosts") : old.hosts();
                List<String> locs = e.getValue().has("locations")
                        ? strings(e.getValue().get("locations"), where + ".locations") : old.locations();
                dest.put(family, new Destination(hosts, locs));
            }
        }
        List<HostPattern> sinks = new ArrayList<>(BuiltinDefaults.sinks());
        if (root.has("sinks")) {
            for (HostPattern p : patterns(root.get("sinks"), "policy " + source + ": sinks")) {
                if (!sinks.contains(p)) sinks.add(p);
            }
        }
        List<HostPattern> internal = root.has("internal_hosts")
                ? patterns(root.get("internal_hosts"), "policy " + source + ": internal_hosts") : List.of();
        return new Policy(secrets, dest, sinks, internal);
    }

    private static void readSecrets(JsonNode list, boolean canary, String source, Path baseDir,
            Function<String, String> env, List<Secret> out) {
        String key = canary ? "canaries" : "secrets";
        if (list == null || list.isNull()) return;
        if (!list.isArray()) throw new IllegalArgumentException("policy " + source + ": " + key + " must be a list");
        int i = 0;
        for (JsonNode n : list) {
            String where = "policy " + source + ": " + key + "[" + i++ + "]";
            if (!n.isObject()) throw new IllegalArgumentException(where + " must be a mapping");
            String name = n.hasNonNull("name") ? n.get("name").asText() : key + "[" + (i - 1) + "]";
            where = "policy " + source + ": " + key + " '" + name + "'";
            String family = n.hasNonNull("family") ? Families.canonical(n.get("family").asText()) : null;
            String value;
            if (n.hasNonNull("value")) {
                value = n.get("value").asText();
            } else if (n.hasNonNull("valueFrom")) {
                JsonNode vf = n.get("valueFrom");
                if (vf.hasNonNull("env")) {
                    String var = vf.get("env").asText();
                    value = env.apply(var);
                    if (value == null) throw new IllegalArgumentException(where + ": environment variable " + var + " is not set");
                } else if (vf.hasNonNull("file")) {
                    Path p = Path.of(vf.get("file").asText());
                    if (!p.isAbsolute() && baseDir != null) p = baseDir.resolve(p);
                    try {
                        value = Files.readString(p, StandardCharsets.UTF_8).strip();
                    } catch (IOException e) {
                        throw new IllegalArgumentException(where + ": cannot read " + p + ": " + e.getMessage());
                    }
                } else {
                    throw new IllegalArgumentException(where + ": valueFrom needs env or file");
                }
            } else {
                throw new IllegalArgumentException(where + ": needs value or valueFrom");
            }
            if (value.isBlank()) throw new IllegalArgumentException(where + ": value is empty");
            out.add(new Secret(name, family, value, canary));
        }
    }

    private static List<String> strings(JsonNode n, String where) {
        if (n == null || n.isNull()) return List.of();
        if (!n.isArray()) throw new IllegalArgumentException(where + " must be a list");
        List<String> out = new ArrayList<>();
        for (JsonNode v : n) out.add(v.asText());
        return out;
    }

    private static List<HostPattern> patterns(JsonNode n, String where) {
        List<HostPattern> out = new ArrayList<>();
        for (String s : strings(n, where)) {
            try {
                out.add(HostPattern.parse(s));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
        }
        return out;
    }

    public List<Secret> secrets() {
        return secrets;
    }

    /** The family's destination, {@link Destination#NOWHERE} when it has none. */
    public Destination destination(String family) {
        return destinations.getOrDefault(family, Destination.NOWHERE);
    }

    public Map<String, Destination> destinations() {
        return destinations;
    }

    public List<HostPattern> sinks() {
        return sinks;
    }

    public boolean isSink(String host, String path) {
        if (host == null) return false;
        if (sinkHosts.contains(host)) return true;
        if (!sinkSuffixes.isEmpty()) {
            // "*.x.y" matches proper subdomains: try every suffix after a dot
            for (int dot = host.indexOf('.'); dot >= 0 && dot + 1 < host.length(); dot = host.indexOf('.', dot + 1)) {
                if (sinkSuffixes.contains(host.substring(dot + 1))) return true;
            }
        }
        for (HostPattern p : sinksWithPath) if (p.matches(host, path)) return true;
        return false;
    }

    public boolean isInternal(String host) {
        for (HostPattern p : internalHosts) if (p.matchesHost(host)) return true;
        return false;
    }
}
