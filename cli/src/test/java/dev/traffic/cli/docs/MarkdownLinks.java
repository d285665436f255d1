package dev.traffic.cli.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks the relative links of a set of Markdown files: the target file or directory exists, and a
 * {@code #fragment} names a heading (GitHub's anchor rules) or an explicit {@code id}/{@code name} in it.
 * Links inside code (fenced blocks and inline spans) are not links and are skipped.
 */
final class MarkdownLinks {
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[(?:[^\\[\\]]|\\[[^\\]]*])*]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_DEF = Pattern.compile("^\\s{0,3}\\[[^\\]]+]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern HTML_ID = Pattern.compile("<[a-zA-Z][^>]*\\s(?:id|name)=\"([^\"]+)\"");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    private final Map<Path, Set<String>> anchors = new HashMap<>();

    /** One broken link: the file, the 1-based line, the link as written and why it does not resolve. */
    record Broken(Path file, int line, String link, String reason) {
        @Override public String toString() { return file + ":" + line + ": " + link + " (" + reason + ")"; }
    }

    List<Broken> check(Path markdown) {
        List<Broken> broken = new ArrayList<>();
        List<String> lines = read(markdown);
        boolean fenced = false;
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.stripLeading();
            if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
                String marker = trimmed.substring(0, 3);
                if (!fenced) { fenced = true; fence = marker; continue; }
                if (marker.equals(fence)) { fenced = false; continue; }
            }
            if (fenced) continue;
            String text = stripInlineCode(line);
            List<String> targets = new ArrayList<>();
            Matcher m = INLINE_LINK.matcher(text);
            while (m.find()) targets.add(m.group(1));
            Matcher def = REFERENCE_DEF.matcher(text);
            if (def.matches()) targets.add(def.group(1));
            for (String target : targets) {
                String reason = resolve(markdown, target);
                if (reason != null) broken.add(new Broken(markdown, i + 1, target, reason));
            }
        }
        return broken;
    }

    /** Null when the target resolves, else why not. */
    private String resolve(Path from, String target) {
        if (SCHEME.matcher(target).find() || target.startsWith("//")) return null; // absolute URL: not ours to check
        int hash = target.indexOf('#');
        String pathPart = hash < 0 ? target : target.substring(0, hash);
        String fragment = hash < 0 ? null : target.substring(hash + 1);
        Path file;
        if (pathPart.isEmpty()) {
            file = from;
        } else {
            if (pathPart.startsWith("/")) return "absolute path: write it relative to the file";
            file = from.getParent().resolve(decode(pathPart)).normalize();
            if (!Files.exists(file)) return "no such file " + file;
        }
        if (fragment == null || fragment.isEmpty()) return null;
        if (Files.isDirectory(file)) return "anchor on a directory";
        if (!file.getFileName().toString().endsWith(".md")) return null; // line anchors in source files
        Set<String> ids = anchors.computeIfAbsent(file, MarkdownLinks::anchorsOf);
        return ids.contains(decode(fragment)) ? null : "no heading or id '" + fragment + "' in " + file.getFileName();
    }

    static Set<String> anchorsOf(Path markdown) {
        Set<String> ids = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : read(markdown)) {
            String trimmed = line.stripLeading();
            if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) { fenced = !fenced; continue; }
            if (fenced) continue;
            Matcher id = HTML_ID.matcher(line);
            while (id.find()) ids.add(id.group(1));
            Matcher h = HEADING.matcher(line);
            if (!h.matches()) continue;
            String slug = slug(h.group(2));
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            ids.add(n == 0 ? slug : slug + "-" + n);
        }
        return ids;
    }

    /** GitHub's heading anchor: markup removed, lower case, punctuation dropped, spaces to hyphens. */
    static String slug(String heading) {
        String text = heading
                .replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1") // links keep their text
                .replaceAll("<[^>]+>", "");                    // inline HTML
        text = Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') out.appendCodePoint(c);
            else if (c == ' ') out.append('-');
        });
        return out.toString();
    }

    private static String stripInlineCode(String line) {
        return line.replaceAll("(`+)(?:(?!\\1).)+?\\1", "``");
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<String> read(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** README.md and every Markdown file under docs/, in a stable order. */
    static List<Path> documentation(Path repo) {
        List<Path> files = new ArrayList<>();
        files.add(repo.resolve("README.md"));
        try (Stream<Path> s = Files.walk(repo.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** The repository root: the nearest directory upwards from the working directory holding .ci/run. */
    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(".ci/run")) && Files.isDirectory(p.resolve("docs"))) return p;
        }
        throw new IllegalStateException("no repository root (with .ci/run and docs/) above " + Path.of("").toAbsolutePath());
    }
}
