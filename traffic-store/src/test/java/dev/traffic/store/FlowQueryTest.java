package dev.traffic.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.traffic.store.index.FlowMatcher;
import dev.traffic.model.Flow;
import dev.traffic.model.Header;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documented query syntax against the index mapping, evaluated on an in-memory index of a few flows. */
class FlowQueryTest {
    private static final String LONG_COOKIE = "abc" + "x".repeat(700);
    private static final List<Flow> FLOWS = flows();

    private static List<Flow> flows() {
        List<Flow> out = new ArrayList<>();
        for (int i = 0; i < 4; i++) out.add(Flows.rich(i).toBuilder().seq(i + 1).build()); // Authorization: Bearer t0k3n-i
        Flow g = Flows.get("api.github.com", "/repos/acme/widget/pulls", 200, "{}");
        out.add(g.toBuilder().seq(5).request(g.request().withHeaders(List.of(new Header("Host", "api.github.com"),
                new Header("User-Agent", "curl/8.5.0"), new Header("Cookie", LONG_COOKIE)))).build());
        out.add(Flows.get("pypi.org", "/simple/requests/", 404, "").toBuilder().seq(6).build());
        return out;
    }

    private static List<Long> seqs(String query) throws Exception {
        return FlowMatcher.filter(FLOWS, FlowQuery.parse(query).toLucene(), 1 << 20).stream().map(Flow::seq).toList();
    }

    @Test
    void headerQueriesMatchNameAndValueTogether() throws Exception {
        assertThat(seqs("header.authorization:*")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seqs("header.Authorization:\"Bearer T0K3N-2\"")).containsExactly(3L);
        assertThat(seqs("header.authorization:bearer*")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seqs("header.authorization:*3n-1")).containsExactly(2L);
        assertThat(seqs("header.authorization:/bearer t0k3n-[23]/")).containsExactly(3L, 4L);
        assertThat(seqs("header.authorization:[\"bearer t0k3n-1\" TO \"bearer t0k3n-2\"]")).containsExactly(2L, 3L);
        assertThat(seqs("header.authorization:{\"bearer t0k3n-2\" TO *]")).containsExactly(4L);
        assertThat(seqs("header.user-agent:curl*")).containsExactly(5L);
        assertThat(seqs("header.host:pypi.orh~1")).containsExactly(6L);
        assertThat(seqs("header.x-dup:one AND header.x-dup:two")).containsExactly(1L, 2L, 3L, 4L);
        // a value is not found under another header's name, nor a name under another value
        assertThat(seqs("header.accept:\"bearer t0k3n-1\"")).isEmpty();
        assertThat(seqs("header.host:*")).containsExactly(5L, 6L);
        assertThat(seqs("header.host:api.github.com OR header.host:pypi.org")).containsExactly(5L, 6L);
        assertThat(seqs("NOT header.authorization:* AND host:pypi.org")).containsExactly(6L);
        assertThat(seqs("headername:x-dup")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seqs("headername:grpc-status")).containsExactly(1L, 2L, 3L, 4L); // trailers count as headers
        assertThat(seqs("headername:User-Agent")).containsExactly(5L);
        assertThat(seqs("headername:user*")).containsExactly(5L);
        assertThat(seqs("headername:x-d?p")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seqs("headername:*agent")).containsExactly(5L);
        assertThat(seqs("headername:*t")).containsExactly(5L, 6L); // user-agent, accept; not authorization: "bearer t0k3n-..."
        assertThat(seqs("headername:*")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(seqs("headername:authorization")).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void longHeaderValuesAreFoundByPrefixAndByTheirWholeValue() throws Exception {
        assertThat(seqs("header.cookie:abcxxx*")).containsExactly(5L);
        assertThat(seqs("header.cookie:" + LONG_COOKIE.toUpperCase())).containsExactly(5L);
    }

    @Test
    void urlAndFreeWordsSearchTheUrlWords() throws Exception {
        assertThat(seqs("url:widget")).containsExactly(5L);
        assertThat(seqs("url:\"acme widget\"")).containsExactly(5L);
        assertThat(seqs("widget")).containsExactly(5L);
        assertThat(seqs("body:\"url:widget\"")).isEmpty(); // inside quotes nothing is rewritten
        assertThat(seqs("path:\"/simple/requests/\"")).containsExactly(6L);
    }

    @Test
    void otherDocumentedFieldsStillMatch() throws Exception {
        assertThat(seqs("host:API.GITHUB.COM method:get status:200")).containsExactly(5L);
        assertThat(seqs("status:>=500")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seqs("seq:[2 TO 3]")).containsExactly(2L, 3L);
        assertThat(seqs("client:10.0.0.2")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seqs("client:\"127.0.0.1:5000\"")).containsExactly(5L, 6L);
        assertThat(seqs("flag:critical severity:critical rule:aws-key")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seqs("ctype:\"application/json\"")).containsExactly(5L, 6L);
        assertThat(seqs("reqctype:\"application/octet-stream\"")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seqs("version:\"http/2\"")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seqs("503")).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void badQueryNamesThePosition() {
        assertThatThrownBy(() -> FlowQuery.parse("header.x:(a OR")).isInstanceOf(FlowQuery.BadQueryException.class)
                .hasMessageContaining("position");
    }
}
