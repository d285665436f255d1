package dev.traffic.detect.internal;

import dev.traffic.detect.internal.Hit.Strength;
import java.util.List;

/** Anthropic, OpenAI and Hugging Face keys. */
final class AiRules {
    private AiRules() {}

    /** {@code sk-ant-api03-...}, {@code sk-ant-oat01-...}, {@code sk-ant-admin01-...}; and OpenAI {@code sk-...}. */
    static final class SkKeys implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("sk-");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            if (!Chars.boundaryBefore(t, at)) return null;
            int end = Chars.runEnd(t, at, 400, Chars.URL_B64);
            int len = end - at;
            if (len < 40) return null;
            if (t.startsWith("sk-ant-", at)) {
                int dash = Chars.indexOf(t, "-", at + 7, end);
                if (dash < 0 || dash >= end || len < 80) return null;
                String kind = t.substring(at + 7, dash);
                String rule = kind.startsWith("oat") ? "anthropic-oauth-token"
                        : kind.startsWith("admin") ? "anthropic-admin-key"
                        : kind.startsWith("api") ? "anthropic-api-key" : null;
                if (rule == null) return null;
                return Hit.format(rule, "anthropic", t, at, end, Strength.FORMAT);
            }
            // "T3BlbkFJ" is base64 of "OpenAI": present in every issued OpenAI secret key
            int marker = indexOf(t, "T3BlbkFJ", at, end);
            if (marker >= 0) return Hit.format("openai-api-key", "openai", t, at, end, Strength.VALIDATED);
            if ((t.startsWith("sk-proj-", at) || t.startsWith("sk-svcacct-", at) || t.startsWith("sk-admin-", at))
                    && len >= 60) {
                return Hit.format("openai-api-key", "openai", t, at, end, Strength.FORMAT);
            }
            return null;
        }

        private static int indexOf(String t, String s, int from, int to) {
            return Chars.indexOf(t, s, from, to);
        }
    }

    /** {@code hf_} + 34 letters. */
    static final class HuggingFace implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("hf_");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            if (!Chars.boundaryBefore(t, at)) return null;
            int s = at + 3;
            int end = Chars.runEnd(t, s, 40, Chars.LETTER);
            if (end - s != 34 || !Chars.boundaryAfter(t, end)) return null;
            return Hit.format("huggingface-access-token", "huggingface", t, at, end, Strength.FORMAT);
        }
    }
}
