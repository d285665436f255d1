package dev.traffic.bench.detect;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Companion to {@link DetectBench} for a shared, overloaded machine: measures the scanning thread's
 * CPU time (not wall time, which other processes inflate), so MB/s per core and the per-request
 * latency distribution reflect the detector rather than the load. Run:
 * {@code java -cp bench/target/benchmarks.jar dev.traffic.bench.detect.DetectCpuTime}
 */
public final class DetectCpuTime {
    private DetectCpuTime() {}

    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String[] bodies = args.length > 0 ? args : new String[] {"llm-10k", "llm-20k", "llm-100k", "llm-500k", "json-api", "form", "json-api-clean", "form-clean"};
        for (String body : bodies) {
            DetectBench b = new DetectBench();
            b.body = body;
            b.setup();
            int bytes = b.bodyBytes();
            int n = Math.max(200, 40_000_000 / Math.max(bytes, 1));
            for (int i = 0; i < n; i++) b.scan(); // warm-up
            long[] cpu = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = mx.getCurrentThreadCpuTime();
                b.scan();
                cpu[i] = mx.getCurrentThreadCpuTime() - t0;
            }
            Arrays.sort(cpu);
            long total = Arrays.stream(cpu).sum();
            System.out.printf("%-14s %7d B  %7.1f MB/s/core  p50 %7.1f us  p99 %7.1f us  (%d requests, CPU time)%n",
                    body, bytes, (double) bytes * n / (total / 1e9) / 1e6, cpu[n / 2] / 1e3, cpu[(int) (n * 0.99)] / 1e3, n);
        }
    }
}
