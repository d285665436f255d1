package dev.traffic.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The named rule sets a user enables with {@code --preset NAME} or {@code presets: [NAME]}: plain
 * policy-file rules shipped as resources ({@code presets/NAME.yaml}), so what a preset does is
 * exactly what {@link #yaml} prints (and docs/reference/request-rule-presets.md shows).
 */
public final class Presets {
    public static final List<String> NAMES = List.of("k8s-read-only", "git-safe", "github-read-mostly", "cloud-no-delete");

    private Presets() {}

    /** The preset's YAML as shipped; throws IllegalArgumentException for an unknown name. */
    public static String yaml(String name) {
        if (!NAMES.contains(name)) throw new IllegalArgumentException("unknown preset '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        try (InputStream in = Presets.class.getResourceAsStream("presets/" + name + ".yaml")) {
            if (in == null) throw new IllegalStateException("preset resource missing: " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The preset's {@code rules:} list. */
    static JsonNode rules(String name) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(yaml(name)).get("rules");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
