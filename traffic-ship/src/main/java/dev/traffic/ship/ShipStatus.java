package dev.traffic.ship;

import java.time.Instant;

/**
 * A snapshot of the shipper for {@code /metrics}, {@code /readyz} and {@code ship --status}:
 * {@code shippedSeq} (everything up to it is acknowledged), {@code headSeq} (newest flow in the
 * journal it knows of), lag in flows and seconds (age of the oldest flow not yet acknowledged; 0 when
 * caught up), counters, the shipper thread's CPU time, the cluster state and the retention problem
 * ({@code atRisk}, null when none).
 */
public record ShipStatus(
        long shippedSeq,
        long headSeq,
        double lagSeconds,
        long shipped,
        long duplicates,
        long parked,
        long lost,
        long batches,
        long failures,
        long cpuNanos,
        Instant lastAck,
        String clusterProblem,
        String atRisk) {
    public long lagFlows() {
        return Math.max(0, headSeq - shippedSeq);
    }

    /** Shipper thread CPU per flow it sent, in microseconds (0 before the first). */
    public double cpuMicrosPerFlow() {
        long n = shipped + duplicates + parked;
        return n == 0 ? 0 : cpuNanos / 1000.0 / n;
    }
}
