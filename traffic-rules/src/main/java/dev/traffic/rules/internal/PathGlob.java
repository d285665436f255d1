package dev.traffic.rules.internal;

/**
 * A path pattern: normalised like request paths ({@link Paths}), then matched segment by segment;
 * {@code *} and {@code ?} stay inside one segment, a {@code **} segment matches any number of
 * segments (zero included). {@code /repos/*}{@code /*}{@code /pulls/*}{@code /merge} matches
 * {@code /REPOS/a/b/pulls/1/%6Derge/} but not {@code /repos/a/b/c/pulls/1/merge}.
 */
public final class PathGlob {
    private final String text;
    private final String[] segs;

    private PathGlob(String text, String[] segs) {
        this.text = text;
        this.segs = segs;
    }

    /** Parses a pattern; throws IllegalArgumentException saying what is wrong. */
    public static PathGlob of(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty path pattern");
        if (!text.startsWith("/")) throw new IllegalArgumentException("path pattern '" + text + "' must start with '/'");
        int q = text.indexOf('?');
        if (q >= 0 && text.indexOf('=', q) > 0) {
            throw new IllegalArgumentException("path pattern '" + text + "' holds a query (match parameters with query:, not in the path)");
        }
        for (char c : text.toCharArray()) {
            if (c <= ' ' || c == 0x7f) throw new IllegalArgumentException("path pattern '" + text + "' contains whitespace or a control character");
        }
        String[] s = Paths.segments(text);
        for (String seg : s) {
            if (seg.contains("**") && !seg.equals("**")) {
                throw new IllegalArgumentException("path pattern '" + text + "': '**' must be a whole segment (/a/**/b)");
            }
        }
        return new PathGlob(text, s);
    }

    public boolean matches(String[] path) {
        return match(0, path, 0);
    }

    private boolean match(int pi, String[] path, int si) {
        while (pi < segs.length) {
            String p = segs[pi];
            if (p.equals("**")) {
                if (pi == segs.length - 1) return true;
                for (int k = si; k <= path.length; k++) if (match(pi + 1, path, k)) return true;
                return false;
            }
            if (si >= path.length || !Glob.match(p, path[si])) return false;
            pi++;
            si++;
        }
        return si == path.length;
    }

    @Override
    public String toString() {
        return text;
    }
}
