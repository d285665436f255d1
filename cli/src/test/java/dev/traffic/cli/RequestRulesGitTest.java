package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.ca.CaOptions;
import dev.traffic.ca.CertificateAuthority;
import dev.traffic.ca.LeafKeyManager;
import dev.traffic.ca.LeafMinter;
import dev.traffic.model.Flow;
import dev.traffic.model.PolicyDecision;
import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.ProxyServer;
import dev.traffic.store.FlowSink;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code git push} through the proxy (request rules wired by {@link RulesOptions} from a
 * policy file) to {@code git http-backend} on loopback: a normal push goes through; a branch
 * deletion, a tag push, a push to main and a force push are refused with the rule and its reason
 * printed by git, and the server's refs are unchanged.
 */
class RequestRulesGitTest {
    @TempDir Path dir;
    private GitHttpServer git;
    private ProxyServer proxy;
    private final BlockingQueue<Flow> flows = new LinkedBlockingQueue<>();
    private Path server;
    private Path work;

    @BeforeEach
    void start() throws Exception {
        Path root = Files.createDirectories(dir.resolve("srv"));
        server = root.resolve("repo.git");
        Files.createDirectories(dir.resolve("seed"));
        run(dir, "init", "-q", "--bare", "-b", "main", server.toString());
        run(server, "config", "http.receivepack", "true");
        Path seed = dir.resolve("seed");
        run(seed, "init", "-q", "-b", "main");
        run(seed, "commit", "-q", "--allow-empty", "-m", "first");
        run(seed, "push", "-q", server.toString(), "main");
        git = new GitHttpServer(root);

        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                rules:
                  - {name: no-ref-deletion, git: {delete-ref: true}, action: block, reason: "branches are not deleted from the sandbox"}
                  - {name: protect-main, git: {push-to: ["refs/heads/main", "refs/heads/master", "refs/tags/*"]}, action: block,
                     reason: "main and tags are protected"}
                  - {name: no-force-push, git: {force: true}, action: block, reason: "no history rewriting"}
                """);
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), CaOptions.defaults());
        ProxyConfig.Builder b = ProxyConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .interceptKeys(new LeafKeyManager(new LeafMinter(ca)).asFactory())
                .sink(new FlowSink() {
                    @Override public void started(Flow head) { }
                    @Override public void ended(Flow flow) { flows.add(flow); }
                });
        RulesOptions o = new RulesOptions();
        o.mode = "enforce";
        o.defaultAction = "allow";
        o.apply(b, policy, null);
        proxy = ProxyServer.start(b.build());

        work = dir.resolve("work");
        GitHttpServer.Result clone = GitHttpServer.git(dir, port(), "clone", "-q", git.url("repo.git"), work.toString());
        assertThat(clone.exit()).as(clone.out()).isZero();
    }

    @AfterEach
    void stop() {
        if (proxy != null) proxy.close();
        if (git != null) git.close();
    }

    private int port() {
        return proxy.address().getPort();
    }

    private static String run(Path in, String... args) throws Exception {
        GitHttpServer.Result r = GitHttpServer.git(in, 0, args);
        assertThat(r.exit()).as("git " + String.join(" ", args) + ": " + r.out()).isZero();
        return r.out();
    }

    private String serverRefs() throws Exception {
        return run(server, "for-each-ref", "--format=%(refname) %(objectname)");
    }

    private GitHttpServer.Result push(String... args) throws Exception {
        String[] a = new String[args.length + 2];
        a[0] = "push";
        a[1] = "origin";
        System.arraycopy(args, 0, a, 2, args.length);
        return GitHttpServer.git(work, port(), a);
    }

    /** The flow of the refused receive-pack POST carries the rule in its trace and policy. */
    private void assertRecordedBlock(String rule) throws Exception {
        Flow f;
        do {
            f = flows.poll(20, TimeUnit.SECONDS);
            assertThat(f).as("a flow for the refused push").isNotNull();
        } while (!f.request().path().endsWith("/git-receive-pack"));
        assertThat(f.policy()).isEqualTo(new PolicyDecision(PolicyDecision.Action.BLOCK, rule));
        assertThat(f.decisions()).anySatisfy(d -> {
            assertThat(d.stage()).isEqualTo("rules");
            assertThat(d.rule()).isEqualTo(rule);
            assertThat(d.action()).isEqualTo("block");
        });
    }

    @Test
    void normalPushesGoThroughAndDestructiveOnesAreRefusedWithTheReason() throws Exception {
        run(work, "checkout", "-q", "-b", "feature");
        run(work, "commit", "-q", "--allow-empty", "-m", "feature work");
        GitHttpServer.Result ok = push("feature");
        assertThat(ok.exit()).as(ok.out()).isZero();
        run(work, "commit", "-q", "--allow-empty", "-m", "more work");
        GitHttpServer.Result ff = push("feature");
        assertThat(ff.exit()).as(ff.out()).isZero();
        String before = serverRefs();
        assertThat(before).contains("refs/heads/feature " + run(work, "rev-parse", "HEAD").trim());
        flows.clear();

        GitHttpServer.Result del = push(":feature");
        assertThat(del.exit()).isNotZero();
        assertThat(del.out()).contains("[remote rejected]").contains("no-ref-deletion").contains("branches are not deleted from the sandbox");
        assertRecordedBlock("no-ref-deletion");

        run(work, "tag", "v1.0");
        GitHttpServer.Result tag = push("v1.0");
        assertThat(tag.exit()).isNotZero();
        assertThat(tag.out()).contains("protect-main").contains("main and tags are protected").contains("refs/tags/v1.0");
        assertRecordedBlock("protect-main");

        run(work, "checkout", "-q", "main");
        run(work, "commit", "-q", "--allow-empty", "-m", "straight to main");
        GitHttpServer.Result main = push("main");
        assertThat(main.exit()).isNotZero();
        assertThat(main.out()).contains("protect-main").contains("main and tags are protected");
        assertRecordedBlock("protect-main");

        run(work, "checkout", "-q", "feature");
        run(work, "commit", "-q", "--amend", "--allow-empty", "-m", "rewritten");
        GitHttpServer.Result force = push("--force", "feature");
        assertThat(force.exit()).isNotZero();
        assertThat(force.out()).contains("no-force-push").contains("no history rewriting").contains("force-updates refs/heads/feature");
        assertRecordedBlock("no-force-push");

        assertThat(serverRefs()).isEqualTo(before);
    }
}
