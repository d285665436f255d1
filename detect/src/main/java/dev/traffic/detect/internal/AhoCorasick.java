package dev.traffic.detect.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Aho-Corasick automaton over 7-bit ASCII (other characters reset to the root), built once and
 * shared read-only between threads. A dense transition table makes each input character one array
 * load: linear time in the input whatever it contains, the prefilter in front of every token rule.
 */
public final class AhoCorasick {
    private static final int ALPHA = 128;
    private final int[] next;      // state * ALPHA + c -> state
    private final int[][] outputs; // state -> pattern ids ending here (incl. via suffix links)
    private final int[] lengths;   // pattern id -> length
    private final int[] flagged;   // see flaggedTable()
    private final int[] depth;     // state -> its depth in the trie (keyword prefix length)
    private final int[][] own;     // state -> ids of the keywords equal to the state's prefix
    private final long[] startPairs = new long[ALPHA * ALPHA / 64]; // see startPairs()

    public AhoCorasick(List<String> patterns) {
        List<int[]> trie = new ArrayList<>();
        List<List<Integer>> out = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        trie.add(newRow());
        out.add(new ArrayList<>());
        depths.add(0);
        lengths = new int[patterns.size()];
        for (int id = 0; id < patterns.size(); id++) {
            String p = patterns.get(id);
            lengths[id] = p.length();
            int s = 0;
            for (int i = 0; i < p.length(); i++) {
                int c = p.charAt(i);
                // NUL is excluded so that column 0 leads to the root from every state (scanners map bytes >= 0x80 there)
                if (c >= ALPHA || c == 0) throw new IllegalArgumentException("keyword must be ASCII without NUL");
                if (trie.get(s)[c] < 0) {
                    trie.get(s)[c] = trie.size();
                    trie.add(newRow());
                    out.add(new ArrayList<>());
                    depths.add(i + 1);
                }
                s = trie.get(s)[c];
            }
            out.get(s).add(id);
            // the pair filter needs two chars to look at
            if (p.length() < 2) throw new IllegalArgumentException("keyword must be at least 2 chars: " + p);
            int pair = (p.charAt(0) << 7) | p.charAt(1);
            startPairs[pair >>> 6] |= 1L << pair;
        }
        int n = trie.size();
        depth = new int[n];
        own = new int[n][];
        for (int s = 0; s < n; s++) {
            depth[s] = depths.get(s);
            own[s] = out.get(s).stream().mapToInt(Integer::intValue).toArray(); // before suffix outputs join
        }
        next = new int[n * ALPHA];
        int[] fail = new int[n];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < ALPHA; c++) {
            int t = trie.get(0)[c];
            if (t < 0) {
                next[c] = 0;
            } else {
                next[c] = t;
                fail[t] = 0;
                queue.add(t);
            }
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            out.get(s).addAll(out.get(fail[s]));
            for (int c = 0; c < ALPHA; c++) {
                int t = trie.get(s)[c];
                if (t < 0) {
                    next[s * ALPHA + c] = next[fail[s] * ALPHA + c];
                } else {
                    next[s * ALPHA + c] = t;
                    fail[t] = next[fail[s] * ALPHA + c];
                    queue.add(t);
                }
            }
        }
        outputs = new int[n][];
        for (int s = 0; s < n; s++) outputs[s] = out.get(s).stream().mapToInt(Integer::intValue).toArray();
        if ((long) n * ALPHA > Integer.MAX_VALUE) throw new IllegalArgumentException("automaton too large");
        flagged = new int[next.length];
        for (int i = 0; i < next.length; i++) {
            int t = next[i];
            flagged[i] = (t * ALPHA) | (outputs[t].length != 0 ? Integer.MIN_VALUE : 0);
        }
    }

    /**
     * One bit per (first char, second char) of a keyword, indexed {@code c0 << 7 | c1}: a text
     * position whose two chars are not such a pair starts no keyword. Unlike the automaton's state,
     * each position's test is independent of the previous one, so a scanner can run it over every
     * char without a load-to-load dependency chain and walk the trie only where it is set
     * ({@link #occurrencesAt}); the pair is a keyword start for a few percent of prose positions.
     */
    long[] startPairs() {
        return startPairs;
    }

    /**
     * Every keyword occurrence that starts at {@code b[start]}, found by walking the trie's own
     * edges (never a failure link), appended to {@code into} (created when null) in the order the
     * automaton would report it (see {@link Occurrences}). Bytes {@code >= 0x80} match no keyword.
     */
    Occurrences occurrencesAt(byte[] b, int start, Occurrences into) {
        int s = 0;
        for (int p = start; p < b.length; p++) {
            int c = b[p];
            if (c <= 0) break; // NUL and bytes >= 0x80 are in no keyword
            int t = next[s * ALPHA + c];
            if (depth[t] != depth[s] + 1) break; // not a trie edge: no keyword starts at start and goes on
            s = t;
            for (int id : own[s]) {
                if (into == null) into = new Occurrences();
                into.add(p, id, lengths[id]);
            }
        }
        return into;
    }

    /**
     * True when some keyword starts at {@code t[start]} and ends before {@code to}: the trie walk of
     * {@link #occurrencesAt}, stopped at the first keyword. Chars {@code >= 0x80} and NUL match no keyword.
     */
    boolean startsAt(CharSequence t, int start, int to) {
        int s = 0;
        for (int p = start; p < to; p++) {
            int c = t.charAt(p);
            if (c == 0 || c >= ALPHA) return false;
            int nx = next[s * ALPHA + c];
            if (depth[nx] != depth[s] + 1) return false; // not a trie edge
            s = nx;
            if (own[s].length != 0) return true;
        }
        return false;
    }

    /**
     * Keyword occurrences as (end index, id), ordered as the automaton reports them: by end index,
     * then longest first (a state's own keyword before those of its suffix links), then by id.
     * Occurrences are added in start order, so an added one moves back at most past those that end
     * within the longest keyword's length: the insertion stays linear in the number of occurrences.
     */
    static final class Occurrences {
        private int[] ends = new int[8];
        private int[] ids = new int[8];
        private int[] lens = new int[8];
        private int count;

        void add(int end, int id, int len) {
            if (count == ends.length) {
                ends = Arrays.copyOf(ends, count * 2);
                ids = Arrays.copyOf(ids, count * 2);
                lens = Arrays.copyOf(lens, count * 2);
            }
            int x = count++;
            while (x > 0 && before(end, len, id, x - 1)) {
                ends[x] = ends[x - 1];
                ids[x] = ids[x - 1];
                lens[x] = lens[x - 1];
                x--;
            }
            ends[x] = end;
            ids[x] = id;
            lens[x] = len;
        }

        private boolean before(int end, int len, int id, int y) {
            if (end != ends[y]) return end < ends[y];
            if (len != lens[y]) return len > lens[y];
            return id < ids[y];
        }

        int count() {
            return count;
        }

        int end(int k) {
            return ends[k];
        }

        int id(int k) {
            return ids[k];
        }
    }

    private static int[] newRow() {
        int[] r = new int[ALPHA];
        Arrays.fill(r, -1);
        return r;
    }

    /**
     * The transition table with row offsets pre-multiplied ({@code state * 128}) and the sign bit
     * set when the target state has outputs: one load and one mask per character.
     */
    int[] flaggedTable() {
        return flagged;
    }

    int[] table() {
        return next;
    }

    int[][] outputs() {
        return outputs;
    }

    int[] lengths() {
        return lengths;
    }

    /** Receives (pattern id, start index) for every occurrence; return false to stop early. */
    @FunctionalInterface
    public interface Listener {
        boolean hit(int patternId, int start);
    }

    /** Same over Latin-1 bytes (one byte per char of the original text, so indexes line up). */
    public void search(byte[] text, Listener listener) {
        int s = 0;
        final int[] nx = next;
        final int[][] outs = outputs;
        for (int i = 0; i < text.length; i++) {
            int c = text[i];
            s = c >= 0 ? nx[(s << 7) + c] : 0;
            int[] o = outs[s];
            if (o.length != 0) {
                for (int id : o) if (!listener.hit(id, i + 1 - lengths[id])) return;
            }
        }
    }

    public void search(CharSequence text, int from, int to, Listener listener) {
        int s = 0;
        final int[] nx = next;
        final int[][] outs = outputs;
        for (int i = from; i < to; i++) {
            int c = text.charAt(i);
            s = c < ALPHA ? nx[s * ALPHA + c] : 0;
            int[] o = outs[s];
            if (o.length != 0) {
                for (int id : o) if (!listener.hit(id, i + 1 - lengths[id])) return;
            }
        }
    }
}
