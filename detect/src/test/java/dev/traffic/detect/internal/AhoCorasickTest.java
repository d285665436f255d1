package dev.traffic.detect.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused scanner finds keyword occurrences by a char-pair filter and a trie walk instead of
 * running the automaton: both must report the same (end, keyword) pairs in the same order.
 */
class AhoCorasickTest {
    /** Overlapping keywords, a keyword that is a suffix of another, shared prefixes, a duplicate. */
    private static final List<String> KEYWORDS = List.of("sk-", "sk_live_", "ask-", "k-a", "xoxb-", "xo", "eyJ", "ey", "eyJ", "-----BEGIN ");

    @Test
    void pairFilterAndTrieWalkReportWhatTheAutomatonReports() {
        AhoCorasick ac = new AhoCorasick(KEYWORDS);
        Random rnd = new Random(7);
        String alphabet = "skxoeyJ-_liveabBEGIN \u00e9\u0000";
        for (int round = 0; round < 2000; round++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(80);
            while (sb.length() < len) {
                if (rnd.nextInt(3) == 0) sb.append(KEYWORDS.get(rnd.nextInt(KEYWORDS.size())));
                else sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            byte[] b = Texts.latin1(sb.toString());
            assertEquals(automaton(ac, b), pairWalk(ac, b), sb.toString());
        }
    }

    @Test
    void realRuleKeywordsToo() {
        AhoCorasick ac = new TokenRules().automaton();
        byte[] b = Texts.latin1("x sk-ant-api03-ab ghp_ghs_xoxb-xoxp- eyJeyJ -----BEGIN hooks.slack.com/services/ :AAxy");
        List<String> expected = automaton(ac, b);
        assertEquals(expected, pairWalk(ac, b));
        assertEquals(true, expected.size() >= 8, expected.toString());
    }

    @Test
    void oneCharKeywordsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AhoCorasick(List.of("ab", "c")));
    }

    private static List<String> automaton(AhoCorasick ac, byte[] b) {
        List<String> out = new ArrayList<>();
        ac.search(b, (id, start) -> out.add((start + ac.lengths()[id] - 1) + ":" + id));
        return out;
    }

    private static List<String> pairWalk(AhoCorasick ac, byte[] b) {
        long[] pairs = ac.startPairs();
        AhoCorasick.Occurrences occ = null;
        int prev = 0;
        for (int i = 0; i < b.length; i++) {
            int col = Chars.scanCode(b[i]) & 0x7f;
            int pair = (prev << 7) | col;
            prev = col;
            if ((pairs[pair >>> 6] & (1L << pair)) != 0) occ = ac.occurrencesAt(b, i - 1, occ);
        }
        List<String> out = new ArrayList<>();
        if (occ != null) for (int k = 0; k < occ.count(); k++) out.add(occ.end(k) + ":" + occ.id(k));
        return out;
    }
}
