package dev.traffic.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.stage.StreamRewriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplacerTest {
    private final Replacer r = new Replacer(Map.of("PLACEHOLDER-1", "real-secret-value-one", "PH2", "two"));

    @Test
    void replacesEveryOccurrenceWholeAndLeavesOtherBytes() {
        assertThat(new String(r.apply("a PLACEHOLDER-1 b PH2 c PLACEHOLDER-1".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                .isEqualTo("a real-secret-value-one b two c real-secret-value-one");
        byte[] none = "nothing here".getBytes(StandardCharsets.UTF_8);
        assertThat(r.apply(none)).isSameAs(none);
        assertThat(r.apply("x PH2 y")).isEqualTo("x two y");
    }

    @Test
    void findsPatternsSplitAcrossEveryPieceBoundary() {
        String text = "head PLACEHOLDER-1 mid PH2PH2 tail PLACEHOLDER-1";
        String want = "head real-secret-value-one mid twotwo tail real-secret-value-one";
        byte[] all = text.getBytes(StandardCharsets.UTF_8);
        Random rnd = new Random(42);
        for (int trial = 0; trial < 500; trial++) {
            StreamRewriter s = r.stream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (at < all.length) {
                int n = Math.min(all.length - at, 1 + rnd.nextInt(7));
                byte[] piece = java.util.Arrays.copyOfRange(all, at, at + n);
                at += n;
                out.writeBytes(s.rewrite(piece, at == all.length));
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(want);
        }
        StreamRewriter s = r.stream();
        assertThat(s.rewrite(new byte[0], true)).isEmpty();
    }
}
