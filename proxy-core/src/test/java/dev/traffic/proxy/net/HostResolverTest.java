package dev.traffic.proxy.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names in the hosts file resolve at once from it (no lookup thread), and a changed file is re-read. */
class HostResolverTest {
    @TempDir Path dir;

    @Test
    void hostsFileNamesResolveImmediatelyAndChangesAreSeen() throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "# test\n127.0.0.9 Listed.Test other.test\n::1 v6only.test\n");
        try (HostResolver r = new HostResolver(hosts, 0)) {
            CompletableFuture<InetAddress> f = r.resolve("listed.test");
            assertThat(f).isDone(); // answered on the caller's thread, no DNS query
            assertThat(f.get().getHostAddress()).isEqualTo("127.0.0.9");
            assertThat(r.resolve("LISTED.test.").get().getHostAddress()).isEqualTo("127.0.0.9");
            assertThat(r.resolve("v6only.test").get().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");

            Files.writeString(hosts, "127.0.0.10 listed.test\n");
            Files.setLastModifiedTime(hosts, FileTime.from(Instant.now().plusSeconds(5)));
            assertThat(r.resolve("listed.test").get().getHostAddress()).isEqualTo("127.0.0.10");
            // no longer listed: the JDK resolver answers (localhost is always resolvable)
            assertThat(r.resolve("localhost").get().isLoopbackAddress()).isTrue();
        }
    }

    @Test
    void aMissingHostsFileLeavesEverythingToTheJdk() throws Exception {
        try (HostResolver r = new HostResolver(dir.resolve("absent"), 0)) {
            assertThat(r.resolve("localhost").get().isLoopbackAddress()).isTrue();
            assertThat(r.resolve("127.0.0.1").get().getHostAddress()).isEqualTo("127.0.0.1");
        }
    }
}
