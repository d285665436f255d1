package dev.traffic.store.har;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.traffic.store.FlowJson;
import dev.traffic.store.Flows;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request's userinfo ({@code http://user:pass@host/}) survives JSON and HAR, and older records without it still read. */
class UserinfoTest {
    private static Flow withUserinfo(String userinfo) {
        Flow f = Flows.get("github.com", "/org/repo.git/info/refs", 200, "ok");
        return f.toBuilder().request(f.request().withUserinfo(userinfo)).build();
    }

    @Test
    void jsonKeepsUserinfoAndOldRecordsWithoutItStillRead() {
        Flow f = withUserinfo("x-access-token:abc%40def");
        String json = FlowJson.toJson(f);
        assertThat(json).contains("\"userinfo\":\"x-access-token:abc%40def\"");
        assertThat(FlowJson.fromJson(json)).isEqualTo(f);

        Flow plain = Flows.get("github.com", "/", 200, "ok");
        String old = FlowJson.toJson(plain);
        assertThat(old).doesNotContain("userinfo"); // absent, as journals written before the field
        Flow back = FlowJson.fromJson(old);
        assertThat(back.request().userinfo()).isNull();
        assertThat(back).isEqualTo(plain);
    }

    @Test
    void harCarriesUserinfoBesideTheUrlAndReadsItFromForeignUrls() throws Exception {
        List<Flow> flows = List.of(withUserinfo("[REDACTED:github-pat:0123456789ab:ghp_..abcd]"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HarWriter.write(flows, out);
        JsonNode e0 = new ObjectMapper().readTree(out.toByteArray()).at("/log/entries/0/request");
        assertThat(e0.get("url").asText()).isEqualTo("https://github.com/org/repo.git/info/refs");
        assertThat(e0.get("_userinfo").asText()).startsWith("[REDACTED:");
        List<Flow> back = new ArrayList<>();
        HarReader.forEach(new ByteArrayInputStream(out.toByteArray()), e -> back.add(e.flow()));
        assertThat(back).containsExactlyElementsOf(flows);

        String har = """
            {"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[
              {"startedDateTime":"2026-01-01T00:00:31Z","time":0,
               "request":{"method":"GET","url":"https://bot:s3cr%3At@git.example.test:8443/a?b=c","httpVersion":"HTTP/1.1",
                 "headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},
               "response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[],"cookies":[],
                 "content":{"size":0,"mimeType":"text/plain"},"redirectURL":"","headersSize":-1,"bodySize":0},
               "cache":{},"timings":{"send":0,"wait":0,"receive":0}}]}}
            """;
        List<Flow> foreign = new ArrayList<>();
        HarReader.forEach(new ByteArrayInputStream(har.getBytes(StandardCharsets.UTF_8)), e -> foreign.add(e.flow()));
        FlowRequest rq = foreign.get(0).request();
        assertThat(rq.userinfo()).isEqualTo("bot:s3cr%3At");
        assertThat(rq.host()).isEqualTo("git.example.test");
        assertThat(rq.port()).isEqualTo(8443);
        assertThat(rq.url()).isEqualTo("https://git.example.test:8443/a?b=c");
        assertThat(rq.urlWithUserinfo()).isEqualTo("https://bot:s3cr%3At@git.example.test:8443/a?b=c");
    }
}
