package dev.traffic.bench.admin;

import dev.traffic.proxy.admin.MetricsEvents;
import dev.traffic.proxy.admin.ProxyMetrics;
import dev.traffic.model.Body;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What metrics cost the proxy: the per-flow hook on the event loop ({@code flowEnded}, 4 threads
 * contending as event loops would) and one {@code /metrics} scrape (admin thread).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsBench {
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final MetricsEvents events = new MetricsEvents(metrics);
    private final Flow flow;

    public MetricsBench() {
        Instant t = Instant.parse("2026-11-26T10:00:00Z");
        flow = Flow.builder().kind(FlowKind.HTTP)
                .request(new FlowRequest("GET", "https", "api.example", 443, "/v1", null, "HTTP/1.1", List.of(),
                        new Body(120, Body.EMPTY_SHA256, null, false), null, t))
                .response(new FlowResponse(200, "OK", "HTTP/1.1", List.of(), new Body(4096, Body.EMPTY_SHA256, null, false),
                        null, t.plusMillis(35), t.plusMillis(40)))
                .build();
    }

    @Benchmark
    @Threads(4)
    public void flowEnded() {
        events.flowEnded(flow);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public String scrape() {
        return metrics.scrape();
    }
}
