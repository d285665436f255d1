package dev.traffic.detect.internal;

import dev.traffic.detect.internal.Hit.Strength;

/**
 * Discord bot tokens: {@code base64(numeric user id) . 6 chars . 27-38 chars}. There is no keyword to
 * prefilter on, so the segment scanner calls this at each '.'-joined run it already walks.
 */
final class DiscordBotToken {
    private DiscordBotToken() {}

    /** {@code s} is the start of a url-base64 run ending at {@code dot} (a '.'); null when no token. */
    static Hit at(String t, int s, int dot) {
        int l1 = dot - s;
        if (l1 < 23 || l1 > 28) return null;
        int e2 = Chars.runEnd(t, dot + 1, 8, Chars.URL_B64);
        if (e2 - dot - 1 != 6 || e2 >= t.length() || t.charAt(e2) != '.') return null;
        int e3 = Chars.runEnd(t, e2 + 1, 40, Chars.URL_B64);
        int l3 = e3 - e2 - 1;
        if (l3 < 27 || l3 > 38) return null;
        byte[] id = Decoders.base64(t, s, dot);
        if (id == null || id.length < 17 || id.length > 20) return null;
        for (byte b : id) if (b < '0' || b > '9') return null;
        return Hit.format("discord-bot-token", "discord", t, s, e3, Strength.VALIDATED);
    }
}
