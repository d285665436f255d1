package dev.traffic.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A minimal Dockerfile reader for static checks: joins continuation lines, drops comments and
 * parser directives, splits each instruction into keyword + rest, and groups them by stage.
 */
record Dockerfile(List<Stage> stages) {
    record Instruction(String keyword, String args) {}

    record Stage(String from, String name, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        Instruction last(String keyword) {
            List<Instruction> found = all(keyword);
            return found.isEmpty() ? null : found.get(found.size() - 1);
        }
    }

    static Dockerfile parse(Path file) throws IOException {
        List<Stage> stages = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (pending.length() == 0 && (line.isEmpty() || line.startsWith("#"))) continue;
            if (line.startsWith("#")) continue; // comment lines inside a continued instruction
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String full = pending.toString().strip();
            pending.setLength(0);
            int sp = full.indexOf(' ');
            String keyword = (sp < 0 ? full : full.substring(0, sp)).toUpperCase(Locale.ROOT);
            String args = sp < 0 ? "" : full.substring(sp + 1).strip();
            if (keyword.equals("FROM")) {
                String[] parts = args.split("\\s+");
                String name = parts.length >= 3 && parts[1].equalsIgnoreCase("AS") ? parts[2] : null;
                stages.add(new Stage(parts[0], name, new ArrayList<>()));
            } else {
                if (stages.isEmpty()) throw new IllegalStateException(file + ": " + keyword + " before FROM");
                stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, args));
            }
        }
        return new Dockerfile(List.copyOf(stages));
    }

    Stage finalStage() {
        return stages.get(stages.size() - 1);
    }

    Stage stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no stage named " + name));
    }

    /** The words of a COPY/ADD after its --flags: sources..., destination. */
    static List<String> copyWords(String args) {
        List<String> words = new ArrayList<>(List.of(args.split("\\s+")));
        words.removeIf(w -> w.startsWith("--"));
        return words;
    }

    static String copyFrom(String args) {
        for (String w : args.split("\\s+")) if (w.startsWith("--from=")) return w.substring(7);
        return null;
    }
}
