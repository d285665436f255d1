package dev.traffic.proxy.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 6: 1000 lookups of names that resolve slowly made 1000 threads (the JVM dies under
 * a pids limit). Now at most {@link HostResolver#MAX_THREADS} lookups run at once, at most
 * {@link HostResolver#MAX_QUEUED} wait, and the rest fail at once with a reason.
 */
class HostResolverBoundsTest {
    @TempDir Path tmp;

    @Test
    void slowLookupsUseABoundedNumberOfThreadsAndTheOverflowFailsFast() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch allThreadsBusy = new CountDownLatch(HostResolver.MAX_THREADS);
        HostResolver.Lookup slow = host -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            allThreadsBusy.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            return InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1});
        };
        Path hosts = Files.writeString(tmp.resolve("hosts"), "");
        try (HostResolver r = new HostResolver(hosts, 1_000_000_000L, slow)) {
            int total = HostResolver.MAX_THREADS + HostResolver.MAX_QUEUED + 200;
            List<CompletableFuture<InetAddress>> all = new ArrayList<>();
            for (int i = 0; i < total; i++) all.add(r.resolve("slow" + i + ".test"));
            assertThat(allThreadsBusy.await(30, TimeUnit.SECONDS)).isTrue();
            long busy = all.stream().filter(f -> f.isCompletedExceptionally()).count();
            assertThat(busy).as("lookups beyond the queue fail at once").isEqualTo(200);
            ExecutionException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> all.get(total - 1).get(), ExecutionException.class);
            assertThat(e.getCause()).isInstanceOf(UnknownHostException.class).hasMessageContaining("resolver busy");
            release.countDown();
            for (int i = 0; i < total - 200; i++) assertThat(all.get(i).get(60, TimeUnit.SECONDS)).isNotNull();
            assertThat(most.get()).as("lookups in flight at once").isEqualTo(HostResolver.MAX_THREADS);
        }
    }
}
