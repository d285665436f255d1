package dev.traffic.detect.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The body walker's JSON tokenizer: strings at any depth with escapes decoded, structure checked. */
class JsonStringsTest {
    private final List<String> seen = new ArrayList<>();
    private final List<String> raw = new ArrayList<>();

    private int walk(String json) {
        byte[] b = json.getBytes(StandardCharsets.ISO_8859_1);
        return JsonStrings.walk(b, b.length, (text, from, to, escaped) -> {
            seen.add(text);
            raw.add(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
        });
    }

    @Test
    void namesAndValuesAtAnyDepthWithEscapesDecoded() {
        assertThat(walk("{\"model\":\"abcd\",\"messages\":[{\"role\":\"user\",\"content\":\"a\\\"b\\\\c\\/d\\ne\\u0041\\u4e2d\"}],"
                + "\"n\":-1.5e3,\"ok\":true,\"x\":null,\"deep\":[[[\"wxyz\"]]]}")).isEqualTo(-1);
        assertThat(seen).containsExactly("model", "abcd", "messages", "role", "user", "content",
                "a\"b\\c/d\neA" + JsonStrings.WIDE, "deep", "wxyz");
        assertThat(raw.get(6)).isEqualTo("a\\\"b\\\\c\\/d\\ne\\u0041\\u4e2d");
    }

    @Test
    void longStringsFindTheirQuoteAtEveryAlignment() {
        for (int len = 4; len < 40; len++) {
            seen.clear();
            String body = "x".repeat(len);
            assertThat(walk("[\"" + body + "\",\"" + body + "\\t" + body + "\"] ")).isEqualTo(-1);
            assertThat(seen).containsExactly(body, body + "\t" + body);
        }
    }

    @Test
    void rootSequencesAreFine() {
        assertThat(walk("{\"a\":\"bcde\"}\n{\"f\":\"ghij\"}\n")).isEqualTo(-1);
        assertThat(seen).containsExactly("bcde", "ghij");
    }

    @Test
    void malformedInputReportsWhereItBreaks() {
        assertThat(walk("{\"a\":\"bcdefg\", junk}")).isEqualTo(15);
        assertThat(walk("{\"a\": truex}")).isEqualTo(6);
        assertThat(walk("{\"a\":\"bad \\q escape\"}")).isEqualTo(5);
        assertThat(walk("{\"a\":\"\\u12\"}")).isEqualTo(5);
        assertThat(walk("token=abc")).isEqualTo(0);
        assertThat(walk("[1,2")).isEqualTo(4);
        assertThat(walk("{\"a\":\"unterminated")).isEqualTo(5);
        assertThat(walk("{\"a\" \"b\"}")).isEqualTo(5);
        assertThat(walk("[}")).isEqualTo(1);
    }

    @Test
    void nestingIsBounded() {
        String ok = "[".repeat(JsonStrings.MAX_DEPTH) + "]".repeat(JsonStrings.MAX_DEPTH);
        assertThat(walk(ok)).isEqualTo(-1);
        String deep = "[".repeat(JsonStrings.MAX_DEPTH + 1) + "]".repeat(JsonStrings.MAX_DEPTH + 1);
        assertThat(walk(deep)).isEqualTo(JsonStrings.MAX_DEPTH);
    }
}
