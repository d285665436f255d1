package dev.traffic.ship;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the shipper needs: the cluster ({@code target}, {@code auth}, {@code ca}), where documents go
 * ({@code indexPrefix}, {@code period}), who shipped them ({@code sandbox}), how much of each body
 * ({@code maxBody}: -1 = the recorded prefix as stored), where its position is kept
 * ({@code cursorFile}), batch limits, and the store's retention policy (to warn before it deletes
 * flows not yet shipped; null/0 when unknown or off). Immutable.
 */
public record ShipConfig(
        URI target,
        String indexPrefix,
        Auth auth,
        Path ca,
        Sandbox sandbox,
        long maxBody,
        Path cursorFile,
        int batchFlows,
        long batchBytes,
        IndexPeriod period,
        Duration poll,
        Duration maxBackoff,
        Duration retain,
        long maxStoreSize) {
    public static final int DEFAULT_BATCH_FLOWS = 2000;
    public static final long DEFAULT_BATCH_BYTES = 8L << 20;

    public ShipConfig {
        if (target == null) throw new IllegalArgumentException("no cluster URL (--to)");
        String scheme = target.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || target.getHost() == null) {
            throw new IllegalArgumentException("cluster URL '" + target + "' must be http(s)://host[:port]");
        }
        if (target.getUserInfo() != null) {
            throw new IllegalArgumentException("put credentials in a file (--auth basic:FILE), not in the URL");
        }
        if (indexPrefix == null || !indexPrefix.matches("[a-z0-9][a-z0-9._-]{0,100}")) {
            throw new IllegalArgumentException("index prefix '" + indexPrefix + "' must be lower-case letters, digits, '.', '_' or '-'");
        }
        if (auth == null) auth = Auth.NONE;
        if (batchFlows <= 0) batchFlows = DEFAULT_BATCH_FLOWS;
        if (batchBytes <= 0) batchBytes = DEFAULT_BATCH_BYTES;
        if (period == null) period = IndexPeriod.DAY;
        if (poll == null) poll = Duration.ofMillis(200);
        if (maxBackoff == null) maxBackoff = Duration.ofSeconds(30);
    }

    /** A config with defaults for everything but the cluster, the sandbox and the cursor file. */
    public static ShipConfig of(URI target, Sandbox sandbox, Path cursorFile) {
        return new ShipConfig(target, "traffic", Auth.NONE, null, sandbox, -1, cursorFile, 0, 0, null, null, null, null, 0);
    }

    public ShipConfig withIndexPrefix(String v) {
        return new ShipConfig(target, v, auth, ca, sandbox, maxBody, cursorFile, batchFlows, batchBytes, period, poll, maxBackoff, retain, maxStoreSize);
    }

    public ShipConfig withAuth(Auth v) {
        return new ShipConfig(target, indexPrefix, v, ca, sandbox, maxBody, cursorFile, batchFlows, batchBytes, period, poll, maxBackoff, retain, maxStoreSize);
    }

    public ShipConfig withCa(Path v) {
        return new ShipConfig(target, indexPrefix, auth, v, sandbox, maxBody, cursorFile, batchFlows, batchBytes, period, poll, maxBackoff, retain, maxStoreSize);
    }

    public ShipConfig withMaxBody(long v) {
        return new ShipConfig(target, indexPrefix, auth, ca, sandbox, v, cursorFile, batchFlows, batchBytes, period, poll, maxBackoff, retain, maxStoreSize);
    }

    public ShipConfig withBatch(int flows, long bytes) {
        return new ShipConfig(target, indexPrefix, auth, ca, sandbox, maxBody, cursorFile, flows, bytes, period, poll, maxBackoff, retain, maxStoreSize);
    }

    public ShipConfig withPeriod(IndexPeriod v) {
        return new ShipConfig(target, indexPrefix, auth, ca, sandbox, maxBody, cursorFile, batchFlows, batchBytes, v, poll, maxBackoff, retain, maxStoreSize);
    }

    public ShipConfig withPoll(Duration poll, Duration maxBackoff) {
        return new ShipConfig(target, indexPrefix, auth, ca, sandbox, maxBody, cursorFile, batchFlows, batchBytes, period, poll, maxBackoff, retain, maxStoreSize);
    }

    public ShipConfig withRetention(Duration retain, long maxStoreSize) {
        return new ShipConfig(target, indexPrefix, auth, ca, sandbox, maxBody, cursorFile, batchFlows, batchBytes, period, poll, maxBackoff, retain, maxStoreSize);
    }
}
