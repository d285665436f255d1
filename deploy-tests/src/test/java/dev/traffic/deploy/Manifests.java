package dev.traffic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Renders a kustomization the way {@code kubectl apply -k} would for the subset our manifests use
 * ({@code resources:} only: files and directories, recursively) and parses every document into its
 * typed fabric8 class. A field the typed model does not know (a typo, a wrong nesting) fails the
 * parse: fabric8 keeps such fields in {@code additionalProperties}, and {@link #assertNoUnknownFields}
 * walks the object graph for them.
 */
final class Manifests {
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "v1/Service", Service.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Pod", Pod.class,
            "v1/ServiceAccount", ServiceAccount.class,
            "apps/v1/Deployment", Deployment.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);
    private static final Set<String> KUSTOMIZATION_KEYS = Set.of("apiVersion", "kind", "resources", "patches");

    private static final YAMLMapper YAML = YAMLMapper.builder(new YAMLFactory()).build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private Manifests() {}

    /** All objects of a kustomization directory, in resource order, with its patches applied. */
    static List<HasMetadata> render(Path kustomizationDir) throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        for (JsonNode doc : renderNodes(kustomizationDir)) {
            out.add(parse(doc, kustomizationDir + " (" + doc.path("kind").asString() + " " + doc.path("metadata").path("name").asString() + ")"));
        }
        return out;
    }

    private static List<JsonNode> renderNodes(Path kustomizationDir) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        Path file = kustomizationDir.resolve("kustomization.yaml");
        JsonNode k = YAML.readTree(file.toFile());
        assertThat(k.get("kind").asString()).as(file.toString()).isEqualTo("Kustomization");
        for (String key : k.propertyNames()) {
            assertThat(KUSTOMIZATION_KEYS).as("%s uses '%s', which this renderer does not model", file, key).contains(key);
        }
        for (JsonNode r : k.get("resources")) {
            Path p = kustomizationDir.resolve(r.asString()).normalize();
            if (Files.isDirectory(p)) out.addAll(renderNodes(p));
            else out.addAll(nodes(p));
        }
        if (k.has("patches")) {
            for (JsonNode patchRef : k.get("patches")) {
                assertThat(patchRef.propertyNames()).as("%s: only 'path' patches (strategic merge) are modelled", file).containsExactly("path");
                for (JsonNode patch : nodes(kustomizationDir.resolve(patchRef.get("path").asString()))) {
                    JsonNode target = out.stream().filter(d -> d.path("kind").equals(patch.path("kind"))
                            && d.path("metadata").path("name").equals(patch.path("metadata").path("name"))).findFirst().orElse(null);
                    assertThat(target).as("%s patches %s %s, which the resources do not have", file, patch.path("kind"),
                            patch.path("metadata").path("name")).isNotNull();
                    merge((tools.jackson.databind.node.ObjectNode) target, patch);
                }
            }
        }
        return out;
    }

    /**
     * Strategic merge as kustomize does it for the fields our patches touch: objects merge key by
     * key; lists of objects with a {@code name} (containers, initContainers, volumes, env) merge by
     * name, new names appended; other lists and scalars are replaced.
     */
    private static void merge(tools.jackson.databind.node.ObjectNode target, JsonNode patch) {
        for (String key : patch.propertyNames()) {
            JsonNode pv = patch.get(key);
            JsonNode tv = target.get(key);
            if (pv.isObject() && tv != null && tv.isObject()) {
                merge((tools.jackson.databind.node.ObjectNode) tv, pv);
            } else if (pv.isArray() && tv != null && tv.isArray() && namedList(pv) && namedList(tv)) {
                tools.jackson.databind.node.ArrayNode ta = (tools.jackson.databind.node.ArrayNode) tv;
                for (JsonNode item : pv) {
                    JsonNode same = null;
                    for (JsonNode t : ta) if (t.path("name").equals(item.path("name"))) same = t;
                    if (same == null) ta.add(item.deepCopy());
                    else merge((tools.jackson.databind.node.ObjectNode) same, item);
                }
            } else {
                target.set(key, pv.deepCopy());
            }
        }
    }

    private static boolean namedList(JsonNode a) {
        if (a.isEmpty()) return true;
        for (JsonNode x : a) if (!x.isObject() || !x.has("name")) return false;
        return true;
    }

    private static List<JsonNode> nodes(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var docs = YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isEmpty()) continue;
                out.add(doc);
            }
        }
        return out;
    }

    static List<HasMetadata> parseFile(Path file) throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        try (var docs = YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isEmpty()) continue;
                out.add(parse(doc, file + " (" + doc.path("kind").asString() + ")"));
            }
        }
        return out;
    }

    static HasMetadata parse(JsonNode doc, String where) {
        String key = doc.path("apiVersion").asString() + "/" + doc.path("kind").asString();
        Class<? extends HasMetadata> type = KINDS.get(key);
        assertThat(type).as("%s: unexpected apiVersion/kind %s", where, key).isNotNull();
        HasMetadata obj = JSON.treeToValue(doc, type);
        assertNoUnknownFields(obj, where);
        return obj;
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objs, Class<T> type, String name) {
        List<T> found = objs.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).toList();
        assertThat(found).as("exactly one %s %s", type.getSimpleName(), name).hasSize(1);
        return found.get(0);
    }

    static <T> List<T> all(List<HasMetadata> objs, Class<T> type) {
        return objs.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Fails when any fabric8 object under {@code root} holds fields its typed model does not define. */
    static void assertNoUnknownFields(Object root, String where) {
        walk(root, "", where, new IdentityHashMap<>());
    }

    private static void walk(Object o, String path, String where, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, true) != null) return;
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) walk(e, path + "[" + i++ + "]", where, seen);
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) walk(e.getValue(), path + "." + e.getKey(), where, seen);
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) return;
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) continue;
            Object v;
            try {
                v = m.invoke(o);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                assertThat((Map<?, ?>) v).as("%s: unknown field(s) at %s", where, path.isEmpty() ? "top level" : path)
                        .isNullOrEmpty();
            } else {
                walk(v, path + "." + decap(m.getName().substring(3)), where, seen);
            }
        }
    }

    private static String decap(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
