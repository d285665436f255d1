package dev.traffic.store.har;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.traffic.store.Flows;
import dev.traffic.model.Flow;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HarRoundTripTest {
    @Test
    void writesHar12StructureAndReadsTheSameFlowsBack() throws Exception {
        List<Flow> flows = new ArrayList<>();
        for (int i = 1; i <= 3; i++) flows.add(Flows.rich(i).withSeq(i));
        flows.add(Flows.get("api.github.com", "/user", 200, "{\"login\":\"x\"}").withSeq(4));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HarWriter.write(flows, out);

        JsonNode log = new ObjectMapper().readTree(out.toByteArray()).get("log");
        HarStructure.assertValid(log);
        JsonNode e0 = log.get("entries").get(0);
        assertThat(e0.get("_seq").asLong()).isEqualTo(1);
        assertThat(e0.get("_flowId").asText()).isEqualTo(flows.get(0).id());
        assertThat(e0.at("/request/postData/encoding").asText()).isEqualTo("base64");
        assertThat(e0.at("/response/content/_sha256").asText()).isEqualTo(flows.get(0).response().body().sha256());
        assertThat(e0.at("/response/content/_truncated").asBoolean()).isTrue();

        List<Flow> back = new ArrayList<>();
        HarReader.forEach(new ByteArrayInputStream(out.toByteArray()), e -> back.add(e.flow()));
        assertThat(back).containsExactlyElementsOf(flows);
    }

    @Test
    void readsForeignHarWithIdAndSession() throws Exception {
        String har = """
            {"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[
              {"startedDateTime":"2026-01-01T00:00:31Z","time":0,"_id":"e-1","_session":"agent-7",
               "request":{"method":"POST","url":"https://collector.test/i?q=a b","httpVersion":"HTTP/1.1",
                 "headers":[{"name":"Content-Type","value":"text/plain"}],"queryString":[],"cookies":[],
                 "headersSize":-1,"bodySize":5,"postData":{"mimeType":"text/plain","text":"hello"}},
               "response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[],"cookies":[],
                 "content":{"size":2,"mimeType":"text/plain","text":"ok"},"redirectURL":"","headersSize":-1,"bodySize":2},
               "cache":{},"timings":{"send":0,"wait":0,"receive":0}}]}}
            """;
        Path f = Files.createTempFile("foreign", ".har");
        Files.writeString(f, har);
        List<HarReader.Entry> es = HarReader.readAll(f);
        assertThat(es).hasSize(1);
        Flow fl = es.get(0).flow();
        assertThat(es.get(0).index()).isZero();
        assertThat(fl.id()).isEqualTo("e-1");
        assertThat(fl.session()).isEqualTo("agent-7");
        assertThat(fl.request().host()).isEqualTo("collector.test");
        assertThat(fl.request().port()).isEqualTo(443);
        assertThat(new String(fl.request().body().recorded())).isEqualTo("hello");
        assertThat(fl.response().status()).isEqualTo(200);
        Files.delete(f);
    }

    @Test
    void readsTheExfilCorpusWhenPresent() throws Exception {
        Path corpus = Path.of(System.getProperty("exfil.har", "../../shared/exfil-dev/flows.har"));
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(corpus), "shared corpus not present");
        List<HarReader.Entry> es = HarReader.readAll(corpus);
        assertThat(es).isNotEmpty();
        assertThat(es.get(es.size() - 1).index()).isEqualTo(es.size() - 1);
        assertThat(es).allSatisfy(e -> assertThat(e.flow().request().host()).isNotEmpty());
    }
}
