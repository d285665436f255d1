package dev.traffic.detect.internal;

import dev.traffic.detect.internal.Hit.Strength;
import java.util.List;

/** GitHub classic / app / OAuth tokens and npm tokens (CRC32 base62 checksum), fine-grained PATs. */
final class GitHubRules {
    private GitHubRules() {}

    /** {@code ghp_ gho_ ghu_ ghs_ ghr_ npm_} + 30 random + 6 checksum chars; also the long ghs_ form. */
    static final class Classic implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            if (!Chars.boundaryBefore(t, at)) return null;
            int s = at + 4;
            int end = Chars.runEnd(t, s, 300, Chars.ALNUM);
            int len = end - s;
            boolean npm = kw.equals("npm_");
            String rule = npm ? "npm-access-token" : switch (kw.charAt(2)) {
                case 'p' -> "github-pat";
                case 'o' -> "github-oauth-token";
                case 'u' -> "github-user-token";
                case 's' -> "github-app-token";
                default -> "github-refresh-token";
            };
            String family = npm ? "npm" : "github";
            if (len == 36) {
                if (!Checksums.githubCrc(t.subSequence(s, end))) return null; // look-alike
                return Hit.format(rule, family, t, at, end, Strength.VALIDATED);
            }
            if (kw.equals("ghs_") && len >= 60) {
                // long installation-token form: no published checksum, distinctive length and prefix
                int e2 = Chars.runEnd(t, s, 600, Chars.URL_B64 | Chars.DOT);
                return Hit.format(rule, family, t, at, e2, Strength.FORMAT);
            }
            return null;
        }
    }

    /** {@code github_pat_} + 22 + '_' + 59 base62 chars. */
    static final class FineGrained implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("github_pat_");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            if (!Chars.boundaryBefore(t, at)) return null;
            int s = at + kw.length();
            int end = Chars.runEnd(t, s, 200, Chars.ALNUM | Chars.USCORE);
            int len = end - s;
            if (len < 70 || len > 100) return null;
            int us = Chars.indexOf(t, "_", s, end);
            if (us < 0 || us >= end || us - s < 16) return null;
            return Hit.format("github-fine-grained-pat", "github", t, at, end, Strength.FORMAT);
        }
    }
}
