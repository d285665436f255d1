package dev.traffic.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Finding;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Severity;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JSON request bodies: strings at any depth, escaped tokens, and bodies that break off part way. */
class JsonBodyTest {
    private final Tokens tk = new Tokens(5);
    private final String secret = tk.github("ghs_");
    private final Detector detector = new Detector(Policy.parse("secrets: [{name: GH, value: \"" + secret + "\"}]",
            "t.yaml", Path.of("."), k -> null));

    private List<Finding> scan(String json, int window) {
        FlowRequest r = Requests.post("https://paste.example.net/new").body("application/json", json).build();
        return detector.scan(r, new ScanContext(null, null, window));
    }

    private static boolean critical(List<Finding> fs) {
        return fs.stream().anyMatch(f -> f.severity() == Severity.CRITICAL && f.detail().contains("GH"));
    }

    @Test
    void tokenInsideEscapesAndDeepNesting() {
        String escaped = secret.substring(0, 4) + "\\u00" + Integer.toHexString(secret.charAt(4)) + secret.substring(5);
        assertThat(scan("{\"a\":[{\"b\":{\"c\":\"see \\\"" + escaped + "\\\" here\"}}]}", ScanContext.DEFAULT_WINDOW))
                .anySatisfy(f -> {
                    assertThat(f.location()).isEqualTo("body-json");
                    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
                });
    }

    @Test
    void textAfterASyntaxErrorIsStillScanned() {
        assertThat(critical(scan("{\"a\":\"harmless value\", oops " + secret + " }", ScanContext.DEFAULT_WINDOW))).isTrue();
    }

    @Test
    void theTruncatedLastStringOfAWindowIsStillScanned() {
        String body = "{\"model\":\"m\",\"content\":\"" + "lorem ipsum ".repeat(2000) + secret + " " + "x".repeat(5000) + "\"}";
        int window = body.indexOf(secret) + secret.length() + 10;
        List<Finding> fs = scan(body, window);
        assertThat(critical(fs)).isTrue();
        assertThat(fs).anySatisfy(f -> assertThat(f.rule()).isEqualTo("body-not-fully-scanned"));
    }
}
