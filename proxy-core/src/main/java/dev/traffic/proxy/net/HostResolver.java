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
    /**
     * Lookups in flight at once. The JDK resolver blocks a thread per lookup and cannot be
     * interrupted, so an unbounded pool let 1000 CONNECTs to slowly-resolving names make 1000
     * threads (issue 15: under a pids limit the JVM dies); past this many threads, lookups queue.
     */
    static final int MAX_THREADS = 16;
    /** Lookups waiting for a thread; past this, a lookup fails at once ("resolver busy"). */
    static final int MAX_QUEUED = 1024;
    /** A lookup that takes longer fails (the blocked thread finishes on its own). */
    static final long LOOKUP_TIMEOUT_SECONDS = 10;

    private final ExecutorService executor;
    private final HostsFile hostsFile;
    private final java.util.concurrent.ConcurrentHashMap<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

    private record Cached(InetAddress address, long expires) {}

    public HostResolver() {
        this(java.nio.file.Path.of("/etc/hosts"), 1_000_000_000L);
    }

    /** Answers from {@code hostsFile} first (re-read when changed, checked at most every {@code checkNanos}). */
    HostResolver(java.nio.file.Path hostsFile, long checkNanos) {
        this(hostsFile, checkNanos, InetAddress::getByName);
    }

    /** A blocking name lookup (the JDK's in production; tests make it slow). */
    interface Lookup {
        InetAddress byName(String host) throws UnknownHostException;
    }

    private final Lookup lookup;

    HostResolver(java.nio.file.Path hostsFile, long checkNanos, Lookup lookup) {
        this.lookup = lookup;
        this.hostsFile = new HostsFile(hostsFile, checkNanos);
        AtomicInteger n = new AtomicInteger();
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(MAX_THREADS, MAX_THREADS,
                30, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(MAX_QUEUED), r -> {
                    Thread t = new Thread(r, "traffic-dns-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.executor = pool;
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
        CompletableFuture<InetAddress> pending;
        try {
            pending = CompletableFuture.supplyAsync(() -> {
                try {
                    InetAddress a = lookup.byName(host);
                    if (cache.size() >= MAX_CACHED) cache.clear();
                    cache.put(host, new Cached(a, System.nanoTime() + TTL_NANOS));
                    return a;
                } catch (UnknownHostException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, executor);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new UnknownHostException(host + ": resolver busy (" + MAX_QUEUED
                    + " lookups waiting); try again"));
        }
        CompletableFuture<InetAddress> bounded = new CompletableFuture<>();
        pending.orTimeout(LOOKUP_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS).whenComplete((a, e) -> {
            if (e == null) {
                bounded.complete(a);
                return;
            }
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            bounded.completeExceptionally(cause instanceof java.util.concurrent.TimeoutException
                    ? new UnknownHostException(host + ": lookup timed out after " + LOOKUP_TIMEOUT_SECONDS + " s")
                    : cause);
        });
        return bounded;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
