package dev.traffic.proxy;

import dev.traffic.match.HostGlob;
import dev.traffic.store.FlowSink;
import dev.traffic.model.FlowId;
import dev.traffic.proxy.stage.InspectionStage;
import dev.traffic.stage.RequestStage;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;

/**
 * Everything a {@link ProxyServer} needs, immutable. Build with {@link #builder()}; every field has
 * a safe default except {@code interceptKeys} (the leaf key manager from ca-tools, required for
 * TLS interception) and the sink (defaults to recording nothing).
 *
 * <p>{@code stages} holds every request stage in the order added, the inspector's INSPECTION stage
 * included (the proxy sorts them by {@link dev.traffic.stage.StageOrder}).
 */
public record ProxyConfig(
        InetSocketAddress listen,
        FlowSink sink,
        RecordingMode recordingMode,
        String session,
        int maxBodyRecord,
        KeyManagerFactory interceptKeys,
        List<Path> upstreamCaFiles,
        List<HostGlob> insecureUpstream,
        UpstreamProxySettings upstreamProxy,
        List<HostGlob> passthrough,
        HostRules hostRules,
        boolean allowLinkLocal,
        List<Integer> extraOwnPorts,
        RequestInspector inspector,
        List<RequestStage> stages,
        int scanWindow,
        int inlineInspectionLimit,
        Duration connectTimeout,
        Duration clientIdleTimeout,
        Duration upstreamIdleTimeout,
        Duration poolIdleTimeout,
        Duration tlsPeekTimeout,
        Set<Integer> eagerTlsPorts,
        int maxHeaderSize,
        int maxInitialLineLength,
        TlsProvider tlsProvider,
        int ioThreads,
        int warmUpHandshakes,
        ProxyEvents events) {

    /** Which TLS implementation to use on both sides. AUTO = BoringSSL when it loads, else the JDK. */
    public enum TlsProvider { AUTO, OPENSSL, JDK }

    public ProxyConfig {
        Objects.requireNonNull(listen, "listen");
        sink = sink == null ? FlowSink.NONE : sink;
        upstreamCaFiles = List.copyOf(upstreamCaFiles);
        insecureUpstream = List.copyOf(insecureUpstream);
        passthrough = List.copyOf(passthrough);
        extraOwnPorts = List.copyOf(extraOwnPorts);
        stages = stages == null ? List.of() : List.copyOf(stages);
        eagerTlsPorts = Set.copyOf(eagerTlsPorts);
        events = events == null ? ProxyEvents.NONE : events;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent builder with the documented defaults. */
    public static final class Builder {
        private InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 8080);
        private FlowSink sink = FlowSink.NONE;
        private RecordingMode recordingMode = RecordingMode.FAIL_CLOSED;
        private String session = FlowId.next();
        private int maxBodyRecord = 1 << 20;
        private KeyManagerFactory interceptKeys;
        private final List<Path> upstreamCaFiles = new ArrayList<>();
        private final List<HostGlob> insecureUpstream = new ArrayList<>();
        private UpstreamProxySettings upstreamProxy = UpstreamProxySettings.DIRECT;
        private final List<HostGlob> passthrough = new ArrayList<>();
        private HostRules hostRules = HostRules.ALLOW_ALL;
        private boolean allowLinkLocal;
        private final List<Integer> extraOwnPorts = new ArrayList<>();
        private RequestInspector inspector;
        private final List<RequestStage> stages = new ArrayList<>();
        private int scanWindow = 1 << 20;
        // ~0.25 ms of detect at its measured ~60 MB/s: a short stall of the loop costs less than
        // the two thread hops (and on one core, two context switches) an offload costs per request
        private int inlineInspectionLimit = 16 * 1024;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration clientIdleTimeout = Duration.ofSeconds(120);
        private Duration upstreamIdleTimeout = Duration.ofSeconds(300);
        private Duration poolIdleTimeout = Duration.ofSeconds(60);
        private Duration tlsPeekTimeout = Duration.ofSeconds(1); // only for server-speaks-first ports (SSH, SMTP, ...)
        // HTTPS, its common alternate, the Kubernetes API: CONNECTs there almost always carry TLS
        private Set<Integer> eagerTlsPorts = Set.of(443, 8443, 6443);
        private int maxHeaderSize = 64 * 1024;
        private int maxInitialLineLength = 16 * 1024;
        private TlsProvider tlsProvider = TlsProvider.AUTO;
        private int ioThreads;
        private int warmUpHandshakes;
        private ProxyEvents events = ProxyEvents.NONE;

        public Builder listen(InetSocketAddress v) { listen = v; return this; }
        public Builder sink(FlowSink v) { sink = v; return this; }
        public Builder recordingMode(RecordingMode v) { recordingMode = v; return this; }
        public Builder session(String v) { session = v; return this; }
        public Builder maxBodyRecord(int v) { maxBodyRecord = v; return this; }
        public Builder interceptKeys(KeyManagerFactory v) { interceptKeys = v; return this; }
        public Builder upstreamCaFile(Path v) { upstreamCaFiles.add(v); return this; }
        public Builder insecureUpstream(String glob) { insecureUpstream.add(HostGlob.of(glob)); return this; }
        public Builder upstreamProxy(UpstreamProxySettings v) { upstreamProxy = v; return this; }
        public Builder passthrough(String glob) { passthrough.add(HostGlob.of(glob)); return this; }
        public Builder hostRules(HostRules v) { hostRules = v; return this; }
        public Builder allowLinkLocal(boolean v) { allowLinkLocal = v; return this; }
        public Builder extraOwnPort(int v) { extraOwnPorts.add(v); return this; }
        /**
         * The inline inspection: runs as the INSPECTION request stage ({@link InspectionStage}); its
         * WebSocket message hook inspects client messages of upgraded flows.
         */
        public Builder inspector(RequestInspector v) { inspector = v; return this; }
        /**
         * Adds a request stage (rules, credentials, ...). Stages run in {@link dev.traffic.stage.StageOrder}
         * order on every request the proxy admits, in the order added within one StageOrder; see
         * {@link RequestStage}.
         */
        public Builder stage(RequestStage v) { stages.add(Objects.requireNonNull(v, "stage")); return this; }
        public Builder stages(List<? extends RequestStage> v) { v.forEach(this::stage); return this; }
        public Builder scanWindow(int v) { scanWindow = v; return this; }
        /** Requests whose head plus held body are at most this many bytes are inspected on the event loop; 0: never. */
        public Builder inlineInspectionLimit(int v) { inlineInspectionLimit = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder clientIdleTimeout(Duration v) { clientIdleTimeout = v; return this; }
        public Builder upstreamIdleTimeout(Duration v) { upstreamIdleTimeout = v; return this; }
        public Builder poolIdleTimeout(Duration v) { poolIdleTimeout = v; return this; }
        public Builder tlsPeekTimeout(Duration v) { tlsPeekTimeout = v; return this; }
        /**
         * CONNECT ports where the upstream TLS connection is started as soon as the CONNECT is accepted
         * (before the client's ClientHello), to take the upstream handshake off a new host's first
         * request. Other ports join once a tunnel there carried TLS, and any port leaves once one did not.
         */
        public Builder eagerTlsPorts(Set<Integer> v) { eagerTlsPorts = v; return this; }
        public Builder maxHeaderSize(int v) { maxHeaderSize = v; return this; }
        public Builder maxInitialLineLength(int v) { maxInitialLineLength = v; return this; }
        public Builder tlsProvider(TlsProvider v) { tlsProvider = v; return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }
        /** In-memory TLS handshakes run at start so the JIT compiles the new-host path early (0 = none). */
        public Builder warmUpHandshakes(int v) { warmUpHandshakes = v; return this; }
        public Builder events(ProxyEvents v) { events = v; return this; }

        public ProxyConfig build() {
            List<RequestStage> all = new ArrayList<>(stages);
            if (inspector != null) all.add(new InspectionStage(inspector));
            return new ProxyConfig(listen, sink, recordingMode, session, maxBodyRecord, interceptKeys,
                    upstreamCaFiles, insecureUpstream, upstreamProxy, passthrough, hostRules, allowLinkLocal,
                    extraOwnPorts, inspector, all, scanWindow, inlineInspectionLimit, connectTimeout, clientIdleTimeout, upstreamIdleTimeout,
                    poolIdleTimeout, tlsPeekTimeout, eagerTlsPorts, maxHeaderSize, maxInitialLineLength, tlsProvider, ioThreads,
                    warmUpHandshakes, events);
        }
    }
}
