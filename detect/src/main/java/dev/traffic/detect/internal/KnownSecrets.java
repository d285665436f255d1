package dev.traffic.detect.internal;

import dev.traffic.detect.Policy;
import dev.traffic.detect.internal.Hit.Strength;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Finds the policy's own secrets and canaries in any encoding. Every secret is reduced to its
 * alphanumeric characters ("normalised"); so is the scanned text, on the fly, which makes
 * separators, dashes and JSON/URL punctuation irrelevant. Besides the plain form each secret
 * contributes its reverse and its base64 (3 alignments), hex (both cases) and base32 (5 alignments,
 * both cases) renderings, so encoded copies are found without decoding. Matching probes sampled
 * 8-char grams of the normalised text against a {@link GramIndex} and verifies on a hit: one pass,
 * linear in the text. Also answers fragment queries for split-secret detection.
 */
public final class KnownSecrets {
    static final int ANCHOR = 12;
    /** A policy secret compiled for matching. */
    public record Entry(Policy.Secret secret, String family, String rule, String normalized, int publicPrefix) {}

    private record Pattern(Entry entry, String norm, String variant) {}

    private final List<Entry> entries = new ArrayList<>();
    private final List<Pattern> patterns = new ArrayList<>();
    private final GramIndex index;
    /** Length of the shortest pattern (at least {@link #ANCHOR}); a shorter text cannot contain one. */
    private final int minPattern;
    private final List<Entry> shortOnes = new ArrayList<>();
    /** {@code !shortOnes.isEmpty()}, read by every quiet test: a final field rather than a list's size. */
    private final boolean hasShortOnes;
    /** Every 4-gram of every normalised secret, forwards and reversed: the fast reject for fragments. */
    private final int[] grams;
    /** A one-bit-per-slot filter over {@link #grams} (64 Kibit): most rejects without the binary search. */
    private final long[] gramBits = new long[1024];

    public KnownSecrets(List<Policy.Secret> secrets, TokenRules rules) {
        java.util.Set<Integer> gramSet = new java.util.HashSet<>();
        for (Policy.Secret s : secrets) {
            Hit format = rules.identify(s.value());
            String family = s.family() != null ? s.family() : format != null ? format.family() : "generic";
            String rule = s.canary() ? "canary-token" : format != null ? format.rule() : "provisioned-secret";
            String norm = normalize(s.value());
            Entry e = new Entry(s, family, rule, norm, publicPrefix(s.value(), norm));
            entries.add(e);
            String rev = new StringBuilder(norm).reverse().toString();
            for (int i = 0; i + 4 <= norm.length(); i++) {
                gramSet.add(gram(norm, i));
                gramSet.add(gram(rev, i));
            }
            if (norm.length() < ANCHOR) {
                shortOnes.add(e);
                continue;
            }
            add(e, norm, "plain");
            add(e, new StringBuilder(norm).reverse().toString(), "reversed");
            byte[] raw = s.value().getBytes(StandardCharsets.UTF_8);
            for (int k = 0; k < 3; k++) add(e, normalize(stable(raw, k, 6)), "base64");
            String hex = HexFormat.of().formatHex(raw);
            add(e, hex, "hex");
            add(e, hex.toUpperCase(Locale.ROOT), "hex");
            for (int k = 0; k < 5; k++) {
                String b32 = normalize(stable(raw, k, 5));
                add(e, b32, "base32");
                add(e, b32.toLowerCase(Locale.ROOT), "base32");
            }
        }
        // sorted for a binary search: the per-token reject allocates nothing (no boxing, no substring)
        grams = gramSet.stream().mapToInt(Integer::intValue).sorted().toArray();
        for (int g : grams) gramBits[gramSlot(g) >>> 6] |= 1L << gramSlot(g);
        List<String> norms = new ArrayList<>(patterns.size());
        for (Pattern p : patterns) norms.add(p.norm());
        index = new GramIndex(norms);
        int min = Integer.MAX_VALUE;
        for (String x : norms) min = Math.min(min, x.length());
        minPattern = min;
        hasShortOnes = !shortOnes.isEmpty();
    }

    public List<Entry> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Length of the shortest pattern: a shorter text gets no known-secret probes. */
    int minPattern() {
        return minPattern;
    }

    /** True when some secret is too short for the gram index (found by indexOf on every text). */
    boolean hasShortOnes() {
        return hasShortOnes;
    }

    static String normalize(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) if (Chars.alnum(s.charAt(i))) sb.append(s.charAt(i));
        return sb.toString();
    }

    /** Length (in normalised chars) of the part of a secret every token of its kind shares. */
    private static int publicPrefix(String v, String norm) {
        if (v.startsWith("eyJ") && v.indexOf('.') > 0) return normalize(v.substring(0, v.indexOf('.'))).length();
        if (v.startsWith("IQoJb3JpZ2luX2Vj")) return 16;
        if (v.matches("A[A-Z]{3}[A-Z2-7]{16}")) return 4;
        int cut = 0;
        for (int i = 0; i < Math.min(v.length(), 20); i++) {
            char c = v.charAt(i);
            if (c == '-' || c == '_') cut = i + 1;
        }
        return normalize(v.substring(0, cut)).length();
    }

    /**
     * The base64 (bitsPerChar 6) or base32 (5) characters of {@code k} junk bytes + raw that depend
     * only on raw: what any encoding of the secret at that byte alignment must contain.
     */
    private static String stable(byte[] raw, int k, int bitsPerChar) {
        byte[] padded = new byte[k + raw.length];
        System.arraycopy(raw, 0, padded, k, raw.length);
        String enc = bitsPerChar == 6 ? Base64.getEncoder().withoutPadding().encodeToString(padded) : base32(padded);
        int from = (8 * k + bitsPerChar - 1) / bitsPerChar;
        int to = (8 * (k + raw.length)) / bitsPerChar;
        return from < to ? enc.substring(from, Math.min(to, enc.length())) : "";
    }

    private static String base32(byte[] b) {
        String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder sb = new StringBuilder();
        int acc = 0, bits = 0;
        for (byte x : b) {
            acc = (acc << 8) | (x & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                sb.append(a.charAt((acc >> bits) & 31));
            }
        }
        if (bits > 0) sb.append(a.charAt((acc << (5 - bits)) & 31));
        return sb.toString();
    }

    private void add(Entry e, String norm, String variant) {
        if (norm.length() < ANCHOR) return;
        patterns.add(new Pattern(e, norm, variant));
    }

    /** Raw bytes per block: the compacted buffers stay small enough to live in L1/L2. */
    private static final int BLOCK = 4096;
    /** Compacted chars carried over from the previous block: a gram may straddle two blocks. */
    private static final int TAIL = GramIndex.GRAM - 1;

    /**
     * Per-thread scratch for {@link #scanFused}: one block's alphanumerics after the last
     * {@link #TAIL} of the previous block (+8 so an 8-byte gram read never overruns), their raw
     * positions (filled only for a block with a probe hit), and the block's rare events.
     */
    private static final class Scratch {
        final byte[] chars = new byte[TAIL + BLOCK + GramIndex.GRAM];
        final int[] pos = new int[TAIL + BLOCK];
        final int[] events = new int[BLOCK + 1];
    }

    /** Hits found by one pass, each with the raw index that emitted it (for the position merge). */
    private static class Emitted {
        final List<Hit> hits = new ArrayList<>(4);
        int[] at = new int[8];

        void add(Hit h, int i) {
            if (hits.size() == at.length) at = java.util.Arrays.copyOf(at, at.length * 2);
            at[hits.size()] = i;
            hits.add(h);
        }

        /** Stable insertion sort by emit index (sampled probes find nearby occurrences out of order). */
        void sort() {
            for (int x = 1; x < hits.size(); x++) {
                int key = at[x];
                Hit h = hits.get(x);
                int y = x - 1;
                while (y >= 0 && at[y] > key) {
                    at[y + 1] = at[y];
                    hits.set(y + 1, hits.get(y));
                    y--;
                }
                at[y + 1] = key;
                hits.set(y + 1, h);
            }
        }
    }

    /** Known-secret hits plus the (pattern, start) pairs already verified, so each is verified once. */
    private static final class Probe extends Emitted {
        /** Open addressing over (pattern << 32 | start) + 1 (0 = empty slot), kept at most half full. */
        private long[] tried = new long[16];
        private int size;

        /** True when the pair was not tried yet (and records it). */
        boolean firstTry(long key) {
            long k = key + 1; // pattern and start are >= 0, so k != 0
            int mask = tried.length - 1;
            int i = (int) ((k * 0x9E3779B97F4A7C15L) >>> 40) & mask;
            while (tried[i] != 0) {
                if (tried[i] == k) return false;
                i = (i + 1) & mask;
            }
            tried[i] = k;
            if (++size * 2 > tried.length) rehash();
            return true;
        }

        private void rehash() {
            long[] old = tried;
            tried = new long[old.length * 2];
            int mask = tried.length - 1;
            for (long k : old) {
                if (k == 0) continue;
                int i = (int) ((k * 0x9E3779B97F4A7C15L) >>> 40) & mask;
                while (tried[i] != 0) i = (i + 1) & mask;
                tried[i] = k;
            }
        }
    }

    /** Runs of base64-alphabet bytes of at least {@link RequestScan#MIN_RUN}, as flat (start, end) pairs. */
    public static final class Runs {
        /** Shared and never added to: {@link #add} on it returns a fresh instance. */
        static final Runs NONE = new Runs(0);
        int[] se;
        int count;

        private Runs(int capacity) {
            se = new int[capacity];
        }

        /** Appends a run; returns the instance holding it (a new one when this is {@link #NONE}). */
        Runs add(int start, int end) {
            Runs r = this == NONE ? new Runs(16) : this;
            if (2 * r.count + 2 > r.se.length) r.se = java.util.Arrays.copyOf(r.se, r.se.length * 2);
            r.se[2 * r.count] = start;
            r.se[2 * r.count + 1] = end;
            r.count++;
            return r;
        }

        int count() {
            return count;
        }

        int start(int k) {
            return se[2 * k];
        }

        int end(int k) {
            return se[2 * k + 1];
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * The token-rule keyword automaton, the known-secret matcher and the long base64-alphabet runs
     * of {@code t} ({@code b}: its Latin-1 image), in one read of the text. Hits come ordered by
     * position (keyword hits first at equal positions); returns the runs of at least
     * {@link RequestScan#MIN_RUN} bytes. Per block, the first loop runs the automaton, tracks run
     * boundaries and compacts the alphanumerics (with their raw positions) into a per-thread
     * buffer, branch-light; the second probes the compacted chars with {@link GramIndex} only at
     * every stride-th char, so known secrets cost a fraction of a load per text byte.
     */
    public Runs scanFused(String t, byte[] b, TokenRules rules, List<Hit> out) {
        final boolean hashing = !patterns.isEmpty();
        if (hashing) shortOnes(t, out);
        final int n = b.length;
        if (n < minPattern) { // most values: shorter than any pattern, so only keywords and runs can be found
            Runs[] runs = {Runs.NONE};
            Emitted ac = keywordsAndRuns(t, b, rules, runs);
            if (ac != null) out.addAll(ac.hits);
            if (!hashing && !entries.isEmpty()) shortOnes(t, out);
            return runs[0];
        }
        Scratch sc = SCRATCH.get();
        final byte[] cm = sc.chars;
        final int[] pos = sc.pos;
        final int[] events = sc.events;
        java.util.Arrays.fill(cm, 0, TAIL, (byte) 0); // byte 0 is in no gram: an empty tail matches nothing
        Runs runs = Runs.NONE; // replaced on the first long run: most texts have none
        AhoCorasick.Occurrences kw = null;
        Probe known = null;
        AhoCorasick automaton = rules.automaton();
        final long[] pairs = automaton.startPairs();
        final GramIndex idx = index;
        final int stride = idx.stride();
        final int minRun = RequestScan.MIN_RUN;
        int prev = 0, runLen = 0; // prev: automaton column of byte i - 1; runLen: base64-alphabet bytes just before i
        long seen = 0; // alphanumerics compacted before this block
        long next = 0; // the next sampled gram, as a global alphanumeric index
        for (int from = 0; from < n; from += BLOCK) {
            final int to = Math.min(n, from + BLOCK);
            // pass 1: compaction, plus the raw index of every rare event: a char pair that may
            // start a keyword, or the end of a long base64-alphabet run. One table load classifies
            // the byte; no branch, and no test depends on the previous one's load (an automaton
            // state would: a load-to-load chain that made this loop latency-bound)
            int j = TAIL, ne = 0;
            for (int i = from; i < to; i++) {
                int c = b[i];
                int k = Chars.scanCode(c);
                int col = k & 0x7f; // 0 for bytes >= 0x80, which are in no keyword
                int pair = (prev << 7) | col;
                prev = col;
                cm[j] = (byte) c;
                j += (k >>> 7) & 1;
                int r = k >>> 8;
                events[ne] = i;
                ne += (int) ((pairs[pair >>> 6] >>> pair) & 1) | (((minRun - 1 - runLen) & (r - 1)) >>> 31);
                runLen = (runLen + 1) & -r;
            }
            // the events, in order: keyword occurrences (trie walks) and long runs, as pass 1 saw them
            for (int e = 0; e < ne; e++) {
                int i = events[e];
                int k = Chars.scanCode(b[i]);
                if (i > 0) {
                    int pair = ((Chars.scanCode(b[i - 1]) & 0x7f) << 7) | (k & 0x7f);
                    if ((pairs[pair >>> 6] & (1L << pair)) != 0) kw = automaton.occurrencesAt(b, i - 1, kw);
                }
                if ((k >>> 8) == 0) { // a base64-alphabet run of runLen >= minRun ends before i
                    int st = i;
                    while (st > 0 && Chars.b64Bit(b[st - 1]) != 0) st--;
                    if (i - st >= minRun) runs = runs.add(st, i);
                }
            }
            if (!hashing) continue;
            // pass 2: sampled 8-gram probes; cm[x] is global alphanumeric number base + x
            final long base = seen - TAIL;
            final long last = base + j - GramIndex.GRAM; // the last gram wholly inside the buffer
            boolean positioned = false;
            for (; next <= last; next += stride) {
                int x = (int) (next - base);
                long g = GramIndex.read(cm, x);
                if (idx.maybe(g)) {
                    if (!positioned) positions(b, from, to, pos); // rare: only now are raw positions needed
                    positioned = true;
                    known = probe(t, b, g, x, base, pos, known);
                }
            }
            seen += j - TAIL;
            // keep the tail for grams that straddle into the next block
            System.arraycopy(cm, j - TAIL, cm, 0, TAIL);
        }
        if (runLen >= minRun) runs = runs.add(n - runLen, n);
        Emitted ac = kw == null ? null : keywords(t, rules, kw);
        if (!hashing) {
            if (ac != null) out.addAll(ac.hits);
            if (!entries.isEmpty()) shortOnes(t, out);
            return runs;
        }
        if (known != null) known.sort();
        merge(ac, known, out);
        return runs;
    }

    /**
     * Pass 1 without the compaction, for a text too short to hold any pattern (no scratch buffer,
     * no probes): the keyword automaton and the long runs ({@code runs[0]}), exactly as in the full pass.
     */
    private static Emitted keywordsAndRuns(String t, byte[] b, TokenRules rules, Runs[] runs) {
        AhoCorasick automaton = rules.automaton();
        final int[] nx = automaton.flaggedTable();
        final int minRun = RequestScan.MIN_RUN;
        Emitted ac = null;
        int s = 0, runLen = 0;
        for (int i = 0; i < b.length; i++) {
            int k = Chars.scanCode(b[i]);
            int v = nx[s + (k & 0x7f)];
            s = v & 0x7fffffff;
            int r = k >>> 8;
            if (((minRun - 1 - runLen) & (r - 1)) < 0) runs[0] = runs[0].add(i - runLen, i);
            runLen = (runLen + 1) & -r;
            if (v < 0) ac = keywords(t, rules, automaton.outputs()[s >>> 7], automaton.lengths(), i, ac);
        }
        if (runLen >= minRun) runs[0] = runs[0].add(b.length - runLen, b.length);
        return ac;
    }

    /**
     * Runs the rules of the keyword occurrences in the automaton's order (see
     * {@link AhoCorasick.Occurrences}); each hit is kept with its keyword's end index, as
     * {@link #keywordsAndRuns} keeps them, so both passes give the same hits in the same order.
     */
    private static Emitted keywords(String t, TokenRules rules, AhoCorasick.Occurrences kw) {
        Emitted into = new Emitted();
        int[] lens = rules.automaton().lengths();
        List<Hit> tmp = new ArrayList<>(2);
        for (int x = 0; x < kw.count(); x++) {
            int id = kw.id(x);
            int end = kw.end(x);
            tmp.clear();
            rules.keywordHit(t, id, end + 1 - lens[id], tmp);
            for (Hit h : tmp) into.add(h, end);
        }
        return into;
    }

    /** Runs the rules of the keywords ending at raw index {@code i}; the hits are ordered by that index. */
    private static Emitted keywords(String t, TokenRules rules, int[] ids, int[] lens, int i, Emitted into) {
        if (into == null) into = new Emitted();
        List<Hit> tmp = new ArrayList<>(2);
        for (int id : ids) rules.keywordHit(t, id, i + 1 - lens[id], tmp);
        for (Hit x : tmp) into.add(x, i);
        return into;
    }

    private void shortOnes(String t, List<Hit> out) {
        for (Entry e : shortOnes) {
            int i = t.indexOf(e.secret().value());
            if (i >= 0) out.add(hit(e, i, i + e.secret().value().length(), "plain"));
        }
    }

    /**
     * A Bloom-filter pass at compacted index {@code x} (global alphanumeric {@code base + x}): verifies
     * every pattern having this gram at the start the gram's offset implies.
     */
    private Probe probe(String t, byte[] b, long g, int x, long base, int[] pos, Probe known) {
        long[] at = index.lookup(g);
        if (at == null) return known;
        for (long po : at) {
            int p = (int) (po >>> 32);
            int off = (int) po;
            long globalStart = base + x - off;
            if (globalStart < 0) continue;
            int start = globalStart >= base ? pos[(int) (globalStart - base)] : backwards(b, pos[0], (int) (base - globalStart));
            if (known == null) known = new Probe();
            if (!known.firstTry(((long) p << 32) | start)) continue;
            Pattern pat = patterns.get(p);
            int end = verify(t, start, pat.norm());
            if (end > 0) known.add(hit(pat.entry(), start, end, pat.variant()), anchorEnd(b, start));
        }
        return known;
    }

    /**
     * The raw index of every alphanumeric of the compacted buffer of block [from, to): its
     * {@link #TAIL} carried-over chars (the last alphanumerics before {@code from}; slots for
     * alphanumerics before the text's start hold byte 0 and are never a match start) and the
     * block's own. The walk back stops at the {@code TAIL}-th alphanumeric, so over a whole text it
     * crosses each stretch without alphanumerics a bounded number of times.
     */
    private static void positions(byte[] b, int from, int to, int[] pos) {
        int slot = TAIL;
        for (int p = from - 1; p >= 0 && slot > 0; p--) if (Chars.alnumBit(b[p]) != 0) pos[--slot] = p;
        int j = TAIL;
        for (int i = from; i < to; i++) {
            pos[j] = i;
            j += Chars.alnumBit(b[i]);
        }
    }

    /** Raw index of the alphanumeric {@code count} alphanumerics before the one at raw index {@code from}. */
    private static int backwards(byte[] b, int from, int count) {
        int i = from;
        while (count > 0) {
            i--;
            count -= Chars.alnumBit(b[i]);
        }
        return i;
    }

    /** Raw index of the {@link #ANCHOR}-th alphanumeric from {@code start}: where hits are ordered. */
    private static int anchorEnd(byte[] b, int start) {
        int i = start, k = 1;
        while (k < ANCHOR && i + 1 < b.length) {
            i++;
            k += Chars.alnumBit(b[i]);
        }
        return i;
    }

    /** Merges two position-ordered hit lists; at equal positions keyword hits come first. */
    private static void merge(Emitted a, Emitted k, List<Hit> out) {
        if (a == null && k == null) return;
        if (k == null) {
            out.addAll(a.hits);
            return;
        }
        if (a == null) {
            out.addAll(k.hits);
            return;
        }
        int x = 0, y = 0;
        int na = a.hits.size(), nk = k.hits.size();
        while (x < na || y < nk) {
            if (y >= nk || (x < na && a.at[x] <= k.at[y])) out.add(a.hits.get(x++));
            else out.add(k.hits.get(y++));
        }
    }

    /** Raw end index when normalised text from {@code start} begins with norm, else -1. */
    private static int verify(String t, int start, String norm) {
        int j = 0;
        int i = start;
        for (; i < t.length() && j < norm.length(); i++) {
            char c = t.charAt(i);
            if (!Chars.alnum(c)) continue;
            if (c != norm.charAt(j)) return -1;
            j++;
        }
        return j == norm.length() ? i : -1;
    }

    private static Hit hit(Entry e, int start, int end, String variant) {
        return new Hit(e.rule(), e.family(), e.secret().value(), start, end, Strength.VALIDATED,
                (e.secret().canary() ? "canary " : "provisioned secret ") + e.secret().name(),
                !e.secret().canary(), e.secret().canary(), false, "plain".equals(variant) ? null : variant);
    }

    /** A piece of a secret: which one, where in its normalised form, how much of it is private. */
    public record Fragment(Entry entry, int from, int to, int privateChars) {}

    /**
     * When a whole value (at least {@code minLen} normalised chars) is a piece of a secret, which
     * piece it is and how many of its chars lie past the secret's shared public prefix.
     */
    private static int gram(CharSequence s, int i) {
        return (s.charAt(i) << 21) | (s.charAt(i + 1) << 14) | (s.charAt(i + 2) << 7) | s.charAt(i + 3);
    }

    /**
     * The allocation-free reject of {@link #fragment}: false unless {@code t[from, to)}'s first 4
     * alphanumerics occur (forwards or reversed) in some secret, so it cannot be a fragment.
     */
    public boolean maybeFragment(CharSequence t, int from, int to) {
        if (entries.isEmpty()) return false;
        int g = 0, got = 0;
        for (int i = from; i < to && got < 4; i++) {
            char c = t.charAt(i);
            if (Chars.alnum(c)) {
                g = (g << 7) | c;
                got++;
            }
        }
        return got == 4 && maybeGram(g);
    }

    /**
     * The test of {@link #maybeFragment} on its gram: {@code g} packs the first 4 alphanumerics
     * {@code c0..c3} of a text as {@code c0 << 21 | c1 << 14 | c2 << 7 | c3}.
     */
    boolean maybeGram(int g) {
        if (entries.isEmpty()) return false;
        int slot = gramSlot(g);
        return (gramBits[slot >>> 6] & (1L << slot)) != 0 && java.util.Arrays.binarySearch(grams, g) >= 0;
    }

    private static int gramSlot(int g) {
        return (g * 0x9E3779B1) >>> 16;
    }

    public Fragment fragment(String value, int minLen) {
        if (!maybeFragment(value, 0, value.length())) return null;
        String nv = normalize(value);
        if (nv.length() < minLen || nv.length() > 512) return null;
        Fragment best = null;
        for (Entry e : entries) {
            String n = e.normalized();
            if (nv.length() >= n.length()) continue;
            int at = n.indexOf(nv);
            boolean reversed = false;
            if (at < 0 && nv.length() >= 8) {
                at = n.indexOf(new StringBuilder(nv).reverse().toString());
                reversed = true;
            }
            if (at < 0) continue;
            int privateChars = Math.max(0, at + nv.length() - Math.max(at, e.publicPrefix()));
            Fragment f = new Fragment(e, at, at + nv.length(), reversed ? privateChars : privateChars);
            if (best == null || f.privateChars() > best.privateChars()) best = f;
        }
        return best;
    }

    public Hit fragmentHit(Fragment f, int start, int end) {
        Entry e = f.entry();
        return new Hit(e.secret().canary() ? "canary-token" : "split-secret", e.family(), e.secret().value(),
                start, end, Strength.VALIDATED, "fragment of " + (e.secret().canary() ? "canary " : "provisioned secret ")
                + e.secret().name(), !e.secret().canary(), e.secret().canary(), false, null);
    }
}
