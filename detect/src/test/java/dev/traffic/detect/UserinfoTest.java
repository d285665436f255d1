package dev.traffic.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Finding;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Severity;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Credentials in a URL's userinfo ({@code https://user:secret@host/}): location {@code url-userinfo}. */
class UserinfoTest {
    private final Tokens tk = new Tokens(23);
    private final String gh = tk.github("ghp_");
    private final String dbPassword = "pX7#rT2q=Vw9!mKz4&Lb";
    private final Detector detector = new Detector(Policy.parse("""
            secrets:
              - name: DB_PASSWORD
                family: generic
                value: "%s"
            destinations:
              github: {hosts: [api.github.com, github.com], locations: [header:authorization, url-userinfo]}
            """.formatted(dbPassword), "t.yaml", Path.of("."), k -> null));

    private List<Finding> scan(FlowRequest r) {
        return detector.scan(r, ScanContext.stateless());
    }

    @Test
    void githubTokenInUserinfoIsNormalToGithubAndCriticalElsewhere() {
        assertThat(scan(Requests.get("https://x-access-token:" + gh + "@github.com/org/repo.git/info/refs").build())).isEmpty();
        assertThat(scan(Requests.get("https://" + gh + "@github.com/org/repo.git").build())).isEmpty();

        List<Finding> away = scan(Requests.get("https://x-access-token:" + gh + "@git.attacker.test/r.git").build());
        assertThat(away).singleElement().satisfies(f -> {
            assertThat(f.location()).isEqualTo("url-userinfo");
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.family()).isEqualTo("github");
            assertThat(f.host()).isEqualTo("git.attacker.test");
        });
        // the user part alone, too
        assertThat(scan(Requests.get("http://" + gh + "@203.0.113.9/").build()))
                .singleElement().satisfies(f -> assertThat(f.location()).isEqualTo("url-userinfo"));
    }

    @Test
    void percentEncodedPasswordIsDecodedAndRedacted() {
        String enc = URLEncoder.encode(dbPassword, StandardCharsets.UTF_8);
        assertThat(enc).isNotEqualTo(dbPassword);
        FlowRequest req = Requests.get("https://admin:" + enc + "@collector.example.net/ingest").build();
        assertThat(req.userinfo()).isEqualTo("admin:" + enc);
        ScanResult r = detector.inspect(req, ScanContext.stateless());
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.location()).isEqualTo("url-userinfo");
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        });
        FlowRequest red = Redactor.redact(req, r);
        assertThat(red.userinfo()).startsWith("admin:[REDACTED:").doesNotContain(enc).doesNotContain(dbPassword);
        assertThat(red.host()).isEqualTo("collector.example.net");
    }

    @Test
    void allowedTokenInUserinfoIsStillRedacted() {
        FlowRequest req = Requests.get("https://x-access-token:" + gh + "@github.com/org/repo.git").build();
        ScanResult r = detector.inspect(req, ScanContext.stateless());
        assertThat(r.findings()).isEmpty();
        assertThat(Redactor.redact(req, r).userinfo()).isEqualTo("x-access-token:[REDACTED:github-pat:" + Fingerprint.of(gh) + "]");
    }

    @Test
    void plainUsernamesAreQuiet() {
        assertThat(scan(Requests.get("https://anonymous@ftp.example.org/pub/").build())).isEmpty();
        assertThat(scan(Requests.get("https://git:x-oauth-basic@example.org/r.git").build())).isEmpty();
    }
}
