package dev.traffic.detect.internal;

import dev.traffic.detect.Fingerprint;
import dev.traffic.detect.Policy;
import dev.traffic.detect.SessionState;
import dev.traffic.model.Finding;
import dev.traffic.model.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The working state of one request's scan (single-threaded, discarded afterwards): runs the token
 * rules and the known-secret matcher over each {@link Segment}, peels encodings (base64 at any
 * alignment, hex, base32, percent, escapes, gzip/deflate inside base64) to a bounded depth and
 * budget, and turns hits into deduplicated findings plus the literals to redact.
 */
public final class RequestScan {
    static final int MAX_DEPTH = 4;
    static final int MIN_RUN = 16;
    private static final int PROBE_CHARS = 96;
    private static final int MAX_INFLATE = 1 << 20;
    private static final int MAX_FINDINGS = 256;

    private final Engine engine;
    private final String host;
    private final String path;
    private final boolean sink;
    private final String session;
    private final SessionState state;
    /** Created on the first finding / redaction: most requests have none. */
    private Map<String, Finding> findings;
    private Map<String, String> redactions;
    private long budget = 8L << 20;
    private int decodes;
    /** Bumped by everything a scan can do beyond reading (a hit, a fragment, a decode, a view): 0 change = clean. */
    private int effects;
    private boolean priming;
    private List<String> addresses = List.of(); // replaced on the first webhook address
    private boolean sawAwsKeyId;
    private List<Pending> awsSecretCandidates; // created on the first candidate
    /**
     * One hit list per segment depth, cleared and reused: a scan at depth d only nests scans at
     * depth d + 1 and up (children and views), so a list is never in use twice at once.
     */
    @SuppressWarnings("unchecked")
    private final ArrayList<Hit>[] hitLists = new ArrayList[MAX_DEPTH + 1];

    /** A standalone 40-char value that becomes an AWS secret key if a key id shows up in the request. */
    private record Pending(Segment segment, String value, int start) {}

    RequestScan(Engine engine, String host, String path, String session, SessionState state) {
        this.engine = engine;
        this.host = host;
        this.path = path;
        this.sink = engine.hosts().isSink(host, path);
        this.session = session;
        this.state = state;
    }

    /** Priming: only record session pieces (an offline first pass over a whole session). */
    public void priming(boolean p) {
        priming = p;
    }

    /** Call after the walk: pairs AWS secret keys and key ids seen in different values. */
    public void finish() {
        if (!sawAwsKeyId || awsSecretCandidates == null) return;
        for (Pending c : awsSecretCandidates) {
            Segment s = c.segment();
            String v = c.value();
            int st = c.start();
            report(s, new Hit("aws-secret-access-key", "aws", v, st, st + v.length(), Hit.Strength.VALIDATED,
                    "paired with an access key id in the same request", false, false, false, null));
        }
    }

    public List<Finding> findings() {
        return findings == null ? List.of() : new ArrayList<>(findings.values());
    }

    public Map<String, String> redactions() {
        return redactions == null ? Map.of() : redactions;
    }

    String host() {
        return host;
    }

    String session() {
        return session;
    }

    SessionState state() {
        return state;
    }

    Engine engine() {
        return engine;
    }

    /**
     * A header value: values that repeat on every request (user agents, content types, API
     * versions, an API key) are read once per engine. When this engine already found the same text
     * clean (no hit, no fragment, nothing to decode) on a request to a non-sink host, scanning it
     * again cannot find anything either: matching depends only on the text, and only sinks add
     * checks. When its scan there did nothing but report hits on the text itself, scanning it again
     * would find the same hits and do nothing else: they are reported again (severity, fingerprint
     * and redaction decided for this request) without the scan.
     */
    public void scanRepeatable(Segment s) {
        if (sink || priming || s.depth() != 0 || s.wire() != null) {
            scan(s);
            return;
        }
        CleanTexts clean = engine.clean();
        if (clean.contains(s.value(), s.text())) return;
        List<Hit> known = engine.headerHits().get(s.value(), s.text());
        if (known != null) {
            for (Hit h : known) report(s, h);
            return;
        }
        int before = effects;
        scan(s);
        if (effects == before) {
            clean.add(s.value(), s.text());
        } else if (lastTop != null && effects - before == lastTop.size()) {
            // every effect was one report of a hit in lastTop: nothing else happened
            engine.headerHits().put(s.value(), s.text(), lastTop);
        }
    }

    /**
     * The hits the last depth-0 {@link #scan} reported on its own text (its hit list; null when
     * that scan stopped at the quiet test). Read right after such a scan, before the next one.
     */
    private List<Hit> lastTop;

    public void scan(Segment s) {
        scan(s, 0);
    }

    /**
     * What the walker knows about a segment's text, for {@link #scan(Segment, int)}: the same quiet
     * test already failed on the same chars (a whole value that decoding left unchanged, for which
     * {@link #skipsPlainValue} answered false), so it is not run a second time.
     */
    static final int NOT_QUIET = 1;
    /**
     * Every char of the text is at most 0xff (it was decoded as ISO-8859-1 or built from such
     * text): its Latin-1 image then holds exactly its chars, and loops may read the image instead.
     */
    static final int LATIN1 = 2;

    /** {@link #scan}, told {@link #NOT_QUIET} and {@link #LATIN1} facts about the text in {@code hints}. */
    void scan(Segment s, int hints) {
        String t = s.text();
        if (t.isEmpty()) return;
        if (s.depth() == 0) lastTop = null;
        if (!sink && (hints & NOT_QUIET) == 0 && quiet(t, s.value())) return;
        byte[] b = Texts.latin1(t);
        boolean latin1 = (hints & LATIN1) != 0;
        List<Hit> hits = hitList(s.depth());
        if (s.depth() == 0) lastTop = hits;
        KnownSecrets.Runs longRuns = engine.known().scanFused(t, b, engine.rules(), hits);
        List<int[]> runs = runs(t, b, hits, s.depth() < MAX_DEPTH, longRuns);
        for (Hit h : hits) report(s, h);
        // one base64-alphabet run over the whole image: no '%' and no backslash in t either
        // (a char of t that is one of them has its own code as image byte, which is not in the alphabet)
        boolean oneRun = oneRun(longRuns, b.length);
        if (s.value()) {
            // a Latin-1 text that is one base64-alphabet run is one token (all its chars are token chars)
            valueChecks(s, hits, latin1 && oneRun);
        } else if (sink) {
            tokenChecks(s, hits, false, false);
        }
        if (s.depth() < MAX_DEPTH) {
            for (int[] r : runs) {
                if (budget <= 0 || decodes > 4096) {
                    effects++; // not fully read: never remembered as clean
                    break;
                }
                if (inside(hits, r[0], r[1])) continue;
                decodes++;
                effects++;
                tryDecode(s, latin1 ? b : null, r[0], r[1], r[2] != 0, r[3] != 0);
            }
            if (!oneRun && hasPercent(t)) {
                String pd = Decoders.percent(t, false);
                if (!pd.equals(t)) {
                    effects++;
                    scan(s.view(pd, t));
                }
            }
            if (!oneRun && hasCodeEscape(t)) {
                String un = Decoders.unescape(t);
                if (!un.equals(t)) {
                    effects++;
                    scan(s.view(un, t));
                }
            }
        }
    }

    /**
     * The common case of a short value (a JSON string, a form field, a header): one pass that
     * proves the full scan below would do nothing, else false (then the full scan runs). Quiet
     * means: shorter than any known-secret pattern and than an AWS secret key, ASCII, no keyword of
     * any token rule, every base64-alphabet run of {@link #MIN_RUN} or more one that {@link #runs}
     * would neither decode nor check as a Discord token (see {@link #quietRun}), no '%' or
     * backslash (no decoded view), and, for a whole value, neither it nor any token in it starts
     * like a piece of a known secret. Not at sinks (they add checks).
     */
    boolean quiet(String t, boolean value) {
        return quiet(null, t, 0, t.length(), value, QUIET);
    }

    /**
     * True when a plain whole value {@code raw[from, to)} (a form or query value, a path segment;
     * no '+', which form decoding turns into a space) would be skipped by {@link #scan}'s quiet
     * test: the walker asks before it builds the value's string. Same test, same text
     * (percent-decoding changes nothing without '%' and '+'; quiet rejects '%'), so skipping here
     * gives the result scanning would.
     */
    boolean skipsPlainValue(String raw, int from, int to) {
        return !sink && quiet(null, raw, from, to, true, QUIET_FORM);
    }

    /**
     * True when the whole value {@code v[from, to)} (an escape-free JSON string, still as bytes)
     * would be skipped by {@link #scan}'s quiet test: the JSON walker asks before it builds the
     * string. The same test on the same chars (each byte is one char of that string).
     */
    boolean skipsPlainValue(Latin1View v, int from, int to) {
        return !sink && quiet(v.bytes(), v, from, to, true, QUIET);
    }

    /**
     * {@link #skipsPlainValue(String, int, int)} of a form body's value read from the body bytes
     * ({@code v[from, to)}: the same chars as the string's, one byte each), without the string's
     * per-char checks.
     */
    boolean skipsFormValue(Latin1View v, int from, int to) {
        return !sink && quiet(v.bytes(), v, from, to, true, QUIET_FORM);
    }

    /**
     * {@link #quiet} of the text {@code t[from, to)}; {@code b}, when not null, holds the same chars
     * as bytes ({@code t} is then its {@link Latin1View}) and the loop reads them directly.
     * {@code classes}: {@link #QUIET}, or {@link #QUIET_FORM} to also answer false on a '+'.
     * Keywords are found as in the fused scan: a char pair that may start one (one bit test per
     * char, no load chained to the previous char's) and then a walk of the trie from there
     * ({@link AhoCorasick#startsAt}), which finds exactly the keywords the automaton would flag
     * inside {@code [from, to)}.
     */
    private boolean quiet(byte[] b, CharSequence t, int from, int to, boolean value, int[] classes) {
        KnownSecrets known = engine.known();
        int n = to - from;
        if (n >= 40 || n >= known.minPattern() || known.hasShortOnes()) return false;
        final AhoCorasick automaton = engine.rules().automaton();
        final long[] pairs = automaton.startPairs();
        if (value) {
            int q = quietToken(b, t, from, to, classes, pairs, known);
            if (q >= 0) return q == 1;
            if (n < MIN_RUN) return quietShortValue(b, t, from, to, classes, automaton, pairs, known);
        }
        int prev = 0, runLen = 0, any = 0, all = -1;
        // the fragment rejects of whole values read the first 4 alphanumerics of each token and of
        // the value ({@link KnownSecrets#maybeFragment}): gathered here in the same pass
        int tok = -1, tokGot = 0, tokGram = 0, valGot = 0, valGram = 0;
        for (int i = from; i < to; i++) {
            int c = b != null ? b[i] & 0xff : t.charAt(i);
            int k = c <= 0xff ? classes[c] : QUIET_REJECT; // one load: every class this loop asks about
            if (k < 0) return false; // not ASCII, '%' or backslash: a decoded view or a full scan
            int pair = (prev << 7) | c; // prev is 0 at from: no keyword starts with NUL
            prev = c;
            if ((pairs[pair >>> 6] & (1L << pair)) != 0 && automaton.startsAt(t, i - 1, to)) return false; // its rule may match
            if ((k & QUIET_B64) != 0) {
                runLen++;
                any |= k;
                all &= k;
            } else {
                if (runLen >= MIN_RUN && !quietRun(t, i - runLen, i, to, any, all)) return false;
                runLen = 0;
                any = 0;
                all = -1;
            }
            if (!value) continue;
            boolean alnum = (k & Chars.ALNUM) != 0;
            if (alnum && valGot < 4) {
                valGram = (valGram << 7) | c;
                valGot++;
            }
            if ((k & QUIET_TOKEN) != 0) {
                if (tok < 0) {
                    tok = i;
                    tokGot = 0;
                    tokGram = 0;
                }
                if (alnum && tokGot < 4) {
                    tokGram = (tokGram << 7) | c;
                    tokGot++;
                }
            } else if (tok >= 0) {
                if (i - tok >= 4 && tokGot == 4 && known.maybeGram(tokGram)) return false;
                tok = -1;
            }
        }
        if (runLen >= MIN_RUN && !quietRun(t, to - runLen, to, to, any, all)) return false;
        if (!value) return true;
        if (tok >= 0 && to - tok >= 4 && tokGot == 4 && known.maybeGram(tokGram)) return false;
        return !(valGot == 4 && known.maybeGram(valGram));
    }

    /**
     * {@link #quiet} of the most common whole value, one token (every char a {@link #tokenChar})
     * in which no char pair may start a keyword and, when it is {@link #MIN_RUN} chars or longer,
     * every char in the base64 alphabet (one run): 1 quiet, 0 not quiet, -1 not such a value (the
     * general loop decides). The loop has one predictable branch per char; what it proves: no char
     * ends the test (token chars are ASCII, not '%', '\\' or '+'), no keyword start (so no trie
     * walk), the only run is the whole value (checked once by {@link #quietRun}), and the value's
     * only token is the value itself (its first four alphanumerics are the value's: one gram check).
     */
    private static int quietToken(byte[] b, CharSequence t, int from, int to, int[] classes, long[] pairs, KnownSecrets known) {
        int prev = 0, hit = 0, any = 0, all = -1, got = 0, gram = 0;
        for (int i = from; i < to; i++) {
            int c = b != null ? b[i] & 0xff : t.charAt(i);
            int k = c <= 0xff ? classes[c] : QUIET_REJECT;
            if ((k & QUIET_TOKEN) == 0) return -1; // a second token, or a char that ends the test
            int pair = (prev << 7) | c; // c < 128: token chars are ASCII
            prev = c;
            hit |= (int) (pairs[pair >>> 6] >>> pair) & 1;
            any |= k;
            all &= k;
            if ((k & Chars.ALNUM) != 0 && got < 4) {
                gram = (gram << 7) | c;
                got++;
            }
        }
        if (hit != 0) return -1; // a keyword may start here: the general loop walks the trie
        if (to - from >= MIN_RUN) {
            if ((all & QUIET_B64) == 0) return -1; // '.' or '~' splits the runs
            if (!quietRun(t, from, to, to, any, all)) return 0;
        }
        return got == 4 && known.maybeGram(gram) ? 0 : 1;
    }

    /**
     * The loop of {@link #quiet} for a whole value shorter than {@link #MIN_RUN}: no run of it can
     * be long enough for {@link #quietRun}, so run tracking is left out; the rest is the same.
     */
    private static boolean quietShortValue(byte[] b, CharSequence t, int from, int to, int[] classes, AhoCorasick automaton,
            long[] pairs, KnownSecrets known) {
        int prev = 0;
        int tok = -1, tokGot = 0, tokGram = 0, valGot = 0, valGram = 0;
        for (int i = from; i < to; i++) {
            int c = b != null ? b[i] & 0xff : t.charAt(i);
            int k = c <= 0xff ? classes[c] : QUIET_REJECT;
            if (k < 0) return false;
            int pair = (prev << 7) | c;
            prev = c;
            if ((pairs[pair >>> 6] & (1L << pair)) != 0 && automaton.startsAt(t, i - 1, to)) return false;
            boolean alnum = (k & Chars.ALNUM) != 0;
            if (alnum && valGot < 4) {
                valGram = (valGram << 7) | c;
                valGot++;
            }
            if ((k & QUIET_TOKEN) != 0) {
                if (tok < 0) {
                    tok = i;
                    tokGot = 0;
                    tokGram = 0;
                }
                if (alnum && tokGot < 4) {
                    tokGram = (tokGram << 7) | c;
                    tokGot++;
                }
            } else if (tok >= 0) {
                if (i - tok >= 4 && tokGot == 4 && known.maybeGram(tokGram)) return false;
                tok = -1;
            }
        }
        if (tok >= 0 && to - tok >= 4 && tokGot == 4 && known.maybeGram(tokGram)) return false;
        return !(valGot == 4 && known.maybeGram(valGram));
    }

    /**
     * A long run (under 40 chars) that {@link #runs} passes over: not '.'-terminated with a
     * URL-safe alphabet (a Discord token part), and not worth decoding by the same test (all hex,
     * all base32, digits mixed with letters unless a dashed hex id). {@code any}/{@code all}: the
     * OR and AND of {@link Chars#runBits} over the run.
     */
    private static boolean quietRun(CharSequence t, int start, int end, int textEnd, int any, int all) {
        int classes = any & 0xff;
        boolean url = (classes & (Chars.PLUS | Chars.SLASH)) == 0;
        if (url && end < textEnd && t.charAt(end) == '.') return false;
        if ((all & (Chars.ALL_HEX | Chars.ALL_B32U | Chars.ALL_B32L)) != 0) return false;
        if ((classes & Chars.DIGIT) != 0 && (classes & Chars.LETTER) != 0) {
            for (int i = start; i < end; i++) if (!Chars.hex(t.charAt(i)) && t.charAt(i) != '-') return false;
        }
        return true;
    }

    private List<Hit> hitList(int depth) {
        if (depth >= hitLists.length) return new ArrayList<>(4);
        ArrayList<Hit> l = hitLists[depth];
        if (l == null) hitLists[depth] = l = new ArrayList<>(4);
        else l.clear();
        return l;
    }

    /** {@code t.indexOf("\\u") >= 0 || t.indexOf("\\x") >= 0} in one pass over {@code t}. */
    private static boolean hasCodeEscape(String t) {
        for (int i = t.indexOf('\\'); i >= 0 && i + 1 < t.length(); i = t.indexOf('\\', i + 1)) {
            char c = t.charAt(i + 1);
            if (c == 'u' || c == 'x') return true;
        }
        return false;
    }

    private static boolean hasPercent(String t) {
        int i = t.indexOf('%');
        while (i >= 0 && i + 2 < t.length()) {
            if (Chars.hex(t.charAt(i + 1)) && Chars.hex(t.charAt(i + 2))) return true;
            i = t.indexOf('%', i + 1);
        }
        return false;
    }

    /** Whole-value checks: a piece of a known secret, or a random-looking blob sent to a sink. */
    private void valueChecks(Segment s, List<Hit> hits, boolean oneToken) {
        String v = s.text().length() <= 512 ? s.text().strip() : "";
        if (!v.isEmpty() && hits.isEmpty()) fragmentCheck(s, v, 0, s.text().length());
        if (v.length() == 40 && hits.isEmpty() && AwsRules.looksLikeSecretKey(v)) {
            effects++;
            if (awsSecretCandidates == null) awsSecretCandidates = new ArrayList<>();
            awsSecretCandidates.add(new Pending(s, v, s.text().indexOf(v)));
        }
        // pieces of a split secret travel as short values; long free text is only checked at sinks
        boolean small = s.text().length() <= 4096;
        if (sink || (small && !engine.known().isEmpty())) tokenChecks(s, hits, small, oneToken);
    }

    /** True when the fused scan found one base64-alphabet run covering all {@code n} bytes of the image. */
    private static boolean oneRun(KnownSecrets.Runs runs, int n) {
        return runs.count() == 1 && runs.start(0) == 0 && runs.end(0) == n;
    }

    private void fragmentCheck(Segment s, String v, int start, int end) {
        KnownSecrets known = engine.known();
        if (known.isEmpty()) return;
        KnownSecrets.Fragment f = known.fragment(v, 4);
        if (f == null) return;
        effects++;
        boolean tracked = session != null && state != null;
        String name = f.entry().secret().name();
        if (tracked) state.recordPiece(session, name, f.from(), f.to());
        if (priming) return;
        // a distinctive piece stands on its own; a short or prefix-only one needs a neighbour piece
        boolean distinctive = f.privateChars() >= 6 && mixed(v);
        if (distinctive || (tracked && state.adjoinsPiece(session, name, f.from(), f.to()))) {
            report(s, known.fragmentHit(f, start, end));
        }
    }

    /** At least two of upper/lower/digit: random key material rather than a word. */
    private static boolean mixed(String v) {
        int u = 0, l = 0, d = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Chars.upper(c)) u = 1;
            else if (Chars.lower(c)) l = 1;
            else if (Chars.digit(c)) d = 1;
        }
        return u + l + d >= 2;
    }

    /** Splits text into key-alphabet tokens; fragment checks on short ones, entropy checks at sinks. */
    private void tokenChecks(Segment s, List<Hit> hits, boolean fragments, boolean oneToken) {
        String t = s.text();
        int n = t.length();
        // a single-token value has no token but itself: its fragment check is the whole-value one
        if (!sink && (oneToken || tokenEnd(t, 0) == n)) return;
        KnownSecrets known = engine.known();
        // certificates and public keys are random-looking by nature and public by design
        boolean publicMaterial = sink && (t.contains("-----BEGIN ") && !t.contains("PRIVATE KEY")
                || t.contains("AAAAC3NzaC1") || t.contains("AAAAB3NzaC1") || t.contains("AAAAE2VjZHNh"));
        int i = 0;
        while (i < n) {
            while (i < n && !token(t.charAt(i))) i++;
            int st = i;
            i = tokenEnd(t, i);
            if (i - st < 4 || covered(hits, st, i)) continue;
            // most tokens cannot be a fragment: reject them before building the substring
            boolean fragment = fragments && (st > 0 || i < n) && i - st <= 512 && known.maybeFragment(t, st, i);
            boolean entropy = sink && !publicMaterial;
            if (!fragment && !entropy) continue;
            String tok = t.substring(st, i);
            if (fragment) fragmentCheck(s, tok, st, i);
            if (entropy) entropyCheck(s, tok, st);
        }
    }

    /**
     * Random-looking blobs at a sink. Dotted, slashed and underscored tokens are split first: paths,
     * URLs, file names and identifiers are made of words, key material is one long random piece.
     */
    private void entropyCheck(Segment s, String tok, int at) {
        int p = 0;
        int n = tok.length();
        while (p < n) {
            int q = p;
            while (q < n && "./_~".indexOf(tok.charAt(q)) < 0) q++;
            if (q - p >= 24) {
                String piece = tok.substring(p, q);
                if (Entropy.randomSecretLike(piece)) {
                    report(s, new Hit("high-entropy-to-sink", "generic", piece, at + p, at + q, Hit.Strength.WEAK,
                            "random-looking value sent to a known exfiltration sink", false, false, false, null));
                }
            }
            p = q + 1;
        }
    }

    static boolean tokenChar(char c) {
        return Chars.urlB64(c) || c == '+' || c == '/' || c == '.' || c == '~';
    }

    /**
     * The quiet test's classes of a char {@code <= 0xff}, one load: {@link Chars#runBits} (bits
     * 0-10), {@link #QUIET_B64} (base64 alphabet), {@link #QUIET_TOKEN} ({@link #tokenChar}), and
     * the sign bit for the chars that end the test (not ASCII, '%', backslash).
     */
    private static final int[] QUIET = new int[256];
    /** {@link #QUIET} with '+' ending the test too: form decoding turns it into a space. */
    private static final int[] QUIET_FORM = new int[256];
    private static final int QUIET_B64 = 1 << 11, QUIET_TOKEN = 1 << 12, QUIET_REJECT = Integer.MIN_VALUE;

    static {
        for (int c = 0; c < 256; c++) {
            QUIET[c] = c >= 0x80 || c == '%' || c == '\\' ? QUIET_REJECT
                    : Chars.runBits(c) | (Chars.b64Bit(c) != 0 ? QUIET_B64 : 0) | (tokenChar((char) c) ? QUIET_TOKEN : 0);
            QUIET_FORM[c] = c == '+' ? QUIET_REJECT : QUIET[c];
        }
    }

    /** {@link #tokenChar} as one table load per char (all token chars are ASCII). */
    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) TOKEN[c] = tokenChar(c);
    }

    private static boolean token(char c) {
        return c < 128 && TOKEN[c];
    }

    private static int tokenEnd(String t, int i) {
        int n = t.length();
        while (i < n && token(t.charAt(i))) i++;
        return i;
    }

    private static boolean covered(List<Hit> hits, int s, int e) {
        if (hits.size() > 64) return false; // keep it linear on hit-dense input
        for (Hit h : hits) if (s < h.end() && e > h.start()) return true;
        return false;
    }

    private static boolean b64(char c) {
        return Chars.urlB64(c) || c == '+' || c == '/';
    }

    /**
     * Over the runs of base64-alphabet chars of at least {@link #MIN_RUN} (found by the fused scan;
     * shorter runs can be neither a Discord bot token part nor an encoding worth peeling): checks
     * '.'-terminated runs for Discord bot tokens (which have no keyword) and, when {@code collect},
     * returns the runs worth decoding as {start, end, allHex, allBase32}.
     */
    private static List<int[]> runs(String t, byte[] b, List<Hit> hits, boolean collect, KnownSecrets.Runs longRuns) {
        List<int[]> out = List.of();
        final int n = b.length;
        for (int r = 0; r < longRuns.count(); r++) {
            int start = longRuns.start(r);
            int i = longRuns.end(r);
            // one table load per char: the union of classes, and whether every char is hex / base32
            int any = 0, all = -1;
            for (int j = start; j < i; j++) {
                int v = Chars.runBits(b[j]); // all >= 0: run bytes are ASCII
                any |= v;
                all &= v;
            }
            int classes = any & 0xff;
            boolean url = (classes & (Chars.PLUS | Chars.SLASH)) == 0;
            if (url && i < n && b[i] == '.') TokenRules.discord(t, start, i, hits);
            if (!collect) continue;
            boolean hex = (all & Chars.ALL_HEX) != 0;
            boolean b32u = (all & Chars.ALL_B32U) != 0;
            boolean b32l = (all & Chars.ALL_B32L) != 0;
            // encodings of key material mix classes; plain identifiers and dashed ids/UUIDs do not decode to text
            boolean worth = hex || b32u || b32l
                    || ((classes & Chars.DIGIT) != 0 && (classes & Chars.LETTER) != 0 && !hexWithDashes(b, start, i))
                    || i - start >= 40;
            if (worth) {
                if (out.isEmpty()) out = new ArrayList<>();
                out.add(new int[] {start, i, hex ? 1 : 0, b32u || b32l ? 1 : 0});
            }
        }
        return out;
    }

    private static boolean hexWithDashes(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) if (!Chars.hex(b[i]) && b[i] != '-') return false;
        return true;
    }

    private static boolean inside(List<Hit> hits, int s, int e) {
        if (hits.size() > 64) return false;
        for (Hit h : hits) if (s >= h.start() && e <= h.end()) return true;
        return false;
    }

    /** {@code image}: the text's Latin-1 image when it holds exactly the text's chars, else null. */
    private void tryDecode(Segment s, byte[] image, int start, int end, boolean hex, boolean b32) {
        String t = s.text();
        int len = end - start;
        if (hex) {
            // digests and ids are hex; only hex that decodes to text is an encoding worth peeling
            // (the probe's reject decodes nothing: digests are most of the hex runs in prompts)
            if ((len & 1) == 0 && !Decoders.hexRejects(t, start, Math.min(end, start + 64))) {
                byte[] b = Decoders.hex(t, start, end);
                if (b != null && Decoders.mostlyText(b)) emit(s, b, "hex", literal(t, end, start));
            }
            return;
        }

        if (b32) {
            byte[] probe = Decoders.base32(t, start, Math.min(end, start + 64));
            if (probe != null && probe.length >= 8 && Decoders.mostlyText(probe)) {
                byte[] b = Decoders.base32(t, start, end);
                if (b != null && Decoders.mostlyText(b)) {
                    emit(s, b, "base32", literal(t, end, start));
                    return;
                }
            }
        }
        // misaligned starts (a glued prefix) are tried for short, key-sized runs only
        int maxShift = len <= 256 ? 3 : 0;
        for (int k = 0; k <= maxShift; k++) {
            int probeEnd = Math.min(end, start + k + PROBE_CHARS);
            boolean rejects = image != null ? Decoders.base64Rejects(image, start + k, probeEnd, 6)
                    : Decoders.base64Rejects(t, start + k, probeEnd, 6);
            if (rejects) continue; // random key material: no allocation
            byte[] probe = Decoders.base64(t, start + k, probeEnd);
            if (probe == null || probe.length < 6) continue;
            boolean magic = Decoders.compressedMagic(probe);
            if (!magic && !Decoders.mostlyText(probe)) continue;
            byte[] full = probeEnd == end ? probe : Decoders.base64(t, start + k, end);
            if (full == null) continue;
            if (magic) {
                byte[] inflated = Decoders.inflate(full, MAX_INFLATE);
                if (inflated != null && Decoders.mostlyText(inflated)) {
                    String layer = (full[0] & 0xff) == 0x1f ? "base64>gzip" : "base64>deflate";
                    emit(s, inflated, layer, literal(t, end, start));
                    return;
                }
                continue;
            }
            if (Decoders.mostlyText(full)) {
                emit(s, full, "base64", literal(t, end, start));
                return;
            }
        }
    }

    /** The encoded run [start, end) plus up to two '=' of padding: the wire text a decoded layer replaces. */
    private static String literal(String t, int end, int start) {
        int padEnd = end;
        while (padEnd < t.length() && padEnd - end < 2 && t.charAt(padEnd) == '=') padEnd++;
        return t.substring(start, padEnd);
    }

    private void emit(Segment s, byte[] decoded, String layer, String literal) {
        budget -= decoded.length;
        scan(s.child(Decoders.latin1(decoded), layer, literal));
    }

    /** Scores a hit against the destination policy and records the finding and/or the redaction. */
    /** True when {@code part} lies inside a webhook URL credential already seen in this request. */
    boolean insideAddress(String part) {
        for (String a : addresses) if (a.contains(part)) return true;
        return false;
    }

    void report(Segment s, Hit h) {
        effects++;
        if (h.address()) {
            if (addresses.isEmpty()) addresses = new ArrayList<>(1);
            addresses.add(h.secret());
        }
        if (priming) return;
        if (h.rule().equals("aws-access-token")) sawAwsKeyId = true;
        report(s, h, Verdicts.severity(h, s.location(), host, sink, engine.policy()));
    }

    void report(Segment s, Hit h, Severity sev) {
        String fp = engine.fingerprints().of(h.secret());
        String hitText = s.text().substring(h.start(), h.end());
        boolean redact = sev != null || h.provisioned() || h.canary() || h.strength() != Hit.Strength.WEAK;
        if (redact) {
            String lit = s.wire() == null || s.wire().contains(hitText) ? hitText : s.wire();
            if (lit.length() >= 4) {
                if (redactions == null) redactions = new LinkedHashMap<>();
                if (!redactions.containsKey(lit)) redactions.put(lit, engine.fingerprints().marker(fp, h.rule()));
            }
        }
        if (sev == null) return;
        if (findings == null) findings = new LinkedHashMap<>();
        if (findings.size() >= MAX_FINDINGS && sev.compareTo(Severity.MEDIUM) < 0) return; // bounded memory
        String enc = h.extraEncoding() == null ? s.encoding()
                : "plain".equals(s.encoding()) ? h.extraEncoding() : s.encoding() + ">" + h.extraEncoding();
        Finding f = new Finding(h.rule(), h.family(), sev, s.location(), host, fp, enc,
                h.detail() == null ? "" : h.detail());
        String key = engine.fingerprints().key(fp, s.location());
        Finding old = findings.get(key);
        if (old == null || better(f, h, old)) findings.put(key, f);
    }

    private static boolean better(Finding f, Hit h, Finding old) {
        int c = f.severity().compareTo(old.severity());
        if (c != 0) return c > 0;
        // same severity: keep the more specific explanation (the policy's own secret)
        return (h.provisioned() || h.canary()) && !old.detail().contains("secret ");
    }

    void addFinding(Finding f) {
        if (findings == null) findings = new LinkedHashMap<>();
        findings.putIfAbsent(f.location() + "|" + f.fingerprint() + "|" + f.rule(), f);
    }

    Policy policy() {
        return engine.policy();
    }

    boolean sink() {
        return sink;
    }
}
