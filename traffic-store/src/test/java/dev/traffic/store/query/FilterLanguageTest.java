package dev.traffic.store.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Flow;
import dev.traffic.store.FlowQuery;
import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import dev.traffic.store.StoreReader;
import dev.traffic.store.index.FlowMatcher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * mitmproxy's filter expressions over a fixture store ({@link FilterFixture}). Each row's expected
 * flows are derived from mitmproxy's flowfilter.py: regexes are searched (not anchored) and
 * case-insensitive; ~h sees "name: value" lines; ~b sees decoded bodies and WebSocket messages;
 * HTTP-only operators never match a tunnel (mitmproxy's TCP flow); side-by-side expressions are an
 * AND looser than |; in quotes a backslash escapes the next character.
 * Every row is checked through the index-backed search, the count, the export scan and the
 * in-memory matcher of tail -f.
 */
class FilterLanguageTest {
    private static final String ALL = "1 2 3 4 5 6 7 8 9 10 11 12";
    private static final String HTTP = "1 2 3 4 5 6 7 10 11 12";
    @TempDir static Path dir;
    private static StoreReader reader;
    private static List<Flow> flows;

    static Stream<Arguments> table() {
        String[][] rows = {
            {"~all", ALL},
            {"~http", HTTP},
            {"~tcp", "8 9"},
            {"~websocket", "7"},
            {"~q", "5"},
            {"~s", "1 2 3 4 6 7 10 11 12"},
            {"~e", "5 9"},
            {"~c 200", "1 3 11 12"},
            {"~c 404", "6"},
            {"~c 101", "7"},
            {"~c 999", ""},
            {"~m get", "1 3 4 5 7 11 12"},
            {"~m POST", "2"},
            {"~m \"^(put|delete)$\"", "6 10"},
            {"~m ^(put|delete)$", ""}, // unquoted, ( ends the regex: ~m ^ & ~u put|delete & ~u $
            {"~m E", "1 3 4 5 6 7 11 12"},
            {"~d github", "1 6"},
            {"~d GITHUB", "1 6"},
            {"~d example.com", "3 4 7 10 11 12"},
            {"~d ^cdn\\.", "3 4 12"},
            {"~d 8080", "3"}, // the Host header counts (mitmproxy's pretty_host)
            {"~d pinned", ""}, // a tunnel is no HTTP flow
            {"~u /repos/", "1 6"},
            {"~u ^https://", "1 2 4 5 6 10 11 12"},
            {"~u ^http://cdn.example.com:8080/", "3"},
            {"~u \\.css$", "3"},
            {"~u ^wss://", "7"},
            {"~u part=1", "10"},
            {"~u widget|audits", "1 2"},
            {"~u \\d", "2 3 10 11"},
            {"~u \"\\d\"", "1 2 3 4 6 10 12"}, // in quotes \d is d
            {"~u 'acme/widget'", "1"},
            {"github ~s", "1 6"}, // a bare regex is ~u
            {"~dst pinned.example.net:443", "8"},
            {"~dst :8080", "3"},
            {"~dst :443$", "1 2 4 5 6 7 8 9 10 11 12"},
            {"~src 10.0.0.7", "2"},
            {"~src :5000$", "1"},
            {"~src ::1", "10"},
            {"~h curl", "1"},
            {"~h \"^user-agent: curl\"", "1"},
            {"~h \"authorization: bearer\"", "2"},
            {"~hq upgrade", "7"},
            {"~hs upgrade", "7"},
            {"~hs \"content-type: text/\"", "2 3 6"},
            {"~hq x-api-key", "10"},
            {"~hs x-api-key", ""},
            {"~t json", "1 2 10"},
            {"~tq json", "2"},
            {"~ts json", "1 10"},
            {"~ts ^text/html", "6"},
            {"~t plain", "2 10"},
            {"~ts \"charset=utf-8\"", "6 12"},
            {"~a", "3 4 11 12"},
            {"!~a", "1 2 5 6 7 8 9 10"},
            {"~b npm_SECRET", "2"}, // gzip-encoded request body, decoded
            {"~bq secret", "2"},
            {"~bs secret", ""},
            {"~b \"BEGIN PRIVATE KEY\"", "10"},
            {"~b \"begin private key\"", "10"},
            {"~b private", "7 10"},
            {"~bq private", "10"},
            {"~bs private", "7"},
            {"~bq hello", "7"},
            {"~bs hello", ""},
            {"~b \"^created$\"", "2"},
            {"~b widget", "1"},
            {"~b color:red", "3"},
            {"~b \"KEY-----.MIIB\"", "10"}, // . matches the newline (DOTALL)
            {"~m get & ~bs .", "1 3 7 11 12"},
            {"~c 200 & ~d cdn", "3 12"},
            {"~c 200 | ~c 404", "1 3 6 11 12"},
            {"~d github & !~c 200", "6"},
            {"!~d github ~m get", "3 4 5 7 11 12"},
            {"~d github | ~d npmjs ~m post", "2"}, // (github | npmjs) & post
            {"~d github | (~d npmjs & ~m post)", "1 2 6"},
            {"~m post | ~m put & ~c 500", "2 10"}, // & binds tighter than |
            {"(~m post | ~m put) & ~c 500", "10"},
            {"!~http", "8 9"},
            {"!(~tcp | ~websocket)", "1 2 3 4 5 6 10 11 12"},
            {"! ~c 200 ~s", "2 4 6 7 10"},
            {"!~c 201 !~c 202 ~s", "1 3 4 6 7 10 11 12"},
            {"~e & ~tcp", "9"},
            {"~all & !~e", "1 2 3 4 6 7 8 10 11 12"},
            {"~c 200 ~d cdn ~u css", "3"},
            {"~websocket | ~tcp", "7 8 9"},
            {"~q | ~e", "5 9"},
            {"~d example & ~c 304", "4"},
            {"!!~tcp", "8 9"},
            {"((~c 200))", "1 3 11 12"},
            {"~d '(?i)GITHUB'", "1 6"},
            {"~u '(?P<owner>acme)/(?P=owner)?'", "1 6"}, // Python named groups
        };
        return Arrays.stream(rows).map(r -> Arguments.of(r[0], r[1]));
    }

    @BeforeAll
    static void store() throws Exception {
        flows = FilterFixture.flows();
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults())) {
            for (Flow f : flows) s.ended(f);
            s.flush();
            s.awaitIndexed(30_000);
        }
        reader = StoreReader.open(dir);
    }

    @AfterAll
    static void close() throws Exception {
        reader.close();
    }

    @Test
    void theTableIsLargeEnough() {
        assertThat(table().count()).isGreaterThanOrEqualTo(60);
    }

    @ParameterizedTest(name = "{0} -> [{1}]")
    @MethodSource("table")
    void everyConsumerMatchesWhatMitmproxyWould(String expr, String expected) throws Exception {
        TreeSet<Long> want = seqs(expected);
        FlowQuery q = FlowQuery.parse(expr);
        assertThat(q.language()).isEqualTo(FlowQuery.Language.FILTER);
        assertThat(seqsOf(reader.search(q, 100))).as("search").isEqualTo(want);
        assertThat(reader.count(q)).as("count").isEqualTo(want.size());
        List<Flow> scanned = new ArrayList<>();
        reader.scan(q, false, scanned::add);
        assertThat(seqsOf(scanned)).as("export scan").isEqualTo(want);
        assertThat(seqsOf(FlowMatcher.filter(flows, q, 1 << 20))).as("tail -f matcher").isEqualTo(want);
        // the per-flow evaluation alone agrees (the index prefilter neither adds nor loses a flow)
        FlowFilter alone = new FlowFilter(q.filterExpression());
        assertThat(seqsOf(flows.stream().filter(alone).toList())).as("FlowFilter").isEqualTo(want);
    }

    @Test
    void searchIsNewestFirstAndStopsAtTheLimit() throws Exception {
        assertThat(reader.search(FlowQuery.parse("~u example"), 3)).extracting(Flow::seq).containsExactly(12L, 11L, 10L);
        assertThat(reader.facet(FlowQuery.parse("~b ."), "host")).containsEntry("api.github.com", 2L);
    }

    private static TreeSet<Long> seqs(String s) {
        TreeSet<Long> out = new TreeSet<>();
        for (String x : s.trim().split("\\s+")) if (!x.isEmpty()) out.add(Long.parseLong(x));
        return out;
    }

    private static TreeSet<Long> seqsOf(List<Flow> fs) {
        TreeSet<Long> out = new TreeSet<>();
        for (Flow f : fs) out.add(f.seq());
        return out;
    }
}
