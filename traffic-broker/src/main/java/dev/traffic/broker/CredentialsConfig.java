package dev.traffic.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.traffic.match.HostGlob;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the {@code credentials:} key of the policy file (the other keys belong to detection and the
 * request rules, which ignore this one). Every error names the file and the entry
 * ({@code policy p.yaml: credentials[1] (aws): ...}). Reads no secret: that is the {@link Vault}'s job.
 */
public final class CredentialsConfig {
    private static final Set<String> ENTRY_KEYS = Set.of("name", "valueFrom", "placeholder", "hosts", "methods", "paths",
            "inject", "aws", "githubApp", "env");

    private CredentialsConfig() {}

    public static List<CredentialSpec> load(Path file) throws IOException {
        String yaml = Files.readString(file, StandardCharsets.UTF_8);
        return parse(yaml, file.toString(), file.toAbsolutePath().getParent());
    }

    /** The credentials of the policy YAML {@code yaml} (empty when there is no {@code credentials:} key). */
    public static List<CredentialSpec> parse(String yaml, String source, Path baseDir) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException("policy " + source + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject() || !root.has("credentials") || root.get("credentials").isNull()) return List.of();
        JsonNode list = root.get("credentials");
        if (!list.isArray()) throw new IllegalArgumentException("policy " + source + ": credentials must be a list");
        List<CredentialSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> placeholders = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            String where = "policy " + source + ": credentials[" + i + "]";
            if (n.isObject() && n.hasNonNull("name")) where += " (" + n.get("name").asText() + ")";
            try {
                CredentialSpec c = entry(n, baseDir);
                if (!names.add(c.name())) throw new IllegalArgumentException("duplicate name '" + c.name() + "'");
                for (String p : java.util.Arrays.asList(c.placeholder(), c.placeholderKeyId())) {
                    if (p != null && !placeholders.add(p)) throw new IllegalArgumentException("placeholder '" + p + "' is used twice");
                }
                out.add(c);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    private static CredentialSpec entry(JsonNode n, Path baseDir) {
        if (!n.isObject()) throw new IllegalArgumentException("must be a mapping");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!ENTRY_KEYS.contains(k)) throw new IllegalArgumentException("unknown key '" + k + "' (expected one of " + new java.util.TreeSet<>(ENTRY_KEYS) + ")");
        }
        String name = text(n, "name");
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("name must be 1-64 letters, digits, '.', '_' or '-', got '" + (name == null ? "" : name) + "'");
        }
        int kinds = (n.has("valueFrom") ? 1 : 0) + (n.has("aws") ? 1 : 0) + (n.has("githubApp") ? 1 : 0);
        if (kinds != 1) throw new IllegalArgumentException("needs exactly one of valueFrom, aws or githubApp");
        List<HostGlob> hosts = new ArrayList<>();
        JsonNode h = n.get("hosts");
        if (h == null || !h.isArray() || h.isEmpty()) throw new IllegalArgumentException("hosts: a non-empty list of host patterns is required (where the secret may go)");
        for (JsonNode x : h) {
            try {
                HostGlob g = HostGlob.of(x.asText());
                if (x.asText().trim().equals("*")) throw new IllegalArgumentException("'*' would send the secret anywhere");
                hosts.add(g);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("hosts: " + e.getMessage());
            }
        }
        Set<String> methods = new LinkedHashSet<>();
        for (String m : strings(n, "methods")) {
            if (!m.matches("[A-Za-z]+")) throw new IllegalArgumentException("methods: not a method '" + m + "'");
            methods.add(m.toUpperCase(Locale.ROOT));
        }
        List<PathGlob> paths = new ArrayList<>();
        for (String p : strings(n, "paths")) {
            try {
                paths.add(PathGlob.of(p));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("paths: " + e.getMessage());
            }
        }
        Inject inject = inject(n.get("inject"));
        if (n.has("aws")) {
            if (inject != null) throw new IllegalArgumentException("inject does not apply to aws (the request is re-signed)");
            JsonNode a = n.get("aws");
            if (!a.isObject()) throw new IllegalArgumentException("aws must be a mapping");
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!Set.of("accessKeyIdFrom", "secretKeyFrom", "sessionTokenFrom").contains(k)) throw new IllegalArgumentException("aws: unknown key '" + k + "'");
            }
            SecretRef keyId = ref(a.get("accessKeyIdFrom"), "aws.accessKeyIdFrom", baseDir, true);
            SecretRef secret = ref(a.get("secretKeyFrom"), "aws.secretKeyFrom", baseDir, true);
            SecretRef session = ref(a.get("sessionTokenFrom"), "aws.sessionTokenFrom", baseDir, false);
            JsonNode p = n.get("placeholder");
            String pk = "AKIATRAFFICPLACEHOLDR";
            String ps = "traffic-placeholder-" + name + "-secret";
            if (p != null && !p.isNull()) {
                if (!p.isObject()) throw new IllegalArgumentException("placeholder: for aws a mapping {accessKeyId, secretKey}");
                if (p.hasNonNull("accessKeyId")) pk = p.get("accessKeyId").asText();
                if (p.hasNonNull("secretKey")) ps = p.get("secretKey").asText();
            }
            if (!pk.matches("[A-Z0-9]{16,128}")) throw new IllegalArgumentException("placeholder.accessKeyId must look like an access key id (16-128 of A-Z, 0-9), got '" + pk + "'");
            checkPlaceholder(ps);
            return new CredentialSpec(name, CredentialSpec.Kind.AWS, ps, pk, List.copyOf(hosts), Set.copyOf(methods), List.copyOf(paths),
                    null, secret, keyId, session, null, null);
        }
        String placeholder = n.hasNonNull("placeholder") ? n.get("placeholder").asText() : defaultPlaceholder(name);
        if (n.hasNonNull("placeholder") && !n.get("placeholder").isValueNode()) throw new IllegalArgumentException("placeholder must be a string");
        checkPlaceholder(placeholder);
        if (n.has("githubApp")) {
            JsonNode g = n.get("githubApp");
            if (!g.isObject()) throw new IllegalArgumentException("githubApp must be a mapping");
            for (Iterator<String> it = g.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!Set.of("appId", "installationId", "privateKeyFrom", "apiUrl").contains(k)) throw new IllegalArgumentException("githubApp: unknown key '" + k + "'");
            }
            String appId = text(g, "appId");
            String inst = text(g, "installationId");
            if (appId == null || !appId.matches("[0-9]+|Iv[0-9A-Za-z.]+")) throw new IllegalArgumentException("githubApp.appId: a number (or client id) is required");
            if (inst == null || !inst.matches("[0-9]+")) throw new IllegalArgumentException("githubApp.installationId: a number is required");
            SecretRef key = ref(g.get("privateKeyFrom"), "githubApp.privateKeyFrom", baseDir, true);
            URI api;
            try {
                api = URI.create(g.hasNonNull("apiUrl") ? g.get("apiUrl").asText() : "https://api.github.com");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("githubApp.apiUrl: not a URL");
            }
            if (api.getHost() == null || !("https".equals(api.getScheme()) || "http".equals(api.getScheme()))) {
                throw new IllegalArgumentException("githubApp.apiUrl: expected an http(s) URL, got '" + api + "'");
            }
            return new CredentialSpec(name, CredentialSpec.Kind.GITHUB_APP, placeholder, null, List.copyOf(hosts), Set.copyOf(methods),
                    List.copyOf(paths), inject, null, null, null, new CredentialSpec.GitHubApp(appId, inst, key, api), envName(n, name));
        }
        SecretRef value = ref(n.get("valueFrom"), "valueFrom", baseDir, true);
        return new CredentialSpec(name, CredentialSpec.Kind.TOKEN, placeholder, null, List.copyOf(hosts), Set.copyOf(methods),
                List.copyOf(paths), inject, value, null, null, null, envName(n, name));
    }

    /** The sandbox variable for the placeholder: {@code env:}, else NAME_TOKEN upper-cased (github -> GITHUB_TOKEN). */
    private static String envName(JsonNode n, String name) {
        String e = text(n, "env");
        if (e == null) return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_") + "_TOKEN";
        if (!e.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("env: not a variable name '" + e + "'");
        return e;
    }

    /** The placeholder a credential gets when none is written: stable, recognisable, never a real token shape. */
    public static String defaultPlaceholder(String name) {
        return "traffic-placeholder-" + name;
    }

    private static void checkPlaceholder(String p) {
        if (p.length() < 8) throw new IllegalArgumentException("placeholder must be at least 8 characters (a short one would match by accident)");
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c <= ' ' || c >= 0x7f) throw new IllegalArgumentException("placeholder must be printable ASCII without spaces");
        }
    }

    private static Inject inject(JsonNode i) {
        if (i == null || i.isNull()) return null;
        if (!i.isObject()) throw new IllegalArgumentException("inject must be a mapping");
        for (Iterator<String> it = i.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("header", "format", "basic", "query").contains(k)) throw new IllegalArgumentException("inject: unknown key '" + k + "'");
        }
        String header = text(i, "header");
        String format = text(i, "format");
        String basic = text(i, "basic");
        String query = text(i, "query");
        int n = (header != null ? 1 : 0) + (basic != null ? 1 : 0) + (query != null ? 1 : 0);
        if (n != 1) throw new IllegalArgumentException("inject needs exactly one of header, basic or query");
        if (format != null && header == null) throw new IllegalArgumentException("inject.format goes with inject.header");
        if (header != null && !header.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) throw new IllegalArgumentException("inject.header: not a header name '" + header + "'");
        if (format != null && !format.contains(Inject.VALUE)) throw new IllegalArgumentException("inject.format must contain {value}");
        if (basic != null && !basic.contains(Inject.VALUE)) throw new IllegalArgumentException("inject.basic must contain {value} (e.g. \"x-access-token:{value}\")");
        if (basic != null && !basic.contains(":")) throw new IllegalArgumentException("inject.basic must be user:password");
        return new Inject(header, format, basic, query);
    }

    private static SecretRef ref(JsonNode r, String what, Path baseDir, boolean required) {
        if (r == null || r.isNull()) {
            if (required) throw new IllegalArgumentException(what + " is required ({file: PATH} or {env: NAME})");
            return null;
        }
        if (!r.isObject()) throw new IllegalArgumentException(what + " must be {file: PATH} or {env: NAME}");
        String file = text(r, "file");
        String env = text(r, "env");
        for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("file") && !k.equals("env")) throw new IllegalArgumentException(what + ": unknown key '" + k + "'");
        }
        if ((file == null) == (env == null)) throw new IllegalArgumentException(what + " needs exactly one of file or env");
        if (file != null) {
            Path p = Path.of(file);
            if (!p.isAbsolute() && baseDir != null) p = baseDir.resolve(p);
            return new SecretRef(p, null);
        }
        return new SecretRef(null, env);
    }

    private static String text(JsonNode n, String k) {
        JsonNode v = n.get(k);
        if (v == null || v.isNull()) return null;
        if (!v.isValueNode()) throw new IllegalArgumentException(k + " must be a string");
        String s = v.asText();
        return s.isEmpty() ? null : s;
    }

    private static List<String> strings(JsonNode n, String k) {
        JsonNode v = n.get(k);
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw new IllegalArgumentException(k + " must be a list");
        List<String> out = new ArrayList<>();
        for (JsonNode x : v) out.add(x.asText());
        return out;
    }
}
