package dev.traffic.detect.internal;

import dev.traffic.detect.Policy;
import dev.traffic.detect.internal.Hit.Strength;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the policy's own secrets and canaries in any encoding. Every secret is reduced to its
 * alphanumeric characters ("normalised"); so is the scanned text, on the fly, which makes
 * separators, dashes and JSON/URL punctuation irrelevant. Besides the plain form each secret
 * contributes its reverse and its base64 (3 alignments), hex (both cases) and base32 (5 alignments,
 * both cases) renderings, so encoded copies are found without decoding. Matching is a rolling hash
 * over 12 normalised characters (a Bloom bit test per character) plus verification on a hit: one
 * pass, linear in the text. Also answers fragment queries for split-secret detection.
 */
public final class KnownSecrets {
    static final int ANCHOR = 12;
    /** Cyclic-polynomial ("buzhash") rolling hash: a rotate and two xors per char, no multiply. */
    private static final long[] GEAR = new long[128];

    static {
        java.util.SplittableRandom r = new java.util.SplittableRandom(0x5eed);
        for (int i = 1; i < GEAR.length; i++) GEAR[i] = r.nextLong();
        // GEAR[0] stays 0: the empty ring slots (byte 0, never alphanumeric) then remove nothing
    }

    /** A policy secret compiled for matching. */
    public record Entry(Policy.Secret secret, String family, String rule, String normalized, int publicPrefix) {}

    private record Pattern(Entry entry, String norm, String variant) {}

    private final List<Entry> entries = new ArrayList<>();
    private final Map<Long, List<Pattern>> anchors = new HashMap<>();
    private final long[] bloom = new long[1 << 10]; // 65536 bits
    private final List<Entry> shortOnes = new ArrayList<>();
    /** Every 4-gram of every normalised secret, forwards and reversed: the fast reject for fragments. */
    private final java.util.Set<Integer> grams = new java.util.HashSet<>();

    public KnownSecrets(List<Policy.Secret> secrets, TokenRules rules) {
        for (Policy.Secret s : secrets) {
            Hit format = rules.identify(s.value());
            String family = s.family() != null ? s.family() : format != null ? format.family() : "generic";
            String rule = s.canary() ? "canary-token" : format != null ? format.rule() : "provisioned-secret";
            String norm = normalize(s.value());
            Entry e = new Entry(s, family, rule, norm, publicPrefix(s.value(), norm));
            entries.add(e);
            String rev = new StringBuilder(norm).reverse().toString();
            for (int i = 0; i + 4 <= norm.length(); i++) {
                grams.add(gram(norm, i));
                grams.add(gram(rev, i));
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
    }

    public List<Entry> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
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
        long h = 0;
        for (int i = 0; i < ANCHOR; i++) h = Long.rotateLeft(h, 1) ^ GEAR[norm.charAt(i)];
        anchors.computeIfAbsent(h, x -> new ArrayList<>()).add(new Pattern(e, norm, variant));
        long m = mix(h);
        int b1 = (int) (m >>> 48);
        int b2 = (int) (m >>> 32) & 0xffff;
        bloom[b1 >>> 6] |= 1L << b1;
        bloom[b2 >>> 6] |= 1L << b2;
    }

    private static long mix(long h) {
        return h * 0x9E3779B97F4A7C15L;
    }

    /** Scans text for every secret rendering; one pass over its Latin-1 image {@code b}. */
    public void scan(String t, byte[] b, List<Hit> out) {
        if (entries.isEmpty()) return;
        for (Entry e : shortOnes) {
            int i = t.indexOf(e.secret().value());
            if (i >= 0) out.add(hit(e, i, i + e.secret().value().length(), "plain"));
        }
        if (anchors.isEmpty()) return;
        final int[] ring = new int[ANCHOR]; // raw positions of the last ANCHOR normalised chars
        final byte[] chars = new byte[ANCHOR];
        final long[] bl = bloom;
        long h = 0;
        int count = 0;
        int slot = 0;
        final int n = b.length;
        for (int i = 0; i < n; i++) {
            int c = b[i];
            if (c < 0 || (Chars.cls(c) & Chars.ALNUM) == 0) continue;
            h = Long.rotateLeft(h, 1) ^ Long.rotateLeft(GEAR[chars[slot]], ANCHOR) ^ GEAR[c];
            chars[slot] = (byte) c;
            ring[slot] = i;
            if (++slot == ANCHOR) slot = 0;
            if (++count < ANCHOR) continue;
            // two Bloom bits: repetitive text must not keep hitting a false positive
            long m = mix(h);
            int b1 = (int) (m >>> 48);
            if ((bl[b1 >>> 6] & (1L << b1)) == 0) continue;
            int b2 = (int) (m >>> 32) & 0xffff;
            if ((bl[b2 >>> 6] & (1L << b2)) == 0) continue;
            List<Pattern> ps = anchors.get(h);
            if (ps == null) continue;
            int start = ring[slot];
            for (Pattern p : ps) {
                int end = verify(t, start, p.norm());
                if (end > 0) out.add(hit(p.entry(), start, end, p.variant()));
            }
        }
    }

    public void scan(String t, List<Hit> out) {
        scan(t, Texts.latin1(t), out);
    }

    /**
     * The token-rule keyword automaton and the known-secret rolling hash in one pass: two
     * independent dependency chains per byte, which the CPU overlaps. Same results as calling
     * {@link TokenRules#scan(String, byte[], List)} then {@link #scan(String, byte[], List)}.
     */
    public void scanFused(String t, byte[] b, TokenRules rules, List<Hit> out) {
        if (anchors.isEmpty()) {
            rules.scan(t, b, out);
            scan(t, b, out);
            return;
        }
        for (Entry e : shortOnes) {
            int i = t.indexOf(e.secret().value());
            if (i >= 0) out.add(hit(e, i, i + e.secret().value().length(), "plain"));
        }
        AhoCorasick ac = rules.automaton();
        final int[] nx = ac.table();
        final int[][] outs = ac.outputs();
        final int[] lens = ac.lengths();
        final int[] ring = new int[ANCHOR];
        final byte[] chars = new byte[ANCHOR];
        final long[] bl = bloom;
        long h = 0;
        int count = 0, slot = 0, s = 0;
        final int n = b.length;
        for (int i = 0; i < n; i++) {
            int c = b[i];
            if (c < 0) {
                s = 0;
                continue;
            }
            s = nx[(s << 7) + c];
            int[] o = outs[s];
            if (o.length != 0) for (int id : o) rules.keywordHit(t, id, i + 1 - lens[id], out);
            if ((Chars.cls(c) & Chars.ALNUM) == 0) continue;
            h = Long.rotateLeft(h, 1) ^ Long.rotateLeft(GEAR[chars[slot]], ANCHOR) ^ GEAR[c];
            chars[slot] = (byte) c;
            ring[slot] = i;
            if (++slot == ANCHOR) slot = 0;
            if (++count < ANCHOR) continue;
            long m = mix(h);
            int b1 = (int) (m >>> 48);
            if ((bl[b1 >>> 6] & (1L << b1)) == 0) continue;
            int b2 = (int) (m >>> 32) & 0xffff;
            if ((bl[b2 >>> 6] & (1L << b2)) == 0) continue;
            List<Pattern> ps = anchors.get(h);
            if (ps == null) continue;
            int start = ring[slot];
            for (Pattern p : ps) {
                int end = verify(t, start, p.norm());
                if (end > 0) out.add(hit(p.entry(), start, end, p.variant()));
            }
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

    public Fragment fragment(String value, int minLen) {
        if (entries.isEmpty()) return null;
        // reject without allocating unless the value's first 4 alphanumerics occur in some secret
        int g = 0, got = 0;
        for (int i = 0; i < value.length() && got < 4; i++) {
            char c = value.charAt(i);
            if (Chars.alnum(c)) {
                g = (g << 7) | c;
                got++;
            }
        }
        if (got < 4 || !grams.contains(g)) return null;
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
