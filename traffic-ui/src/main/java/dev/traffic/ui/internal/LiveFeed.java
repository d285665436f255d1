package dev.traffic.ui.internal;

import dev.traffic.model.Flow;
import dev.traffic.store.FlowQuery;
import dev.traffic.store.JournalFollower;
import dev.traffic.store.StoreLayout;
import dev.traffic.store.StoreOptions;
import dev.traffic.store.index.FlowMatcher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * New flows for the list's live view: one thread follows the journal (as {@code tail -f} does,
 * polling every 100 ms) and hands each subscriber the rows that match its query. A subscriber that
 * falls behind is told to reload instead of holding memory.
 */
final class LiveFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
    static final long POLL_MILLIS = 100;
    static final int MAX_SUBSCRIBERS = 8;
    private static final int QUEUE = 1000;

    /** What an SSE connection reads: JSON rows, or {@link #RELOAD}. */
    static final class Subscriber {
        final FlowQuery query;
        final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
        volatile boolean overflowed;

        Subscriber(FlowQuery query) {
            this.query = query;
        }
    }

    static final String RELOAD = "";

    private final StoreLayout layout;
    private final LongConsumer grew;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private Thread thread;

    LiveFeed(StoreLayout layout, LongConsumer grew) {
        this.layout = layout;
        this.grew = grew;
    }

    void start(long afterSeq) {
        thread = new Thread(() -> run(afterSeq), "traffic-ui-live");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** Null when there are already {@link #MAX_SUBSCRIBERS}. */
    synchronized Subscriber subscribe(FlowQuery q) {
        if (subscribers.size() >= MAX_SUBSCRIBERS) return null;
        Subscriber s = new Subscriber(q);
        subscribers.add(s);
        return s;
    }

    void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    private void run(long afterSeq) {
        JournalFollower follower = null;
        try {
            follower = new JournalFollower(layout, afterSeq, true);
            while (running) {
                List<JournalFollower.Event> evs = follower.poll();
                List<Flow> batch = new ArrayList<>();
                for (JournalFollower.Event e : evs) if (e instanceof JournalFollower.FlowEvent fe) batch.add(fe.flow());
                if (!batch.isEmpty()) {
                    grew.accept(follower.lastSeq());
                    deliver(batch);
                } else {
                    Thread.sleep(POLL_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("live view stopped following the journal: {}", e.toString());
        } finally {
            try {
                if (follower != null) follower.close();
            } catch (IOException e) {
                // read-only
            }
        }
    }

    private void deliver(List<Flow> batch) throws IOException {
        for (Subscriber s : subscribers) {
            List<Flow> show = s.query.matchesAll() ? batch
                    : FlowMatcher.filter(batch, s.query, StoreOptions.DEFAULTS.maxIndexedBodyBytes());
            for (Flow f : show) {
                if (!s.queue.offer(Responses.JSON.writeValueAsString(FlowViews.row(f)))) {
                    s.overflowed = true;
                    s.queue.clear();
                    s.queue.offer(RELOAD);
                    break;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) thread.interrupt();
    }
}
