package dev.traffic.proxy.server;

import dev.traffic.proxy.connect.EagerTlsPorts;
import dev.traffic.proxy.net.HostResolver;
import dev.traffic.proxy.net.ReadGate;
import dev.traffic.proxy.net.Transport;
import dev.traffic.proxy.policy.Admission;
import dev.traffic.proxy.upstream.UpstreamDialer;
import dev.traffic.proxy.policy.PolicyGate;
import dev.traffic.proxy.tls.TlsContexts;
import dev.traffic.proxy.upstream.UpstreamPool;

import dev.traffic.proxy.ProxyConfig;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The services one running proxy shares among its handlers: config, TLS contexts, policy,
 * resolver, the per-event-loop upstream pools, the inspection executor (also used to pre-mint
 * leaves) and the drain flag.
 * Thread-safe; created by {@code ProxyServer}, closed by it.
 */
public final class ProxyContext implements AutoCloseable {
    private final ProxyConfig config;
    private final TlsContexts tls;
    private final PolicyGate policy;
    private final Admission admission;
    private final UpstreamDialer dialer;
    private final HostResolver resolver = new HostResolver();
    private final Transport transport;
    private final Map<EventLoop, UpstreamPool> pools = new ConcurrentHashMap<>();
    private final ExecutorService inspection;
    private final dev.traffic.proxy.stage.StageChain stages;
    private final LongAdder sinkBackpressure = new LongAdder();
    private final EagerTlsPorts eagerTlsPorts;
    private volatile boolean draining;

    public ProxyContext(ProxyConfig config, TlsContexts tls, Transport transport) {
        this.config = config;
        this.tls = tls;
        this.eagerTlsPorts = new EagerTlsPorts(config.eagerTlsPorts());
        this.transport = transport;
        this.dialer = new UpstreamDialer(transport, config.connectTimeout());
        this.stages = new dev.traffic.proxy.stage.StageChain(config.stages());
        this.policy = new PolicyGate(config.hostRules(), config.allowLinkLocal());
        for (int p : config.extraOwnPorts()) policy.addOwnPort(p);
        this.admission = new Admission(config, policy, resolver);
        AtomicInteger n = new AtomicInteger();
        this.inspection = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "traffic-inspect-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public ProxyConfig config() { return config; }
    public TlsContexts tls() { return tls; }
    /** The request stages every admitted request runs through. */
    public dev.traffic.proxy.stage.StageChain stages() { return stages; }
    public EagerTlsPorts eagerTlsPorts() { return eagerTlsPorts; }
    public PolicyGate policy() { return policy; }
    /** Every check deciding whether a request may go (recording health, name, resolution, address). */
    public Admission admission() { return admission; }
    public HostResolver resolver() { return resolver; }
    public Transport transport() { return transport; }
    /** Opens every connection towards upstream (pooled HTTP and raw tunnels). */
    public UpstreamDialer dialer() { return dialer; }
    public ExecutorService inspectionExecutor() { return inspection; }
    public boolean draining() { return draining; }
    public void startDraining() { draining = true; }

    /** Times the proxy stopped reading a client because the sink was full. */
    public long sinkBackpressureCount() {
        return sinkBackpressure.sum();
    }

    public UpstreamPool pool(EventLoop loop) {
        return pools.computeIfAbsent(loop, l -> new UpstreamPool(this, l));
    }

    /** Stops reading {@code ch} while the sink is full; resumes when it says it is writable again. */
    public void applySinkBackpressure(Channel ch) {
        if (config.sink().writable()) return;
        sinkBackpressure.increment();
        config.events().recordingBackpressure();
        ReadGate.of(ch).pause(ReadGate.SINK_FULL);
        config.sink().onWritable(() -> ch.eventLoop().execute(() -> ReadGate.of(ch).resume(ReadGate.SINK_FULL)));
    }

    /** Closes the idle pooled connections of every loop (on that loop). */
    public void closeIdleUpstreams() {
        pools.forEach((loop, pool) -> loop.execute(pool::closeIdle));
    }

    @Override
    public void close() {
        resolver.close();
        inspection.shutdownNow();
    }
}
