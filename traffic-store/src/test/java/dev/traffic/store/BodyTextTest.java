package dev.traffic.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import dev.traffic.store.index.BodyText;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class BodyTextTest {
    private static final byte[] TEXT = "{\"key\":\"BEGIN PRIVATE KEY\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void decodesGzipDeflateAndZstd() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream o = new GZIPOutputStream(gz)) {
            o.write(TEXT);
        }
        ByteArrayOutputStream df = new ByteArrayOutputStream();
        try (DeflaterOutputStream o = new DeflaterOutputStream(df)) {
            o.write(TEXT);
        }
        assertThat(BodyText.decode(gz.toByteArray(), "gzip", 1 << 20)).isEqualTo(TEXT);
        assertThat(BodyText.decode(df.toByteArray(), "deflate", 1 << 20)).isEqualTo(TEXT);
        assertThat(BodyText.decode(Zstd.compress(TEXT), "zstd", 1 << 20)).isEqualTo(TEXT);
        // damaged or unknown: the bytes as recorded
        assertThat(BodyText.decode(TEXT, "gzip", 1 << 20)).isEqualTo(TEXT);
        assertThat(BodyText.decode(TEXT, "x-unknown", 5)).hasSize(5);
    }
}
