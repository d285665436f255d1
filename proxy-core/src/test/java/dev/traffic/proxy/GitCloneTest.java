package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.testing.Cmd;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestUpstream;
import dev.traffic.model.Flow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** git clone over HTTPS (dumb HTTP static server on loopback) through the proxy, trusting our CA. */
class GitCloneTest {
    @TempDir Path dir;

    @Test
    void cloneSucceedsAndEveryRequestIsRecorded() throws Exception {
        Map<String, String> env = Map.of("HOME", dir.toString(), "GIT_TERMINAL_PROMPT", "0",
                "GIT_CONFIG_NOSYSTEM", "1", "GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@example.test",
                "GIT_COMMITTER_NAME", "t", "GIT_COMMITTER_EMAIL", "t@example.test");
        Path work = Files.createDirectories(dir.resolve("work"));
        git(env, work, "init", "-q", "-b", "main");
        Files.writeString(work.resolve("README.md"), "hello through the proxy\n");
        Files.writeString(work.resolve("data.txt"), "x".repeat(100_000));
        git(env, work, "add", ".");
        git(env, work, "commit", "-q", "-m", "first");
        Path served = Files.createDirectories(dir.resolve("www"));
        git(env, dir, "clone", "-q", "--bare", work.toString(), served.resolve("repo.git").toString());
        git(env, served.resolve("repo.git"), "update-server-info");

        try (ProxyFixture proxy = new ProxyFixture(dir.resolve("pki"), b -> {});
             TestUpstream upstream = TestUpstream.serving(TestPki.serverContext(proxy.pki.upstreamCa, "localhost"), served)) {
            Path dest = dir.resolve("clone");
            Cmd.Result r = git(env, dir, "-c", "http.proxy=" + proxy.proxyUrl(), "-c", "http.sslCAInfo=" + proxy.pki.proxyCaPem(),
                    "clone", "https://localhost:" + upstream.port() + "/repo.git", dest.toString());
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(Files.readString(dest.resolve("README.md"))).isEqualTo("hello through the proxy\n");
            int requests = upstream.requests.size();
            assertThat(requests).isGreaterThan(3);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            List<Flow> flows;
            do {
                flows = proxy.sink.ended.stream().filter(f -> f.request() != null && f.request().path() != null
                        && f.request().path().startsWith("/repo.git/")).toList();
                if (flows.size() >= requests) break;
                Thread.onSpinWait();
            } while (System.nanoTime() < deadline);
            assertThat(flows).hasSize(requests);
            assertThat(flows).allMatch(f -> "https".equals(f.request().scheme()) && f.request().header("User-Agent").startsWith("git/"));
        }
    }

    private static Cmd.Result git(Map<String, String> env, Path cwd, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        Cmd.Result r = Cmd.run(argv, env, cwd, 60);
        if (r.exit() != 0 && !List.of(args).contains("clone")) throw new AssertionError(r.toString());
        return r;
    }
}
