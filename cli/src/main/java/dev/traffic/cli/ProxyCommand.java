package dev.traffic.cli;

import dev.traffic.ca.CaOptions;
import dev.traffic.ca.CertificateAuthority;
import dev.traffic.ca.LeafKeyManager;
import dev.traffic.ca.LeafMinter;
import dev.traffic.proxy.HostRules;
import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.ProxyServer;
import dev.traffic.proxy.UpstreamProxySettings;
import dev.traffic.proxy.admin.AdminServer;
import dev.traffic.proxy.admin.MetricsEvents;
import dev.traffic.proxy.admin.ProxyMetrics;
import dev.traffic.store.FlowSink;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traffic proxy}: wires options into a {@link ProxyConfig}, loads (or creates) the CA,
 * starts the {@link ProxyServer}, prints one startup line, then serves until SIGTERM/SIGINT, when
 * it shuts down gracefully (in-flight flows get {@code --grace}, the sink is flushed) and exits 0.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the intercepting proxy (HTTP and HTTPS via CONNECT), recording every flow.")
public final class ProxyCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ProxyCommand.class);

    @Spec CommandSpec spec;
    @Mixin DataDirOption data;
    @Mixin AdminOption admin;
    @Mixin LogFormatOption logFormat;
    @Mixin StoreOptionsMixin storeOptions;
    @Mixin ShipProxyOptions ship;
    @Mixin IndexerOption indexer;
    @Mixin UiOptions ui;

    @Option(names = "--no-record", description = "Record nothing (flows are only logged). For benchmarks of the proxy alone.")
    boolean noRecord;
    @Mixin DetectOptions detect;
    @Mixin RulesOptions requestRules;
    @Mixin CredentialOptions credentials;

    @Option(names = "--listen", defaultValue = "127.0.0.1:8080", paramLabel = "HOST:PORT",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; loopback unless you ask otherwise).")
    String listen;

    @Option(names = "--ca-dir", paramLabel = "DIR",
            description = "CA directory (or mitmproxy-style key+cert PEM) to intercept with (default: <data-dir>/ca; created when empty).")
    Path caDir;

    @Option(names = "--max-body-record", defaultValue = "1MiB", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Bytes of each body kept in the record, per direction (default: ${DEFAULT-VALUE}); size and SHA-256 always cover all of it.")
    long maxBodyRecord;

    @Option(names = "--upstream-ca", paramLabel = "FILE",
            description = "Extra PEM root(s) to trust for upstream servers, besides the JDK's (repeatable).")
    List<Path> upstreamCa = new ArrayList<>();

    @Option(names = "--insecure-upstream", paramLabel = "HOSTGLOB",
            description = "Do NOT verify upstream certificates for these hosts (repeatable; logged loudly).")
    List<String> insecureUpstream = new ArrayList<>();

    @Option(names = "--upstream-proxy", paramLabel = "URL",
            description = "Send upstream traffic through this HTTP proxy (http://host:port). Default: $HTTPS_PROXY/$HTTP_PROXY/$NO_PROXY of this process.")
    String upstreamProxy;

    @Option(names = "--passthrough", paramLabel = "HOSTGLOB",
            description = "Relay TLS to these hosts untouched (pinned clients); still recorded as tunnel flows (repeatable).")
    List<String> passthrough = new ArrayList<>();

    private final HostRules.Builder rules = HostRules.builder();

    @Option(names = "--allow", paramLabel = "HOSTGLOB",
            description = "Allow requests to matching hosts; once any --allow is given, everything else is denied. First matching --allow/--deny wins (repeatable).")
    void allow(String glob) {
        try {
            rules.allow(glob);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--allow: " + e.getMessage());
        }
    }

    @Option(names = "--deny", paramLabel = "HOSTGLOB",
            description = "Deny requests to matching hosts or addresses (IP or CIDR) with 403 (repeatable).")
    void deny(String glob) {
        try {
            rules.deny(glob);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--deny: " + e.getMessage());
        }
    }

    @Option(names = "--allow-link-local",
            description = "Permit link-local destinations (169.254.0.0/16, fe80::/10, cloud metadata); refused by default.")
    boolean allowLinkLocal;

    @Option(names = "--grace", defaultValue = "10s", paramLabel = "DURATION",
            description = "On SIGTERM, how long in-flight flows may take to finish (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--connect-timeout", defaultValue = "10s", paramLabel = "DURATION",
            description = "How long connecting to an upstream may take before the client gets 504 (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--client-idle-timeout", defaultValue = "120s", paramLabel = "DURATION",
            description = "Close a client connection with no exchange in progress after this long (default: ${DEFAULT-VALUE}).")
    Duration clientIdleTimeout;

    @Option(names = "--upstream-idle-timeout", defaultValue = "300s", paramLabel = "DURATION",
            description = "An upstream that sends nothing for this long while a response is awaited or streaming: "
                    + "504 (or the stream is cut and the flow records it) (default: ${DEFAULT-VALUE}).")
    Duration upstreamIdleTimeout;

    @Option(names = "--pool-idle-timeout", defaultValue = "60s", paramLabel = "DURATION",
            description = "Close a pooled upstream connection unused for this long (default: ${DEFAULT-VALUE}).")
    Duration poolIdleTimeout;

    @Option(names = "--tls-provider", defaultValue = "auto", paramLabel = "auto|openssl|jdk",
            description = "TLS implementation (default: auto = BoringSSL when available, else the JDK).")
    String tlsProvider;

    /**
     * Off by default: 400 handshakes cost about 9 s of one core at start, and the measured effect on
     * the first request to a new host stayed within the benchmark's noise (docs/performance/proxy-harness-2026-11-27.md).
     */
    static final int DEFAULT_WARM_UP = 0;

    @Option(names = "--warm-up", defaultValue = "" + DEFAULT_WARM_UP, paramLabel = "N",
            description = "In-memory TLS handshakes run in the background at start, so the first requests to new hosts"
                    + " do not wait for the JIT compiler (default: ${DEFAULT-VALUE}; 0 = off).")
    int warmUp;

    @Override
    public Integer call() throws Exception {
        logFormat.apply();
        PrintWriter out = spec.commandLine().getOut();
        // every flag is checked, and both listen addresses tried, before anything is created on disk
        // (issue 16 #10: a port in use used to leave a new CA and store behind, and named no address)
        ProxyConfig.Builder b = configure();
        if (!noRecord) storeOptions.toOptions();
        InetSocketAddress listenAddress = Values.hostPort("--listen", listen);
        StartupErrors.checkBindable("--listen", listenAddress);
        InetSocketAddress adminAddress = admin.address();
        if (adminAddress != null && admin.explicit()) StartupErrors.checkBindable("--admin", adminAddress);
        dev.traffic.detect.Alerter alerter = detect.apply(b);
        requestRules.apply(b, detect.policy, alerter);
        java.io.Closeable broker = credentials.apply(b, detect.policy, "block".equalsIgnoreCase(detect.onFinding));
        Path dir = caDir != null ? caDir.toAbsolutePath() : data.caDir();
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, CaOptions.defaults());
        LeafMinter minter = new LeafMinter(ca);
        b.interceptKeys(new LeafKeyManager(minter).asFactory());
        b.recordingMode(storeOptions.failureMode() == dev.traffic.store.StoreOptions.FailureMode.FAIL_CLOSED
                ? dev.traffic.proxy.RecordingMode.FAIL_CLOSED : dev.traffic.proxy.RecordingMode.FAIL_OPEN);
        FlowSink sink = openSink();
        if (sink instanceof dev.traffic.store.FlowStore fs) b.session(fs.session());
        b.sink(sink);
        ProxyMetrics metrics = new ProxyMetrics();
        metrics.certCache(minter::cacheHits, minter::cacheMisses);
        b.events(new MetricsEvents(metrics));
        if (sink instanceof dev.traffic.store.FlowStore fs) {
            metrics.storeQueueDepth(fs::queueDepth);
            fs.onFsync(metrics::storeFsync);
        }
        indexer.start(sink, data.dataDir(), metrics);
        if (adminAddress != null) b.extraOwnPort(adminAddress.getPort()); // the proxy refuses requests to its admin port
        Duration graceDuration = grace;
        ProxyServer server;
        try {
            server = ProxyServer.start(b.build());
        } catch (java.io.IOException e) {
            sink.close();
            if (alerter != null) alerter.close();
            throw StartupErrors.bind("--listen", listenAddress, e);
        }
        InetSocketAddress a = server.address();
        String host = a.getAddress().getHostAddress();
        out.println("traffic proxy listening on " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort()
                + " (" + server.transportName() + ", TLS " + server.tlsProviderName().toLowerCase(Locale.ROOT) + ")"
                + "; CA certificate: " + ca.certificateFile());
        ui.start(data.storeDir(), out); // daemon threads: they end with the process
        AtomicBoolean serving = new AtomicBoolean(true);
        AdminServer adminServer;
        try {
            adminServer = startAdmin(adminAddress, metrics, ship.start(sink, metrics, AdminChecks.of(serving, sink, ca), data));
        } catch (java.io.IOException e) {
            server.close();
            sink.close();
            throw e;
        }
        out.flush();
        Runnable stop = () -> {
            serving.set(false); // /readyz turns 503 first, so load balancers stop sending
            log.info("shutting down (grace {}s)", graceDuration.toSeconds());
            server.shutdown(graceDuration);
        };
        ShutdownSignals.install(stop);
        server.awaitTermination();
        if (adminServer != null) adminServer.close();
        sink.close();
        indexer.close();
        if (alerter != null) alerter.close();
        if (broker != null) broker.close();
        out.println("traffic proxy stopped");
        out.flush();
        return 0;
    }

    /** The admin listener, or null when off; a busy default port only warns, an explicit --admin must bind. */
    private AdminServer startAdmin(InetSocketAddress address, ProxyMetrics metrics,
            java.util.Map<String, dev.traffic.proxy.admin.ReadinessCheck> checks) throws java.io.IOException {
        if (address == null) return null;
        try {
            AdminServer s = AdminServer.start(address, metrics, checks);
            log.info("traffic admin listening on http://{} (/healthz /readyz /metrics)", AdminOption.show(s.address()));
            return s;
        } catch (java.io.IOException e) {
            if (admin.explicit()) throw StartupErrors.bind("--admin", address, e);
            log.warn("admin listener not started: cannot bind {} ({}); pass --admin HOST:PORT", AdminOption.show(address), e.getMessage());
            return null;
        }
    }

    /**
     * Where flows go: the durable flow store at {@code <data-dir>/store} (each signed checkpoint
     * line is also logged, so a copy of the proof lives wherever the log goes), or with
     * {@code --no-record} only the log.
     */
    FlowSink openSink() throws java.io.IOException {
        if (noRecord) return new LogFlowSink();
        Logger checkpoints = LoggerFactory.getLogger("traffic.checkpoint");
        dev.traffic.store.StoreOptions o = indexer.apply(storeOptions.toOptions()).withCheckpointListener(cp -> checkpoints.info(cp.line()));
        dev.traffic.store.FlowStore store = dev.traffic.store.FlowStore.open(data.storeDir(), o);
        for (String w : store.recoveryWarnings()) log.warn("store recovery: {}", w);
        log.info("recording to {} (session {}, fsync every {} ms, on store failure: {})", data.storeDir(), store.session(),
                o.fsyncInterval().toMillis(), o.onStoreFailure() == dev.traffic.store.StoreOptions.FailureMode.FAIL_CLOSED ? "fail-closed" : "fail-open");
        return store;
    }

    ProxyConfig.Builder configure() {
        ProxyConfig.Builder b = ProxyConfig.builder()
                .listen(Values.hostPort("--listen", listen))
                .hostRules(rules.build())
                .allowLinkLocal(allowLinkLocal);
        long cap = maxBodyRecord;
        if (cap > Integer.MAX_VALUE - 16) throw new UsageException("--max-body-record: at most 2GiB");
        b.maxBodyRecord((int) cap);
        for (Path p : upstreamCa) {
            if (!Files.isReadable(p)) throw new UsageException("--upstream-ca: cannot read " + p);
            b.upstreamCaFile(p);
        }
        try {
            for (String g : insecureUpstream) b.insecureUpstream(g);
            for (String g : passthrough) b.passthrough(g);
            UpstreamProxySettings via = (upstreamProxy != null
                    ? UpstreamProxySettings.explicit(upstreamProxy, System.getenv())
                    : UpstreamProxySettings.fromEnvironment(System.getenv()))
                    .withoutOwnListener(Values.hostPort("--listen", listen), log::warn);
            log.info("upstream proxy: {}", via.describe());
            b.upstreamProxy(via);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        b.connectTimeout(positive("--connect-timeout", connectTimeout))
                .clientIdleTimeout(positive("--client-idle-timeout", clientIdleTimeout))
                .upstreamIdleTimeout(positive("--upstream-idle-timeout", upstreamIdleTimeout))
                .poolIdleTimeout(positive("--pool-idle-timeout", poolIdleTimeout));
        if (warmUp < 0) throw new UsageException("--warm-up: must be 0 or more, got " + warmUp);
        b.warmUpHandshakes(warmUp);
        switch (tlsProvider.toLowerCase(Locale.ROOT)) {
            case "auto" -> b.tlsProvider(ProxyConfig.TlsProvider.AUTO);
            case "openssl" -> b.tlsProvider(ProxyConfig.TlsProvider.OPENSSL);
            case "jdk" -> b.tlsProvider(ProxyConfig.TlsProvider.JDK);
            default -> throw new UsageException("--tls-provider: expected auto, openssl or jdk, got '" + tlsProvider + "'");
        }
        return b;
    }

    private static Duration positive(String option, Duration d) {
        if (d.isZero() || d.isNegative()) throw new UsageException(option + ": must be more than 0, got " + d);
        return d;
    }
}
