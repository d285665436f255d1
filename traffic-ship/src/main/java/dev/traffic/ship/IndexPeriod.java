package dev.traffic.ship;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How shipped flows are spread over indices: {@code <prefix>-flows-<period of the flow's start, UTC>}.
 * The name depends only on the flow, never on when it was shipped, so a flow re-sent after a crash
 * lands in the same index and its {@code create} is refused as a duplicate (409). (Rollover behind a
 * write alias would send a re-sent flow to a new index and duplicate it; ISM policies should delete
 * or shrink whole daily/hourly indices instead.) {@code HOUR} keeps busy fleets' indices small.
 */
public enum IndexPeriod {
    DAY(DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC)),
    HOUR(DateTimeFormatter.ofPattern("yyyy.MM.dd.HH").withZone(ZoneOffset.UTC));

    private final DateTimeFormatter format;

    IndexPeriod(DateTimeFormatter format) {
        this.format = format;
    }

    public String index(String prefix, Instant flowStart) {
        return prefix + "-flows-" + format.format(flowStart);
    }

    /** The pattern that matches every index of {@code prefix} (searches, the template). */
    public static String pattern(String prefix) {
        return prefix + "-flows-*";
    }
}
