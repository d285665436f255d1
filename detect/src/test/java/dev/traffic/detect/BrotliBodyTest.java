package dev.traffic.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Finding;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Severity;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@code Content-Encoding: br} request body is decompressed before scanning. The fixture was made
 * once with the Debian {@code brotli} CLI ({@code brotli -q 11}) from a 1407-byte LLM-style JSON
 * request whose prompt carries a synthetic, checksum-valid {@code ghp_} token (random, never issued).
 */
class BrotliBodyTest {
    private static final String TOKEN = "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";

    private static byte[] fixture() throws Exception {
        try (InputStream in = BrotliBodyTest.class.getResourceAsStream("/fixtures/llm-request-with-token.json.br")) {
            return in.readAllBytes();
        }
    }

    @Test
    void tokenInsideABrotliBodyIsFoundAndTheBodyRedacted() throws Exception {
        byte[] br = fixture();
        assertThat(new String(br, StandardCharsets.ISO_8859_1)).doesNotContain("ghp_"); // really compressed
        FlowRequest req = Requests.post("https://llm.example.net/v1/messages")
                .header("Content-Encoding", "br").body("application/json", br).build();
        ScanResult r = new Detector(Policy.defaults()).inspect(req, ScanContext.stateless());
        List<Finding> fs = r.findings();
        assertThat(fs).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("github-pat");
            assertThat(f.location()).isEqualTo("body-json");
            assertThat(f.encoding()).isEqualTo("br");
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.fingerprint()).isEqualTo(Fingerprint.of(TOKEN));
        });
        // the secret sat inside the compressed layer: the whole encoded body is replaced, size and digest kept
        FlowRequest red = Redactor.redact(req, r);
        assertThat(new String(red.body().recorded(), StandardCharsets.ISO_8859_1)).isEqualTo("[REDACTED:github-pat:" + Fingerprint.of(TOKEN) + "]");
        assertThat(red.body().size()).isEqualTo(br.length);
        assertThat(red.body().sha256()).isEqualTo(req.body().sha256());
    }

    @Test
    void aBrokenBrotliBodyIsScannedAsIsWithoutFailing() throws Exception {
        byte[] br = fixture();
        byte[] cut = java.util.Arrays.copyOf(br, br.length / 2);
        FlowRequest req = Requests.post("https://llm.example.net/v1/messages")
                .header("Content-Encoding", "br").body("application/json", cut).build();
        assertThat(new Detector(Policy.defaults()).scan(req, ScanContext.stateless()))
                .noneMatch(f -> f.severity().atLeast(Severity.MEDIUM));
    }
}
