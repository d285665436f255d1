package dev.traffic.cli;

import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code -o short|json|har}, {@code --json}, {@code -n/--limit}: how reading commands print flows. */
public final class OutputOptions {
    public enum Format {
        SHORT, JSON, HAR;

        /** Formats meant for programs: they get every match unless {@code -n} says otherwise. */
        public boolean machine() {
            return this != SHORT;
        }
    }

    @Option(names = {"-o", "--output"}, paramLabel = "short|json|ndjson|har",
            description = "short: one line per flow; json or ndjson: one JSON object per line; har: a HAR 1.2 log (default: short).")
    String output;

    @Option(names = "--json", description = "Same as -o json.")
    boolean json;

    @Option(names = {"-n", "--limit"}, paramLabel = "N",
            description = "How many flows, newest matching (default: 20 for -o short, which then says on stderr how many more matched;"
                    + " every match, oldest first, for json, ndjson and har).")
    Integer limit;

    public Format format() {
        if (json) return Format.JSON;
        if (output == null) return Format.SHORT;
        return switch (output.toLowerCase(Locale.ROOT)) {
            case "short" -> Format.SHORT;
            case "json", "ndjson" -> Format.JSON;
            case "har" -> Format.HAR;
            default -> throw new UsageException("-o: expected short, json, ndjson or har, got '" + output + "'");
        };
    }

    /** Whether {@code -n} was given. */
    public boolean limited() {
        return limit != null;
    }

    public int limit(int dflt) {
        if (limit == null) return dflt;
        if (limit < 0) throw new UsageException("-n: must be >= 0, got " + limit);
        return limit;
    }
}
