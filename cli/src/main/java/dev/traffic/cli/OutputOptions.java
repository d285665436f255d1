package dev.traffic.cli;

import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code -o short|json|har}, {@code --json}, {@code -n/--limit}: how reading commands print flows. */
public final class OutputOptions {
    public enum Format { SHORT, JSON, HAR }

    @Option(names = {"-o", "--output"}, paramLabel = "short|json|har",
            description = "short: one line per flow (default); json: one JSON object per line; har: a HAR 1.2 log (search).")
    String output;

    @Option(names = "--json", description = "Same as -o json.")
    boolean json;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "How many flows (newest matching).")
    Integer limit;

    public Format format() {
        if (json) return Format.JSON;
        if (output == null) return Format.SHORT;
        return switch (output.toLowerCase(Locale.ROOT)) {
            case "short" -> Format.SHORT;
            case "json" -> Format.JSON;
            case "har" -> Format.HAR;
            default -> throw new UsageException("-o: expected short, json or har, got '" + output + "'");
        };
    }

    public int limit(int dflt) {
        if (limit == null) return dflt;
        if (limit < 0) throw new UsageException("-n: must be >= 0, got " + limit);
        return limit;
    }
}
