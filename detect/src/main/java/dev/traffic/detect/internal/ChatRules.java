package dev.traffic.detect.internal;

import dev.traffic.detect.internal.Hit.Strength;
import java.util.List;

/** Slack tokens and webhooks, Discord webhooks, Telegram bot tokens. Discord bot tokens are in {@link DottedTokens}. */
final class ChatRules {
    private ChatRules() {}

    static final class Slack implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xapp-");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            if (!Chars.boundaryBefore(t, at)) return null;
            int end = Chars.runEnd(t, at, 300, Chars.ALNUM | Chars.DASH);
            int dashes = 0;
            for (int i = at + 5; i < end; i++) if (t.charAt(i) == '-') dashes++;
            if (end - at < 30 || dashes < 2) return null;
            String rule = switch (kw.charAt(3)) {
                case 'b' -> "slack-bot-token";
                case 'p' -> "slack-user-token";
                case 'a' -> kw.startsWith("xapp") ? "slack-app-token" : "slack-access-token";
                default -> "slack-token";
            };
            return Hit.format(rule, "slack", t, at, end, Strength.FORMAT);
        }
    }

    /** hooks.slack.com/services/T.../B.../secret: the URL is the credential. */
    static final class SlackWebhook implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("hooks.slack.com/services/");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            int s = at + kw.length();
            int end = Chars.runEnd(t, s, 200, Chars.ALNUM | Chars.SLASH);
            String[] parts = t.substring(s, end).split("/");
            if (parts.length < 3 || parts[2].length() < 16) return null;
            return Hit.format("slack-webhook-url", "slack", t, s, end, Strength.FORMAT).asAddress();
        }
    }

    /** discord(app).com/api/webhooks/<id>/<token>. */
    static final class DiscordWebhook implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("/api/webhooks/");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            int back = Math.max(0, at - 16);
            // in a URL it follows the discord host; a request path to that host starts with it
            if (at != 0 && !t.substring(back, at).contains("discord")) return null;
            int s = at + kw.length();
            int idEnd = Chars.runEnd(t, s, 25, Chars.DIGIT);
            if (idEnd - s < 15 || idEnd >= t.length() || t.charAt(idEnd) != '/') return null;
            int end = Chars.runEnd(t, idEnd + 1, 120, Chars.URL_B64);
            if (end - idEnd - 1 < 50) return null;
            return Hit.format("discord-webhook-url", "discord", t, s, end, Strength.FORMAT).asAddress();
        }
    }

    /** {@code <bot id>:AA<33 chars>}. */
    static final class Telegram implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of(":AA");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            int ds = at;
            while (ds > 0 && at - ds < 12 && Chars.digit(t.charAt(ds - 1))) ds--;
            if (at - ds < 6 || (ds > 0 && Chars.digit(t.charAt(ds - 1)))) return null;
            int end = Chars.runEnd(t, at + 1, 40, Chars.URL_B64);
            int len = end - at - 1;
            if (len < 33 || len > 37) return null;
            return Hit.format("telegram-bot-token", "telegram", t, ds, end, Strength.FORMAT);
        }
    }
}
