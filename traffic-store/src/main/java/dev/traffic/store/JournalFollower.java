package dev.traffic.store;

import dev.traffic.store.journal.FlowRecords;
import dev.traffic.store.journal.JournalCursor;
import dev.traffic.store.journal.JournalEvent;
import dev.traffic.store.journal.Segments;
import dev.traffic.model.Flow;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code tail -f} reads: the journal's flows after a given seq, as they are appended, in
 * this or another process, across writer restarts (reported as a marker) and retention (a seq
 * jump is reported as a gap). Polled: {@link #poll()} returns what is there now. Not thread-safe.
 */
public final class JournalFollower implements Closeable {
    /** A flow or a marker line ("writer restarted", "gap"). */
    public sealed interface Event permits FlowEvent, Marker {}
    public record FlowEvent(Flow flow) implements Event {}
    public record Marker(String text) implements Event {}

    private final JournalCursor cursor;
    private final boolean bodies;
    private final long startAfter;
    private long last;
    private boolean caughtUp;

    /** Follows flows with seq greater than {@code afterSeq}. */
    public JournalFollower(StoreLayout layout, long afterSeq, boolean bodies) throws IOException {
        this.cursor = new JournalCursor(layout.journalDir());
        this.bodies = bodies;
        this.startAfter = afterSeq;
        this.last = afterSeq;
        cursor.seekToSeq(afterSeq + 1);
    }

    public long lastSeq() {
        return last;
    }

    public List<Event> poll() throws IOException {
        List<Event> out = new ArrayList<>();
        for (JournalCursor.Entry e; (e = cursor.next()) != null; ) {
            byte type = e.record().type();
            if (type == Segments.FLOW) {
                long seq = FlowRecords.seq(e.record().payload());
                if (seq <= last) {
                    if (seq == startAfter) caughtUp = true; // events after the start point are news
                    continue;
                }
                caughtUp = true;
                if (seq > last + 1 && (last > 0 || startAfter > 0)) {
                    out.add(new Marker("-- gap: flows " + (last + 1) + ".." + (seq - 1)
                            + " are no longer in the journal (removed by retention) --"));
                }
                last = seq;
                out.add(new FlowEvent(FlowRecords.decode(e.record().payload(), bodies ? e.channel() : null)));
            } else if (type == Segments.EVENT) {
                JournalEvent ev = JournalEvent.decode(e.record().payload());
                if (ev.event().equals("open") && ev.longDetail("nextSeq") > startAfter && ev.longDetail("nextSeq") > last) {
                    out.add(new Marker("-- recorder started at " + ev.time() + " (session " + ev.detail().get("session") + ") --"));
                } else if (ev.event().equals("retention") && caughtUp) {
                    out.add(new Marker("-- retention removed flows " + ev.longDetail("firstSeq") + ".." + ev.longDetail("lastSeq") + " --"));
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        cursor.close();
    }
}
