package dev.traffic.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.traffic.model.Finding;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts one alert per finding fingerprint per session to a webhook, off the data path: {@link #alert}
 * only enqueues (bounded; excess alerts are dropped and counted) and returns at once; a single
 * thread of its own sends with the JDK HttpClient, retrying failures with exponential backoff.
 * Alerts carry rule, family, severity, host, location, flow id and fingerprint, never the secret.
 * Shapes: {@code {"title","message","level","source"}} with {@code Authorization: Bearer <token>}
 * (a common in-cluster notifier), or Slack/Discord incoming-webhook JSON.
 */
public final class Alerter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Alerter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Format { NOTIFY, SLACK, DISCORD }

    /** {@code token} may be null (no Authorization header). */
    public record Config(URI webhook, String token, Format format, int queueCapacity, int maxAttempts,
            Duration firstBackoff, Duration timeout) {
        public static Config of(URI webhook, String token, Format format) {
            return new Config(webhook, token, format, 1024, 6, Duration.ofMillis(500), Duration.ofSeconds(10));
        }

        @Override
        public String toString() {
            return "Config[" + webhook + ", token=" + (token == null ? "none" : "***") + ", " + format + "]";
        }
    }

    private final Config config;
    private final HttpClient client;
    private final ScheduledExecutorService executor;
    private final Map<String, Boolean> seen;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public Alerter(Config config) {
        this.config = config;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "traffic-alerter");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY); // alerts are asynchronous: never ahead of the data path
            return t;
        });
        this.client = HttpClient.newBuilder().connectTimeout(config.timeout()).executor(executor).build();
        this.seen = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
                return size() > 100_000;
            }
        };
    }

    /**
     * Queues an alert unless this session already alerted on this fingerprint; never blocks.
     * Returns true when queued.
     */
    public boolean alert(String session, String flowId, Finding f) {
        String key = (session == null ? "" : session) + "|" + f.fingerprint();
        synchronized (seen) {
            if (seen.putIfAbsent(key, Boolean.TRUE) != null) return false;
        }
        if (pending.incrementAndGet() > config.queueCapacity()) {
            pending.decrementAndGet();
            dropped.incrementAndGet();
            return false;
        }
        byte[] body = body(flowId, f);
        try {
            executor.execute(() -> attempt(body, 1));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.decrementAndGet();
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    private void attempt(byte[] body, int n) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(config.webhook()).timeout(config.timeout())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (config.token() != null) rb.header("Authorization", "Bearer " + config.token());
        client.sendAsync(rb.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
            boolean ok = err == null && resp.statusCode() / 100 == 2;
            if (ok) {
                sent.incrementAndGet();
                pending.decrementAndGet();
                return;
            }
            if (n >= config.maxAttempts() || executor.isShutdown()) {
                failed.incrementAndGet();
                pending.decrementAndGet();
                LOG.warn("alert to {} failed after {} attempts: {}", config.webhook().getHost(), n,
                        err != null ? err.toString() : "HTTP " + resp.statusCode());
                return;
            }
            long delay = config.firstBackoff().toMillis() << Math.min(n - 1, 10);
            try {
                executor.schedule(() -> attempt(body, n + 1), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                failed.incrementAndGet();
                pending.decrementAndGet();
            }
        });
    }

    byte[] body(String flowId, Finding f) {
        String title = "traffic: " + f.severity().label() + " " + f.rule() + " to " + f.host();
        String message = f.severity().label() + " finding " + f.rule() + " (family " + f.family() + ") in "
                + f.location() + " of a request to " + f.host() + (flowId == null ? "" : ", flow " + flowId) + ", encoding " + f.encoding()
                + ", fingerprint " + f.fingerprint();
        ObjectNode n = JSON.createObjectNode();
        switch (config.format()) {
            case SLACK -> n.put("text", "*" + title + "*\n" + message);
            case DISCORD -> n.put("content", "**" + title + "**\n" + message);
            default -> {
                n.put("title", title);
                n.put("message", message);
                n.put("level", f.severity().label());
                n.put("source", "traffic");
            }
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public long sent() {
        return sent.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public long failed() {
        return failed.get();
    }

    public int pending() {
        return pending.get();
    }

    /** Stops accepting, gives queued alerts up to {@code grace} to go out, then stops. */
    public void close(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (pending.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20); // not a test: bounded shutdown wait for in-flight alerts
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        executor.shutdownNow();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
