package dev.traffic.proxy.net;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resolves a destination once, off the event loop (the JDK resolver blocks), so the policy can
 * check the very address the proxy then connects to (no DNS-rebinding window). IP literals are
 * parsed without a lookup; names in the hosts file are answered from it ({@link HostsFile}); the
 * JDK's own cache (30 s positive) applies to the rest.
 */
public final class HostResolver implements AutoCloseable {
    private static final long TTL_NANOS = 30_000_000_000L; // the JDK's own positive cache time
    private static final int MAX_CACHED = 4096;

    private final ExecutorService executor;
    private final HostsFile hostsFile;
    private final java.util.concurrent.ConcurrentHashMap<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

    private record Cached(InetAddress address, long expires) {}

    public HostResolver() {
        this(java.nio.file.Path.of("/etc/hosts"), 1_000_000_000L);
    }

    /** Answers from {@code hostsFile} first (re-read when changed, checked at most every {@code checkNanos}). */
    HostResolver(java.nio.file.Path hostsFile, long checkNanos) {
        this.hostsFile = new HostsFile(hostsFile, checkNanos);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "traffic-dns-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Completes with the address to use, or exceptionally with {@link UnknownHostException}. */
    public CompletableFuture<InetAddress> resolve(String host) {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                return CompletableFuture.completedFuture(InetAddress.getByAddress(host, literal));
            } catch (UnknownHostException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        InetAddress listed = hostsFile.lookup(host);
        if (listed != null) return CompletableFuture.completedFuture(listed);
        // A recent answer completes at once (no thread hop); the proxy still connects to exactly
        // the address it checked, so caching does not open a rebinding window.
        Cached c = cache.get(host);
        if (c != null && System.nanoTime() - c.expires() < 0) return CompletableFuture.completedFuture(c.address());
        return CompletableFuture.supplyAsync(() -> {
            try {
                InetAddress a = InetAddress.getByName(host);
                if (cache.size() >= MAX_CACHED) cache.clear();
                cache.put(host, new Cached(a, System.nanoTime() + TTL_NANOS));
                return a;
            } catch (UnknownHostException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, executor);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
