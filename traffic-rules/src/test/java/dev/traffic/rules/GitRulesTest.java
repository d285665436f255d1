package dev.traffic.rules;

import static dev.traffic.rules.GitPushes.ZERO;
import static dev.traffic.rules.GitPushes.body;
import static dev.traffic.rules.GitPushes.commitText;
import static dev.traffic.rules.GitPushes.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Header;
import dev.traffic.rules.internal.ReceivePack;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ref-update commands and force detection from hand-built receive-pack bodies; fail closed on bad ones. */
class GitRulesTest {
    static String c1, c2, c3, r1;   // c1 <- c2 <- c3 ; r1 rewrites c2 (parent c1)
    static String t1, t2, t3, tr;

    @BeforeAll
    static void commits() throws Exception {
        t1 = commitText(null, "one");
        c1 = id(t1);
        t2 = commitText(c1, "two");
        c2 = id(t2);
        t3 = commitText(c2, "three");
        c3 = id(t3);
        tr = commitText(c1, "two, amended");
        r1 = id(tr);
    }

    static List<GitUpdate> parse(byte[] body) throws ReceivePack.Unreadable {
        return ReceivePack.parse(body, false, null).updates();
    }

    @Test
    void creationsDeletionsFastForwardsAndForcePushes() throws Exception {
        List<GitUpdate> u = parse(body(new String[] {
                ZERO + " " + c1 + " refs/heads/new",
                c1 + " " + ZERO + " refs/heads/gone",
                c1 + " " + c3 + " refs/heads/ff",
                c2 + " " + r1 + " refs/heads/rewritten",
                c1 + " " + c2 + " refs/tags/v1",
                c2 + " " + c2 + " refs/heads/same"}, t3, t2, tr));
        assertThat(u).extracting(GitUpdate::ref).containsExactly("refs/heads/new", "refs/heads/gone", "refs/heads/ff",
                "refs/heads/rewritten", "refs/tags/v1", "refs/heads/same");
        assertThat(u.get(0).creation()).isTrue();
        assertThat(u.get(0).forced()).isFalse();
        assertThat(u.get(1).deletion()).isTrue();
        assertThat(u.get(1).forced()).isFalse();
        assertThat(u.get(2).force()).isEqualTo(GitUpdate.Force.NO);
        assertThat(u.get(2).forceWhy()).contains("proven");
        assertThat(u.get(3).force()).isEqualTo(GitUpdate.Force.UNPROVEN);
        assertThat(u.get(3).forceWhy()).contains("history rewritten");
        assertThat(u.get(4).force()).isEqualTo(GitUpdate.Force.YES);
        assertThat(u.get(5).forced()).isFalse();
    }

    @Test
    void aCommitTheServerAlreadyHasCannotBeProvenAFastForward() throws Exception {
        List<GitUpdate> u = parse(body(new String[] {c1 + " " + c2 + " refs/heads/main"}));
        assertThat(u.get(0).force()).isEqualTo(GitUpdate.Force.UNPROVEN);
        assertThat(u.get(0).forceWhy()).contains("not in the pushed pack");
    }

    @Test
    void shallowLinesAndGzipAreRead() throws Exception {
        byte[] plain = body(new String[] {c1 + " " + c2 + " refs/heads/x"}, t2);
        byte[] shallow = concat(GitPushes.pkt("shallow " + c1 + "\n"), plain);
        assertThat(parse(shallow).get(0).force()).isEqualTo(GitUpdate.Force.NO);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(plain);
        }
        assertThat(ReceivePack.parse(gz.toByteArray(), false, "gzip").updates().get(0).force()).isEqualTo(GitUpdate.Force.NO);
    }

    @Test
    void unreadableBodiesAreRefusedNotGuessed() throws Exception {
        byte[] ok = body(new String[] {c1 + " " + c2 + " refs/heads/x", c1 + " " + c2 + " refs/heads/y"}, t2);
        assertUnreadable(Arrays.copyOf(ok, 30), false, 400, "truncated");
        assertUnreadable(Arrays.copyOf(ok, 30), true, 403, "scan window");
        assertUnreadable("zzzz".getBytes(StandardCharsets.US_ASCII), false, 400, "not a pkt-line");
        assertUnreadable(GitPushes.pkt("hello world\n"), false, 400, "malformed ref-update command");
        assertUnreadable(concat(GitPushes.pkt(c1 + " " + c2.substring(1) + " refs/heads/x\n"), "0000".getBytes()), false, 400, "malformed");
        assertUnreadable(concat(GitPushes.pkt("push-cert\0report-status\n"), "0000".getBytes()), false, 403, "signed pushes");
        assertUnreadable("0002".getBytes(StandardCharsets.US_ASCII), false, 400, "bad pkt-line length");
        assertUnreadable("fff0".getBytes(StandardCharsets.US_ASCII), false, 400, "ends inside its command list");
        assertThat(catchUnreadable(() -> ReceivePack.parse(ok, false, "br"))).hasMessageContaining("content-encoding 'br'");
    }

    @Test
    void rulesMatchTheUpdatesAndSayWhatMatched() throws Exception {
        RuleSet rules = RuleSet.parse("""
                rules:
                  - {name: no-ref-deletion, git: {delete-ref: true}, action: block}
                  - {name: protect-main, git: {push-to: ["refs/heads/main", "refs/heads/master", "refs/tags/*"]}, action: block, reason: "main is protected"}
                  - {name: no-force-push, git: {force: true}, action: block}
                """, "p.yaml", List.of());
        assertThat(decide(rules, ZERO + " " + c1 + " refs/heads/feature", t1).rule()).isNull();
        assertThat(decide(rules, c1 + " " + c3 + " refs/heads/feature", t3, t2).rule()).isNull();
        Verdict del = decide(rules, c1 + " " + ZERO + " refs/heads/feature");
        assertThat(del.ruleName()).isEqualTo("no-ref-deletion");
        assertThat(del.reason()).isEqualTo("blocked by rule no-ref-deletion (deletes refs/heads/feature)");
        Verdict main = decide(rules, c1 + " " + c2 + " refs/heads/main", t2);
        assertThat(main.ruleName()).isEqualTo("protect-main");
        assertThat(main.reason()).isEqualTo("main is protected (updates refs/heads/main)");
        assertThat(decide(rules, ZERO + " " + c1 + " refs/tags/v1.0", t1).ruleName()).isEqualTo("protect-main");
        Verdict force = decide(rules, c2 + " " + r1 + " refs/heads/feature", tr);
        assertThat(force.ruleName()).isEqualTo("no-force-push");
        assertThat(force.reason()).contains("force-updates refs/heads/feature").contains("history rewritten");
        // not a push: git rules never match, and the body is never read
        assertThat(rules.evaluate(RuleRequest.of("POST", "h", 443, "/r.git/git-upload-pack", null, List.of(), "junk".getBytes(), null),
                Action.ALLOW).rule()).isNull();
        Verdict bad = rules.evaluate(RuleRequest.of("POST", "h", 443, "/r.git/git-receive-pack", null, List.of(), "junk".getBytes(), null),
                Action.ALLOW);
        assertThat(bad.action()).isEqualTo(Action.BLOCK);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(rules.needsBody("POST", "/r.git/git-receive-pack", null)).isTrue();
        assertThat(rules.needsBody("POST", "/r.git/git-upload-pack", null)).isFalse();
        assertThat(rules.needsBody("GET", "/r.git/info/refs", null)).isFalse();
    }

    private static Verdict decide(RuleSet rules, String command, String... commits) throws Exception {
        return rules.evaluate(RuleRequest.of("POST", "git.test", 443, "/org/repo.git/git-receive-pack", null,
                List.of(new Header("Content-Type", "application/x-git-receive-pack-request")), body(new String[] {command}, commits), null),
                Action.ALLOW);
    }

    private static void assertUnreadable(byte[] body, boolean truncated, int status, String text) {
        ReceivePack.Unreadable e = catchUnreadable(() -> ReceivePack.parse(body, truncated, null));
        assertThat(e).as(new String(body, StandardCharsets.ISO_8859_1)).isNotNull();
        assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
        assertThat(e.getMessage()).contains(text);
    }

    interface Parse {
        Object run() throws ReceivePack.Unreadable;
    }

    private static ReceivePack.Unreadable catchUnreadable(Parse p) {
        try {
            p.run();
            return null;
        } catch (ReceivePack.Unreadable e) {
            return e;
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] o = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }
}
