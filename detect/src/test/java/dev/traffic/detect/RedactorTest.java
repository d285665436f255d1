package dev.traffic.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Body;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RedactorTest {
    private final Tokens tk = new Tokens(11);

    @Test
    void replacesSecretBytesInHeadersQueryAndBodyKeepingTheOriginalDigest() {
        String gh = tk.github("ghs_");
        String hf = tk.huggingface();
        Detector d = new Detector(Policy.parse("secrets: [{name: GH, value: \"" + gh + "\"}]", "t", Path.of("."), k -> null));
        FlowRequest req = Requests.post("https://paste.example.org/p?k=" + hf)
                .header("Authorization", "Bearer " + gh)
                .header("X-Blob", Tokens.b64("token " + gh))
                .body("application/json", "{\"a\":\"before " + gh + " after\"}").build();
        Body original = req.body();
        ScanResult r = d.inspect(req, ScanContext.stateless());
        FlowRequest red = Redactor.redact(req, r);
        String all = red.target() + red.headers() + new String(red.body().recorded(), StandardCharsets.ISO_8859_1);
        assertThat(all).doesNotContain(gh).doesNotContain(hf).doesNotContain(Tokens.b64("token " + gh));
        assertThat(red.header("Authorization")).isEqualTo("Bearer [REDACTED:github-app-token:" + Fingerprint.of(gh) + "]");
        assertThat(new String(red.body().recorded(), StandardCharsets.UTF_8)).startsWith("{\"a\":\"before [REDACTED:");
        assertThat(red.body().sha256()).isEqualTo(original.sha256());
        assertThat(red.body().size()).isEqualTo(original.size());
        assertThat(red.query()).startsWith("k=[REDACTED:huggingface-access-token:");
        // the input is untouched
        assertThat(req.headers()).contains(new Header("Authorization", "Bearer " + gh));
    }
}
