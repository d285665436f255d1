package dev.traffic.detect.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The table of token rules and the one Aho-Corasick automaton over all their keywords. Immutable
 * and shared by every scan.
 */
public final class TokenRules {
    private final List<TokenRule> rules = List.of(
            new GitHubRules.Classic(), new GitHubRules.FineGrained(),
            new AiRules.SkKeys(), new AiRules.HuggingFace(),
            new AwsRules.KeyId(), new AwsRules.LabelledSecret(), new AwsRules.SessionToken(),
            new ChatRules.Slack(), new ChatRules.SlackWebhook(), new ChatRules.DiscordWebhook(), new ChatRules.Telegram(),
            new MiscRules.Stripe(), new MiscRules.PyPI(),
            new JwtRule(), new KeyRules.Pem(), new KeyRules.Age(), new KeyRules.GcpServiceAccount());
    private final AhoCorasick automaton;
    private final TokenRule[] ruleOf;
    private final String[] keywordOf;

    public TokenRules() {
        List<String> kws = new ArrayList<>();
        List<TokenRule> owners = new ArrayList<>();
        for (TokenRule r : rules) {
            for (String k : r.keywords()) {
                kws.add(k);
                owners.add(r);
            }
        }
        automaton = new AhoCorasick(kws);
        ruleOf = owners.toArray(new TokenRule[0]);
        keywordOf = kws.toArray(new String[0]);
    }

    /** Every format match in {@code text} ({@code bytes}: its Latin-1 image, for the prefilter). */
    public void scan(String text, byte[] bytes, List<Hit> out) {
        automaton.search(bytes, (id, start) -> {
            Hit h = ruleOf[id].match(text, start, keywordOf[id]);
            if (h != null && !placeholder(h.secret())) out.add(h);
            return true;
        });
    }

    AhoCorasick automaton() {
        return automaton;
    }

    /** Called by the fused scanner for each keyword occurrence. */
    void keywordHit(String text, int id, int start, List<Hit> out) {
        Hit h = ruleOf[id].match(text, start, keywordOf[id]);
        if (h != null && !placeholder(h.secret())) out.add(h);
    }

    public void scan(String text, List<Hit> out) {
        scan(text, Texts.latin1(text), out);
        // Discord bot tokens have no keyword: the segment scanner checks each "run." boundary
        int runStart = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Chars.urlB64(c)) {
                if (runStart < 0) runStart = i;
            } else {
                if (c == '.' && runStart >= 0) discord(text, runStart, i, out);
                runStart = -1;
            }
        }
    }

    /** Checks a '.'-terminated url-base64 run [start, dot) for a Discord bot token. */
    static void discord(String text, int start, int dot, List<Hit> out) {
        if (dot - start >= 23 && dot - start <= 28) {
            Hit h = DiscordBotToken.at(text, start, dot);
            if (h != null) out.add(h);
        }
    }

    /**
     * Documentation placeholders ({@code hf_XXXXXXXX...}, {@code ghp_xxxx...}): a long run of one
     * character, or too few distinct characters for key material.
     */
    static boolean placeholder(String s) {
        int run = 1, maxRun = 1;
        long seenLo = 0, seenHi = 0; // one bit per ASCII char seen: no array per call
        int distinct = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (i > 0 && c == s.charAt(i - 1)) maxRun = Math.max(maxRun, ++run);
            else run = 1;
            if (c < 64) {
                if ((seenLo & (1L << c)) == 0) {
                    seenLo |= 1L << c;
                    distinct++;
                }
            } else if (c < 128 && (seenHi & (1L << c)) == 0) { // the shift uses c's low 6 bits: c - 64
                seenHi |= 1L << c;
                distinct++;
            }
        }
        return maxRun >= 8 || (s.length() >= 20 && distinct < 10);
    }

    /** The format of a whole value (a policy secret), or null when it has none. */
    public Hit identify(String value) {
        List<Hit> hits = new ArrayList<>();
        scan(value, hits);
        for (Hit h : hits) if (h.start() == 0 && h.end() >= value.length() - 1) return h;
        return hits.isEmpty() ? null : hits.get(0);
    }
}
