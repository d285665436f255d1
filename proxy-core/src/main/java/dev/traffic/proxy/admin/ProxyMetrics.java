package dev.traffic.proxy.admin;

import dev.traffic.model.Severity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The proxy's metrics, one explicit method per event, so call sites stay one line and label values
 * stay a small fixed set (enums, never hosts or paths). Backed by Micrometer's Prometheus registry;
 * {@link AdminServer} serves {@link #scrape()} at {@code /metrics}.
 *
 * <p>Thread-safe and cheap (lock-free counters, pre-registered meters): safe to call on Netty event
 * loops. Holds no buffers.
 */
public final class ProxyMetrics {
    /** How a flow ended. */
    public enum Outcome { OK, CLIENT_ERROR, UPSTREAM_ERROR, BLOCKED, ABORTED }

    /** Why the proxy refused a request before forwarding it. */
    public enum BlockReason { POLICY, LINK_LOCAL, SELF, DETECTION }

    /** Latency buckets (seconds) shared by every histogram: sub-ms local hops up to slow upstreams. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<Outcome, Counter> flows = new EnumMap<>(Outcome.class);
    private final Map<BlockReason, Counter> blocked = new EnumMap<>(BlockReason.class);
    private final Map<Severity, Counter> findings = new EnumMap<>(Severity.class);
    private final AtomicLong activeConnections = new AtomicLong();
    private final Counter connections;
    private final Counter bytesClientToUpstream;
    private final Counter bytesUpstreamToClient;
    private final Timer upstreamHandshake;
    private final Timer upstreamRequest;
    private final Timer storeFsync;
    private final Counter sinkBackpressure;
    private volatile LongSupplier storeQueueDepth = () -> 0;
    private volatile LongSupplier indexLagFlows = () -> 0;
    private volatile java.util.function.DoubleSupplier indexLagSeconds = () -> 0;
    private volatile LongSupplier certCacheHits = () -> 0;
    private volatile LongSupplier certCacheMisses = () -> 0;

    public ProxyMetrics() {
        for (Outcome o : Outcome.values()) {
            flows.put(o, Counter.builder("traffic.flows").description("Flows ended, by outcome")
                    .tag("outcome", label(o)).register(registry));
        }
        for (BlockReason r : BlockReason.values()) {
            blocked.put(r, Counter.builder("traffic.blocked.requests").description("Requests refused before forwarding, by reason")
                    .tag("reason", label(r)).register(registry));
        }
        for (Severity s : Severity.values()) {
            findings.put(s, Counter.builder("traffic.findings").description("Detector findings, by severity")
                    .tag("severity", label(s)).register(registry));
        }
        Gauge.builder("traffic.connections.active", activeConnections, AtomicLong::get)
                .description("Client connections open now").register(registry);
        connections = Counter.builder("traffic.connections").description("Client connections accepted").register(registry);
        bytesClientToUpstream = Counter.builder("traffic.bytes").description("Body and tunnel bytes relayed, by direction")
                .baseUnit("bytes").tag("direction", "client_to_upstream").register(registry);
        bytesUpstreamToClient = Counter.builder("traffic.bytes").description("Body and tunnel bytes relayed, by direction")
                .baseUnit("bytes").tag("direction", "upstream_to_client").register(registry);
        upstreamHandshake = histogram("traffic.upstream.handshake", "Upstream TCP+TLS connect time");
        upstreamRequest = histogram("traffic.upstream.request", "Request sent to response head received, upstream");
        // the leaf minter counts its own cache lookups; these read its counters at scrape time
        FunctionCounter.builder("traffic.cert.cache", this, m -> m.certCacheHits.getAsLong())
                .description("Leaf certificate cache lookups").tag("result", "hit").register(registry);
        FunctionCounter.builder("traffic.cert.cache", this, m -> m.certCacheMisses.getAsLong())
                .description("Leaf certificate cache lookups").tag("result", "miss").register(registry);
        Gauge.builder("traffic.store.queue.depth", this, m -> m.storeQueueDepth.getAsLong())
                .description("Flow events waiting for the store").register(registry);
        Gauge.builder("traffic.index.lag.flows", this, m -> m.indexLagFlows.getAsLong())
                .description("Durable flows the search index has not added yet (search reads them from the journal meanwhile)").register(registry);
        Gauge.builder("traffic.index.lag", this, m -> m.indexLagSeconds.getAsDouble()).baseUnit("seconds")
                .description("How long the oldest durable flow not yet indexed has waited").register(registry);
        storeFsync = histogram("traffic.store.fsync", "Store fsync time");
        sinkBackpressure = Counter.builder("traffic.store.backpressure")
                .description("Times the proxy paused reading because the store could not keep up").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private Timer histogram(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS)
                .minimumExpectedValue(BUCKETS[0]).maximumExpectedValue(BUCKETS[BUCKETS.length - 1]).register(registry);
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    public void flowEnded(Outcome outcome) {
        flows.get(outcome).increment();
    }

    public void blocked(BlockReason reason) {
        blocked.get(reason).increment();
    }

    public void finding(Severity severity) {
        findings.get(severity).increment();
    }

    public void connectionOpened() {
        connections.increment();
        activeConnections.incrementAndGet();
    }

    public void connectionClosed() {
        activeConnections.decrementAndGet();
    }

    public void bytesClientToUpstream(long n) {
        if (n > 0) bytesClientToUpstream.increment(n);
    }

    public void bytesUpstreamToClient(long n) {
        if (n > 0) bytesUpstreamToClient.increment(n);
    }

    public void upstreamHandshake(long nanos) {
        upstreamHandshake.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void upstreamRequest(long nanos) {
        upstreamRequest.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Where the leaf certificate cache's hit and miss counts are read at scrape time (the minter owns them). */
    public void certCache(LongSupplier hits, LongSupplier misses) {
        certCacheHits = hits;
        certCacheMisses = misses;
    }

    /** Where the store queue depth is read at scrape time (the store owns the queue). */
    public void storeQueueDepth(LongSupplier depth) {
        storeQueueDepth = depth;
    }

    /** Where the index lag (flows, seconds) is read at scrape time (the indexer owns its progress). */
    public void indexLag(LongSupplier flows, java.util.function.DoubleSupplier seconds) {
        indexLagFlows = flows;
        indexLagSeconds = seconds;
    }

    public void storeFsync(long nanos) {
        storeFsync.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void sinkBackpressure() {
        sinkBackpressure.increment();
    }

    /** A value another component owns (e.g. the shipper's lag), read at scrape time. */
    public void gauge(String name, String description, java.util.function.DoubleSupplier value) {
        Gauge.builder(name, value::getAsDouble).description(description).register(registry);
    }

    /** A monotonic count another component owns (e.g. flows shipped), read at scrape time. */
    public void counter(String name, String description, java.util.function.DoubleSupplier value) {
        owned.add(value); // Micrometer holds a function counter's state object weakly: a lambda would be collected
        FunctionCounter.builder(name, value, java.util.function.DoubleSupplier::getAsDouble).description(description).register(registry);
    }

    private final java.util.List<Object> owned = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Prometheus text exposition format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    /** The content type of {@link #scrape()}. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }
}
