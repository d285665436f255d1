package dev.traffic.broker;

import java.util.regex.Pattern;

/**
 * A path narrowing glob: {@code *} matches within one segment, {@code **} across segments, a
 * trailing {@code /*} also matches everything below (so {@code /repos/acme/*} covers
 * {@code /repos/acme/x/pulls}, as a person writing it means). Case-sensitive, like paths.
 */
public final class PathGlob {
    private final String text;
    private final Pattern pattern;

    private PathGlob(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
    }

    public static PathGlob of(String glob) {
        if (glob == null || !glob.startsWith("/")) throw new IllegalArgumentException("path glob must start with '/': '" + glob + "'");
        StringBuilder re = new StringBuilder();
        String g = glob;
        boolean below = g.endsWith("/*") || g.endsWith("/**");
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '*') {
                if (i + 1 < g.length() && g.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else if (below && i == g.length() - 1) {
                    re.append(".*");
                } else {
                    re.append("[^/]*");
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new PathGlob(glob, Pattern.compile(re.toString()));
    }

    public boolean matches(String path) {
        return pattern.matcher(path).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
