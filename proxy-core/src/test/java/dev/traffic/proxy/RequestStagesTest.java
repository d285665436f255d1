package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Decision;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import dev.traffic.model.PolicyDecision;
import dev.traffic.proxy.testing.Cmd;
import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.proxy.testing.TestPki;
import dev.traffic.proxy.testing.TestUpstream;
import dev.traffic.stage.Refusal;
import dev.traffic.stage.RequestStage;
import dev.traffic.stage.ResponseRewrite;
import dev.traffic.stage.StageInput;
import dev.traffic.stage.StageOrder;
import dev.traffic.stage.StageOutcome;
import dev.traffic.stage.StreamRewriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request-stage seam end to end (curl, real TLS, a real upstream): a RULES stage that refuses
 * (rendered as text, JSON or a Kubernetes Status), a RULES stage that rewrites a header and the body
 * (held prefix and streamed tail), a CREDENTIALS stage that injects a secret and rewrites the
 * response back (HTTP/1.1 and HTTP/2, chunked and Content-Length, a pattern split across chunks),
 * and the recorded flow holding the request as it was before CREDENTIALS.
 */
@ExtendWith(LeakCheck.class)
class RequestStagesTest {
    static final String REAL = "REAL-SECRET-0123456789";
    static final String PLACEHOLDER = "{{test-key}}";

    @TempDir static Path dir;
    static ProxyFixture proxy;
    static TestUpstream tls;

    /** Replaces every {@code from} with {@code to}, holding back a possible partial match across pieces. */
    static final class Replace implements StreamRewriter {
        private final byte[] from;
        private final byte[] to;
        private byte[] carry = new byte[0];

        Replace(String from, String to) {
            this.from = from.getBytes(StandardCharsets.UTF_8);
            this.to = to.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] rewrite(byte[] piece, boolean last) {
            byte[] buf = new byte[carry.length + piece.length];
            System.arraycopy(carry, 0, buf, 0, carry.length);
            System.arraycopy(piece, 0, buf, carry.length, piece.length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int i = 0;
            while (i < buf.length) {
                if (matches(buf, i)) {
                    out.writeBytes(to);
                    i += from.length;
                } else if (!last && buf.length - i < from.length) {
                    break; // may be the start of a match that the next piece completes
                } else {
                    out.write(buf[i++]);
                }
            }
            carry = java.util.Arrays.copyOfRange(buf, i, buf.length);
            return out.toByteArray();
        }

        private boolean matches(byte[] b, int at) {
            if (b.length - at < from.length) return false;
            for (int k = 0; k < from.length; k++) if (b[at + k] != from[k]) return false;
            return true;
        }
    }

    static RequestStage stage(String name, StageOrder order, boolean body, Function<StageInput, StageOutcome> f) {
        return new RequestStage() {
            @Override public String name() { return name; }
            @Override public StageOrder order() { return order; }
            @Override public CompletionStage<StageOutcome> apply(StageInput in) { return CompletableFuture.completedFuture(f.apply(in)); }
            @Override public boolean needsBody(StageInput head) { return body && "/sink".equals(head.request().path()); }
        };
    }

    /** RULES: refuses /forbidden and anything under /apis/; rewrites X-Change and the body of /sink?rewrite. */
    static StageOutcome rules(StageInput in) {
        FlowRequest r = in.request();
        if (r.path().startsWith("/forbidden") || r.path().startsWith("/apis/")) {
            Refusal no = new Refusal(403, "rules", "no-forbidden", "refused by rule no-forbidden: " + r.method() + " " + r.path());
            return StageOutcome.refuse(no, null, List.of(new Decision("rules", "no-forbidden", "refuse", "forbidden path")));
        }
        if (r.query() != null && r.query().startsWith("rewrite")) {
            List<Header> hs = new ArrayList<>();
            for (Header h : r.headers()) hs.add(h.name().equalsIgnoreCase("X-Change") ? new Header(h.name(), "after") : h);
            FlowRequest fwd = r.withHeaders(hs);
            if (r.body() != null && r.body().recorded().length > 0) {
                String b = new String(r.body().recorded(), StandardCharsets.ISO_8859_1).replace("PLACE", "REPLACED-LONGER");
                fwd = fwd.withBody(new dev.traffic.model.Body(b.length(), null, b.getBytes(StandardCharsets.ISO_8859_1), r.body().truncated()));
            }
            StreamRewriter tail = r.query().equals("rewrite-tail") ? new Replace("TAIL", "T-A-I-L") : null;
            return new StageOutcome(null, fwd, tail, null, null, null, List.of(new Decision("rules", "rewrite", "allow", "rewritten")), null);
        }
        return StageOutcome.PROCEED;
    }

    /** CREDENTIALS: the placeholder becomes the real secret upstream, and the real secret the placeholder on the way back. */
    static StageOutcome credentials(StageInput in) {
        FlowRequest r = in.request();
        String auth = r.header("Authorization");
        if (auth == null || !auth.contains(PLACEHOLDER)) return StageOutcome.PROCEED;
        List<Header> hs = new ArrayList<>();
        for (Header h : r.headers()) {
            hs.add(h.name().equalsIgnoreCase("Authorization") ? new Header(h.name(), h.value().replace(PLACEHOLDER, REAL)) : h);
        }
        ResponseRewrite back = new ResponseRewrite(h -> h, received -> new Replace(REAL, PLACEHOLDER));
        return new StageOutcome(null, r.withHeaders(hs), null, back, null, null,
                List.of(new Decision("credentials", "test-key", "inject", "brokered test-key")), List.of("test-key"));
    }

    /** Rewrites the chunked test response ("one,", "two,", "three") across the chunk boundary. */
    static StageOutcome responses(StageInput in) {
        if (!"/chunked".equals(in.request().path()) && !"/headers".equals(in.request().path())) return StageOutcome.PROCEED;
        ResponseRewrite w = new ResponseRewrite(h -> {
            List<Header> out = new ArrayList<>(h);
            out.add(new Header("X-Rewritten", "yes"));
            return out;
        }, received -> new Replace("e,tw", "E+TW"));
        return new StageOutcome(null, null, null, w, null, null, null, null);
    }

    @BeforeAll
    static void start() throws Exception {
        proxy = new ProxyFixture(dir, b -> b.scanWindow(64)
                .stage(stage("credentials", StageOrder.CREDENTIALS, false, RequestStagesTest::credentials))
                .stage(stage("rules", StageOrder.RULES, true, RequestStagesTest::rules))
                .stage(stage("responses", StageOrder.RULES, false, RequestStagesTest::responses)));
        tls = TestUpstream.tls(TestPki.serverContext(proxy.pki.upstreamCa, "localhost"));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        tls.close();
    }

    static Cmd.Result curl(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "20", "-x", proxy.proxyUrl(),
                "--cacert", proxy.pki.proxyCaPem().toString()));
        argv.addAll(List.of(args));
        return Cmd.run(argv, null, null, 30);
    }

    String url(String pathAndQuery) {
        return "https://localhost:" + tls.port() + pathAndQuery;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void aRefusingStageAnswersInTheClientsFormAndNothingGoesUpstream() throws Exception {
        int before = tls.requests.size();
        Cmd.Result text = curl("--http1.1", url("/forbidden/text"));
        assertThat(text.out()).as(text.toString()).contains("HTTP/1.1 403").containsIgnoringCase("Content-Type: text/plain")
                .contains("refused by rule no-forbidden: GET /forbidden/text (flow ");
        Cmd.Result json = curl("--http2", "-H", "Accept: application/json", url("/forbidden/json"));
        assertThat(json.out()).as(json.toString()).contains("HTTP/2 403").contains("content-type: application/json")
                .contains("{\"error\":{\"status\":403,\"reason\":\"Forbidden\",\"stage\":\"rules\",\"rule\":\"no-forbidden\"");
        Cmd.Result kube = curl("--http1.1", "-H", "User-Agent: kubectl/v1.31.0 (linux/amd64)", url("/apis/apps/v1/deployments"));
        assertThat(kube.out()).as(kube.toString()).contains("HTTP/1.1 403")
                .contains("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\"")
                .contains("\"reason\":\"Forbidden\",\"code\":403}");
        assertThat(tls.requests.size()).isEqualTo(before);

        Flow f = proxy.sink.await(fl -> "/forbidden/text".equals(fl.request().path()));
        assertThat(f.policy()).isEqualTo(new PolicyDecision(PolicyDecision.Action.BLOCK, "no-forbidden"));
        assertThat(f.decisions()).containsExactly(new Decision("rules", "no-forbidden", "refuse", "forbidden path"));
        assertThat(f.response().status()).isEqualTo(403);
        assertThat(text.out()).contains(f.id());
    }

    @Test
    void aStageRewritesAHeaderAndTheHeldBodyAndContentLengthFollows() throws Exception {
        String body = "a=PLACE&b=2";
        Cmd.Result r = curl("--http1.1", "-H", "X-Change: before", "--data-binary", body, url("/sink?rewrite"));
        String sent = body.replace("PLACE", "REPLACED-LONGER");
        assertThat(r.out()).as(r.toString()).contains("HTTP/1.1 200")
                .contains("size=" + sent.length() + " sha256=" + sha256(sent.getBytes(StandardCharsets.US_ASCII)));
        var up = tls.requests.stream().filter(q -> q.uri().equals("/sink?rewrite")).findFirst().orElseThrow();
        assertThat(up.headers().get("X-Change")).isEqualTo("after");
        assertThat(up.headers().getInt("Content-Length")).isEqualTo(sent.length());
        Flow f = proxy.sink.await(fl -> "rewrite".equals(fl.request().query()));
        assertThat(f.decisions()).extracting(Decision::rule).contains("rewrite");
    }

    @Test
    void aStageRewritesTheStreamedRestOfALongBody() throws Exception {
        // 64-byte window: the prefix is rewritten by the stage, the rest streams through its tail rewriter
        StringBuilder sb = new StringBuilder("PLACE");
        while (sb.length() < 50_000) sb.append("-TAIL-").append(sb.length());
        Path file = dir.resolve("long.txt");
        Files.writeString(file, sb);
        Cmd.Result r = curl("--http1.1", "-H", "X-Change: before", "--data-binary", "@" + file, url("/sink?rewrite-tail"));
        String s = sb.toString();
        String sent = s.substring(0, 64).replace("PLACE", "REPLACED-LONGER") + s.substring(64).replace("TAIL", "T-A-I-L");
        assertThat(r.out()).as(r.toString()).contains("HTTP/1.1 200")
                .contains("size=" + sent.length() + " sha256=" + sha256(sent.getBytes(StandardCharsets.US_ASCII)));
        var up = tls.requests.stream().filter(q -> q.uri().equals("/sink?rewrite-tail")).findFirst().orElseThrow();
        assertThat(up.headers().get("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(up.headers().contains("Content-Length")).isFalse();
    }

    @Test
    void responseRewritesReframeChunkedBodiesAcrossChunkBoundariesOnH1AndH2() throws Exception {
        for (String proto : List.of("--http1.1", "--http2")) {
            Cmd.Result r = curl(proto, url("/chunked"));
            assertThat(r.out()).as(r.toString()).containsIgnoringCase("x-rewritten: yes").endsWith("onE+TWo,three");
        }
    }

    @Test
    void credentialsAreInjectedUpstreamRewrittenBackAndNeverRecorded() throws Exception {
        for (String proto : List.of("--http1.1", "--http2")) {
            String q = "/headers?cred" + proto.substring(7);
            Cmd.Result r = curl(proto, "-H", "Authorization: Bearer " + PLACEHOLDER, url(q));
            // the upstream got the real secret and echoed it in a Content-Length response; the client sees the placeholder
            var up = tls.requests.stream().filter(x -> x.uri().equals(q)).findFirst().orElseThrow();
            assertThat(up.headers().get("Authorization")).isEqualTo("Bearer " + REAL);
            assertThat(up.headers().get("Accept-Encoding")).isEqualTo("identity");
            assertThat(r.out()).as(r.toString()).containsIgnoringCase("authorization: Bearer " + PLACEHOLDER)
                    .doesNotContain(REAL).containsIgnoringCase("x-rewritten: yes");
            assertThat(r.out().toLowerCase()).doesNotContain("content-length");

            Flow f = proxy.sink.await(fl -> q.equals(fl.request().path() + "?" + fl.request().query()));
            assertThat(f.request().header("Authorization")).isEqualTo("Bearer " + PLACEHOLDER);
            assertThat(new String(f.response().body().recorded(), StandardCharsets.UTF_8)).contains(PLACEHOLDER).doesNotContain(REAL);
            assertThat(f.credentials()).containsExactly("test-key");
            assertThat(f.decisions()).extracting(Decision::action).contains("inject");
            Flow head = proxy.sink.awaitStarted(fl -> fl.id().equals(f.id()));
            assertThat(head.request().header("Authorization")).isEqualTo("Bearer " + PLACEHOLDER);
            assertThat(f.toString()).doesNotContain(REAL);
        }
    }
}
