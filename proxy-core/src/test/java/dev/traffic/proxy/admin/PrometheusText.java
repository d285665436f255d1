package dev.traffic.proxy.admin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: any deviation
 * (bad name, bad escaping, sample before its TYPE, interleaved families, duplicate series,
 * inconsistent histogram) throws with the line number. No served Java library parses this format.
 */
final class PrometheusText {
    record Sample(String name, Map<String, String> labels, double value) {}

    record Family(String name, String type, List<Sample> samples) {
        double value(String sampleName, Map<String, String> labels) {
            return samples.stream().filter(s -> s.name().equals(sampleName) && s.labels().equals(labels))
                    .mapToDouble(Sample::value).findFirst()
                    .orElseThrow(() -> new AssertionError("no sample " + sampleName + labels));
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    private PrometheusText() {}

    static Map<String, Family> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) throw new IllegalArgumentException("last line lacks \\n");
        Map<String, Family> families = new LinkedHashMap<>();
        Set<String> series = new HashSet<>();
        Set<String> closed = new HashSet<>();
        String current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            int no = i + 1;
            if (line.isBlank()) continue;
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && parts[1].equals("TYPE")) {
                    String name = name(parts[2], no);
                    if (parts.length != 4 || !TYPES.contains(parts[3])) fail(no, "bad TYPE line: " + line);
                    if (families.containsKey(name)) fail(no, "second TYPE for " + name);
                    families.put(name, new Family(name, parts[3], new ArrayList<>()));
                } else if (parts.length >= 3 && parts[1].equals("HELP")) {
                    name(parts[2], no);
                    if (parts.length == 4) checkEscapes(parts[3], false, no);
                }
                continue;
            }
            Sample s = sample(line, no);
            Family f = familyOf(families, s, no);
            if (!f.name().equals(current)) {
                if (closed.contains(f.name())) fail(no, "samples of " + f.name() + " are not contiguous");
                if (current != null) closed.add(current);
                current = f.name();
            }
            if (!series.add(s.name() + new TreeMap<>(s.labels()))) fail(no, "duplicate series " + s.name() + s.labels());
            f.samples().add(s);
        }
        families.values().stream().filter(f -> f.type().equals("histogram")).forEach(PrometheusText::checkHistogram);
        return families;
    }

    private static Family familyOf(Map<String, Family> families, Sample s, int no) {
        Family f = families.get(s.name());
        if (f != null && !f.type().equals("histogram")) return f;
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (s.name().endsWith(suffix)) {
                Family h = families.get(s.name().substring(0, s.name().length() - suffix.length()));
                if (h != null && (h.type().equals("histogram") || h.type().equals("summary"))) {
                    if (suffix.equals("_bucket") && !s.labels().containsKey("le")) fail(no, "bucket without le");
                    return h;
                }
            }
        }
        throw new IllegalArgumentException("line " + no + ": sample " + s.name() + " has no preceding TYPE");
    }

    private static void checkHistogram(Family f) {
        Map<Map<String, String>, TreeMap<Double, Double>> buckets = new LinkedHashMap<>();
        for (Sample s : f.samples()) {
            if (!s.name().endsWith("_bucket")) continue;
            Map<String, String> rest = new TreeMap<>(s.labels());
            double le = parseValue(rest.remove("le"), -1);
            buckets.computeIfAbsent(rest, k -> new TreeMap<>()).put(le, s.value());
        }
        for (var e : buckets.entrySet()) {
            double prev = 0;
            for (double count : e.getValue().values()) {
                if (count < prev) throw new IllegalArgumentException(f.name() + e.getKey() + ": buckets not cumulative");
                prev = count;
            }
            Double inf = e.getValue().get(Double.POSITIVE_INFINITY);
            if (inf == null) throw new IllegalArgumentException(f.name() + e.getKey() + ": no +Inf bucket");
            double count = f.value(f.name() + "_count", e.getKey());
            if (inf != count) throw new IllegalArgumentException(f.name() + e.getKey() + ": +Inf bucket != _count");
        }
    }

    private static Sample sample(String line, int no) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
        String name = name(line.substring(0, i), no);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                if (eq < 0) fail(no, "label without =");
                String label = line.substring(i, eq);
                if (!LABEL.matcher(label).matches()) fail(no, "bad label name '" + label + "'");
                if (line.charAt(eq + 1) != '"') fail(no, "label value not quoted");
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char n = line.charAt(++j);
                        if (n == 'n') v.append('\n');
                        else if (n == '\\' || n == '"') v.append(n);
                        else fail(no, "bad escape \\" + n);
                    } else {
                        v.append(c);
                    }
                }
                if (labels.put(label, v.toString()) != null) fail(no, "duplicate label " + label);
                i = j + 1;
                if (line.charAt(i) == ',') i++;
                else if (line.charAt(i) != '}') fail(no, "expected , or }");
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') fail(no, "no space before value");
        String[] rest = line.substring(i + 1).split(" ");
        if (rest.length > 2) fail(no, "trailing garbage");
        double value = parseValue(rest[0], no);
        if (rest.length == 2) {
            try {
                Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                fail(no, "bad timestamp");
            }
        }
        return new Sample(name, labels, value);
    }

    private static double parseValue(String v, int no) {
        switch (v) {
            case "+Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            case "NaN": return Double.NaN;
            default:
                if (!v.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) fail(no, "bad value '" + v + "'");
                return Double.parseDouble(v);
        }
    }

    private static String name(String n, int no) {
        if (!NAME.matcher(n).matches()) fail(no, "bad metric name '" + n + "'");
        return n;
    }

    private static void checkEscapes(String s, boolean quotes, int no) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                char n = i + 1 < s.length() ? s.charAt(++i) : ' ';
                if (n != '\\' && n != 'n' && !(quotes && n == '"')) fail(no, "bad escape in HELP");
            }
        }
    }

    private static void fail(int no, String msg) {
        throw new IllegalArgumentException("line " + no + ": " + msg);
    }
}
