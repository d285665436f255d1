package dev.traffic.cli;

import dev.traffic.store.FlowQuery;
import java.time.Instant;
import picocli.CommandLine.Option;

/** {@code --since}, {@code --until}, {@code --session}: shared by every command that reads flows. */
public final class QueryOptions {
    @Option(names = "--since", paramLabel = "TIME", description = "Only flows that started at or after TIME, as journalctl takes it: 10min, \"2 hours ago\", yesterday, today, @EPOCH, 2026-11-26, \"2026-11-26 10:00\" (local time unless Z/UTC/+01:00 follows).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only flows that started before TIME (same forms as --since).")
    String until;

    @Option(names = "--session", paramLabel = "ID", description = "Only flows of this session.")
    String session;

    /** Parses {@code text} and adds these options; a bad query or time is a usage error. */
    public FlowQuery query(String text) {
        FlowQuery q;
        try {
            q = FlowQuery.parse(text);
        } catch (FlowQuery.BadQueryException e) {
            throw new UsageException(e.getMessage());
        }
        try {
            Instant now = Instant.now();
            if (since != null) q = q.since(FlowQuery.parseTime(since, now));
            if (until != null) q = q.until(FlowQuery.parseTime(until, now));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--since/--until: " + e.getMessage());
        }
        return q.session(session);
    }
}
