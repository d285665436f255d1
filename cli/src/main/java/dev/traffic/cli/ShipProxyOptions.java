package dev.traffic.cli;

import dev.traffic.proxy.admin.ProxyMetrics;
import dev.traffic.proxy.admin.ReadinessCheck;
import dev.traffic.ship.ShipConfig;
import dev.traffic.ship.Shipper;
import dev.traffic.store.FlowSink;
import dev.traffic.store.FlowStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code traffic proxy --ship URL ...}: the shipper in the proxy's process, on its own thread,
 * reading the journal the proxy writes (nothing is added to the recording path). Its lag and
 * counters go to {@code /metrics}; with {@code --ship-required}, {@code /readyz} fails while
 * retention is about to delete (or has deleted) flows not yet shipped.
 */
public final class ShipProxyOptions {
    private static final Logger LOG = LoggerFactory.getLogger(ShipProxyOptions.class);

    @Option(names = "--ship", paramLabel = "URL", description = "Also ship every flow to this OpenSearch cluster (see `traffic ship`).")
    String url;

    @Option(names = "--ship-index-prefix", defaultValue = "traffic", paramLabel = "NAME", description = "Index prefix (default: ${DEFAULT-VALUE}).")
    String indexPrefix;

    @Option(names = "--ship-auth", defaultValue = "none", paramLabel = "basic:FILE|bearer:FILE|none", description = "Cluster credentials file.")
    String auth;

    @Option(names = "--ship-ca", paramLabel = "FILE", description = "PEM CA to trust for the cluster.")
    Path ca;

    @Option(names = "--sandbox-id", paramLabel = "ID", description = "Sandbox id shipped with every flow (default: $TRAFFIC_SANDBOX_ID, $POD_NAME, host name).")
    String sandboxId;

    @Option(names = "--ship-max-body", paramLabel = "SIZE", description = "Bytes of each body shipped (default: the recorded prefix, redacted as stored).")
    String maxBody;

    @Option(names = "--ship-required", description = "Fail /readyz while retention deletes (or is about to delete) flows not yet shipped.")
    boolean required;

    /**
     * Starts the shipper when {@code --ship} was given (else returns null) and registers its metrics;
     * returns the readiness checks with the shipper's added.
     */
    Map<String, ReadinessCheck> start(FlowSink sink, ProxyMetrics metrics, Map<String, ReadinessCheck> checks, DataDirOption data)
            throws java.io.IOException {
        if (url == null) return checks;
        if (!(sink instanceof FlowStore store)) throw new UsageException("--ship needs the flow store (not --no-record)");
        ClusterOptions c = new ClusterOptions();
        c.indexPrefix = indexPrefix;
        c.auth = auth;
        c.ca = ca;
        ShipConfig cfg = ShipCommand.config(ClusterOptions.url("--ship", url), c, sandboxId, maxBody, "day",
                ShipCommand.cursorFile(data, null)).withRetention(store.options().retain(), store.options().maxStoreSize());
        Shipper shipper = new Shipper(store.layout(), cfg, store::writtenSeq).start();
        LOG.info("shipping flows to {} (index prefix {}, sandbox {})", url, indexPrefix, cfg.sandbox().id());
        metrics.gauge("traffic.ship.lag.flows", "Flows recorded but not yet acknowledged by the cluster", () -> shipper.status().lagFlows());
        metrics.gauge("traffic.ship.lag.seconds", "Age of the oldest flow not yet acknowledged by the cluster", () -> shipper.status().lagSeconds());
        metrics.counter("traffic.ship.shipped", "Flows the cluster acknowledged", () -> shipper.status().shipped());
        metrics.counter("traffic.ship.duplicates", "Flows re-sent after a restart that the cluster already had", () -> shipper.status().duplicates());
        metrics.counter("traffic.ship.parked", "Flows the cluster rejected (see the .parked file)", () -> shipper.status().parked());
        metrics.counter("traffic.ship.lost", "Flows retention deleted before they were shipped", () -> shipper.status().lost());
        metrics.counter("traffic.ship.failures", "Failed attempts to reach the cluster", () -> shipper.status().failures());
        metrics.counter("traffic.ship.cpu.seconds", "CPU time of the shipper thread", () -> shipper.status().cpuNanos() / 1e9);
        metrics.gauge("traffic.ship.retention.risk", "1 while retention is about to delete flows not yet shipped", () -> shipper.status().atRisk() == null ? 0 : 1);
        if (!required) return checks;
        Map<String, ReadinessCheck> out = new LinkedHashMap<>(checks);
        out.put("shipping", () -> {
            var s = shipper.status();
            if (shipper.failure() != null) return "the shipper stopped: " + shipper.failure().getMessage();
            if (s.lost() > 0) return s.lost() + " flow(s) were deleted by retention before they were shipped";
            return s.atRisk();
        });
        return out;
    }
}
