package dev.traffic.ship;

import dev.traffic.store.StoreLayout;
import dev.traffic.store.journal.Segments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Says when the store's retention ({@code --retain}, {@code --max-store-size}) is about to delete a
 * journal segment that holds flows not yet shipped: the oldest closed segment with unshipped flows
 * is past {@value #MARGIN_PERCENT}% of the retention period, or the journal is past that share of
 * its size cap. Mirrors the rule of the store's Retention (whole closed segments, oldest first).
 */
public final class RetentionWatch {
    static final int MARGIN_PERCENT = 80;

    private RetentionWatch() {}

    /** The problem, or null when retention is off or nothing unshipped is near deletion. */
    public static String check(StoreLayout layout, Duration retain, long maxStoreSize, long shippedSeq, Instant now) throws IOException {
        if (retain == null && maxStoreSize <= 0) return null;
        List<Path> segs = Segments.list(layout.journalDir());
        if (segs.size() < 2) return null; // the active segment is never deleted
        long total = 0;
        for (Path p : segs) total += Files.size(p);
        Path oldest = segs.get(0);
        long first = Segments.firstSeq(oldest);
        long last = Segments.firstSeq(segs.get(1)) - 1;
        if (last <= shippedSeq) return null;
        if (retain != null) {
            Duration age = Duration.between(Files.getLastModifiedTime(oldest).toInstant(), now);
            if (age.toMillis() * 100 >= retain.toMillis() * MARGIN_PERCENT) {
                return "retention (--retain " + retain + ") will soon delete journal segment " + oldest.getFileName()
                        + " holding flows " + Math.max(first, shippedSeq + 1) + ".." + last + " that are not shipped yet";
            }
        }
        if (maxStoreSize > 0 && total * 100 >= maxStoreSize * MARGIN_PERCENT) {
            return "retention (--max-store-size " + maxStoreSize + " bytes, journal at " + total + ") will soon delete journal segment "
                    + oldest.getFileName() + " holding flows " + Math.max(first, shippedSeq + 1) + ".." + last + " that are not shipped yet";
        }
        return null;
    }
}
