package dev.traffic.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Finding;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Short values (JSON strings, form fields) take a one-pass quiet check before the full scan: the
 * ones that check must hand on (a keyword, a percent-encoded view, a piece of a known secret) are
 * still found, and plain short values stay quiet.
 */
class ShortValuesTest {
    private final Tokens tk = new Tokens(11);
    private final String hfToken = tk.huggingface();
    private final Detector detector = new Detector(Policy.parse("""
            secrets:
              - name: HF_TOKEN
                value: "%s"
            """.formatted(hfToken), "test.yaml", Path.of("."), k -> null));

    private List<Finding> json(String value) {
        return detector.scan(Requests.post("https://api.example.net/v1/items")
                .body("application/json", "{\"items\":[{\"name\":\"item 1\",\"v\":\"" + value + "\"}]}").build(), ScanContext.stateless());
    }

    @Test
    void shortValuesNeedingTheFullScanAreStillFound() {
        String keyId = "AKIA" + "Q7XH2LMNPR4TW6ZB"; // 20 chars: shorter than any secret pattern
        assertThat(json(keyId)).anySatisfy(f -> assertThat(f.rule()).isEqualTo("aws-access-token"));
        String pct = "%41%4B%49%41" + "Q7XH2LMNPR4TW6ZB"; // the same id percent-encoded: found through the decoded view
        assertThat(json(pct)).anySatisfy(f -> assertThat(f.rule()).isEqualTo("aws-access-token"));
        String b64 = java.util.Base64.getEncoder().encodeToString(keyId.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(json(b64)).as(b64).anySatisfy(f -> { // a 28-char run worth decoding: found in the decoded layer
            assertThat(f.rule()).isEqualTo("aws-access-token");
            assertThat(f.encoding()).isEqualTo("base64");
        });
        String piece = hfToken.substring(10, 24); // a distinctive piece of the policy's own secret
        assertThat(json(piece)).anySatisfy(f -> assertThat(f.detail()).contains("HF_TOKEN"));
        String glued = "id " + piece; // the piece as one token of a short value
        assertThat(json(glued)).anySatisfy(f -> assertThat(f.detail()).contains("HF_TOKEN"));
    }

    private List<Finding> form(String rawValue) {
        return detector.scan(Requests.post("https://api.example.net/v1/items")
                .body("application/x-www-form-urlencoded", "a=item+1&v=" + rawValue + "&b=x").build(), ScanContext.stateless());
    }

    private List<Finding> query(String rawValue) {
        return detector.scan(Requests.get("https://api.example.net/v1/items?a=1&v=" + rawValue).build(), ScanContext.stateless());
    }

    /** Form and query values are checked on the wire text before their strings are built: the same cases. */
    @Test
    void formAndQueryValuesNeedingTheFullScanAreStillFound() {
        String keyId = "AKIA" + "Q7XH2LMNPR4TW6ZB";
        String piece = hfToken.substring(10, 24);
        for (var scan : List.<java.util.function.Function<String, List<Finding>>>of(this::form, this::query)) {
            assertThat(scan.apply(keyId)).anySatisfy(f -> assertThat(f.rule()).isEqualTo("aws-access-token"));
            assertThat(scan.apply("%41%4B%49%41Q7XH2LMNPR4TW6ZB")).anySatisfy(f -> assertThat(f.rule()).isEqualTo("aws-access-token"));
            assertThat(scan.apply(piece)).anySatisfy(f -> assertThat(f.detail()).contains("HF_TOKEN"));
            assertThat(scan.apply("id+" + piece)).as("'+' decodes to a space").anySatisfy(f -> assertThat(f.detail()).contains("HF_TOKEN"));
            assertThat(scan.apply("2026-01-01T00:00:00Z")).isEmpty();
            assertThat(scan.apply("authorization_code")).isEmpty();
        }
    }

    @Test
    void plainShortValuesStayQuiet() {
        assertThat(json("2026-01-01T00:00:00Z")).isEmpty();
        assertThat(json("f55d400b-c910")).isEmpty();
        assertThat(json("authorization_code")).isEmpty(); // a long run of words: nothing to decode
        assertThat(json("f55d400b-c910-4a7e-8a3b")).isEmpty(); // a dashed hex id run
    }
}
