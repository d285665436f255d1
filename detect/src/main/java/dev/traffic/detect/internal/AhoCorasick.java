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

    public AhoCorasick(List<String> patterns) {
        List<int[]> trie = new ArrayList<>();
        List<List<Integer>> out = new ArrayList<>();
        trie.add(newRow());
        out.add(new ArrayList<>());
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
                }
                s = trie.get(s)[c];
            }
            out.get(s).add(id);
        }
        int n = trie.size();
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
