package dev.traffic.store.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.traffic.model.Flow;
import dev.traffic.store.FlowQuery;
import dev.traffic.store.FlowQuery.BadQueryException;
import dev.traffic.store.index.FlowMatcher;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which language a query is, and what a person sees when a query is wrong. */
class QuerySyntaxTest {
    private static final List<Flow> FLOWS = FilterFixture.flows();

    private static List<Long> seqs(String q) throws Exception {
        return FlowMatcher.filter(FLOWS, FlowQuery.parse(q), 1 << 20).stream().map(Flow::seq).toList();
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "github => FIELDS", "~q => FILTER", "!~c 200 => FILTER", "(~q | ~s) => FILTER", "~d x => FILTER",
        "foo~2 => FIELDS", "\"~q\" => FIELDS", "body:\"~b x\" => FIELDS", "host:a.test AND NOT status:200 => FIELDS",
        "widget ~s => FILTER"})
    void theLanguageIsToldFromTheText(String query, FlowQuery.Language lang) throws Exception {
        assertThat(FlowQuery.parse(query).language()).isEqualTo(lang);
    }

    @Test
    void anUnknownFieldIsAnErrorListingTheFields() {
        assertThatThrownBy(() -> FlowQuery.parse("method:GET hots:x")).isInstanceOfSatisfying(BadQueryException.class, e -> {
            assertThat(e.position()).isEqualTo(11);
            assertThat(e.getMessage()).contains("unknown field 'hots'").contains("host").contains("header.NAME")
                    .contains("\n  method:GET hots:x\n             ^\n");
        });
    }

    @Test
    void pathsAndHostPortsNeedNoQuotes() throws Exception {
        assertThat(seqs("path:/upload")).containsExactly(10L);
        assertThat(seqs("path:/repos/acme/*")).containsExactly(1L, 6L);
        assertThat(seqs("host:cdn.example.com:8080")).containsExactly(3L);
        assertThat(seqs("host:cdn.example.com")).containsExactly(3L, 4L, 12L);
        assertThat(seqs("host:cdn.example.com:443 OR host:api.github.com:443")).containsExactly(1L, 4L, 6L, 12L);
        assertThat(seqs("client:[::1]:5555")).containsExactly(10L);
        assertThat(seqs("client:\"[::1]:5555\"")).containsExactly(10L);
        assertThat(seqs("url:/repos/")).containsExactly(1L, 6L);
    }

    @Test
    void aSyntaxErrorShowsTheQueryWithACaretAndAHint() {
        assertThatThrownBy(() -> FlowQuery.parse("host:a.test AND (status:200")).isInstanceOfSatisfying(BadQueryException.class, e -> {
            assertThat(e.getMessage()).startsWith("bad query: syntax error").contains("\n  host:a.test AND (status:200\n")
                    .contains("hint:");
            assertThat(e.position()).isBetween(16, 27);
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "~d github &       | 10 | '&' needs an expression",
        "~x foo            | 0  | unknown operator ~x",
        "~marked           | 0  | cannot answer",
        "~c abc            | 3  | needs a status code",
        "~b                | 0  | needs a regex",
        "~h [              | 3  | bad regex",
        "(~q               | 0  | never closed",
        "~q )              | 3  | without a matching",
        "~u 'abc           | 3  | unclosed quote",
        "~dgithub          | 0  | did you mean ~d github",
        "~d github host:x  | 10 | field term",
        "~q AND ~s         | 3  | 'AND' is an operator of the field query language",
        "~q & !            | 5  | needs an expression",
        "~d (?i)x          | 3  | quote a regex that has them"})
    void filterErrorsPointAtTheProblem(String query, int position, String text) {
        assertThatThrownBy(() -> FlowQuery.parse(query.strip())).isInstanceOfSatisfying(BadQueryException.class, e -> {
            assertThat(e.getMessage()).contains(text);
            assertThat(e.position()).isEqualTo(position);
            String[] lines = e.getMessage().split("\n");
            assertThat(lines[1]).isEqualTo("  " + query.strip());
            assertThat(lines[2]).isEqualTo("  " + " ".repeat(position) + "^");
        });
    }

    @Test
    void mixingSuggestsTheOtherLanguagesForm() throws Exception {
        assertThatThrownBy(() -> FlowQuery.parse("~m post host:api.github.com")).hasMessageContaining("~d api.github.com");
        assertThatThrownBy(() -> FlowQuery.parse("~m post status:404")).hasMessageContaining("~c 404");
        // quoted, it is a URL regex
        assertThat(FlowQuery.parse("~m post 'host:x'").language()).isEqualTo(FlowQuery.Language.FILTER);
    }

    @Test
    void timeTermsTakeJournalctlForms() throws Exception {
        Instant now = Instant.parse("2026-11-26T10:00:30Z");
        FlowQuery q = FlowQuery.parse("since:\"2 hours ago\" until:@1795687200 method:GET", now, ZoneOffset.UTC);
        assertThat(q.since()).isEqualTo(Instant.parse("2026-11-26T08:00:30Z"));
        assertThat(q.until()).isEqualTo(Instant.ofEpochSecond(1795687200));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10min                    | 2026-11-26T09:50:30Z",
        "15m                      | 2026-11-26T09:45:30Z",
        "2 hours ago              | 2026-11-26T08:00:30Z",
        "1h 30min ago             | 2026-11-26T08:30:30Z",
        "-90s                     | 2026-11-26T09:59:00Z",
        "+1d                      | 2026-11-27T10:00:30Z",
        "now                      | 2026-11-26T10:00:30Z",
        "today                    | 2026-11-26T00:00:00Z",
        "yesterday                | 2026-11-25T00:00:00Z",
        "tomorrow                 | 2026-11-27T00:00:00Z",
        "@1764151200              | 2025-11-26T10:00:00Z",
        "@1764151200.5            | 2025-11-26T10:00:00.500Z",
        "2026-11-20               | 2026-11-20T00:00:00Z",
        "2026-11-20 10:15         | 2026-11-20T10:15:00Z",
        "2026-11-20T10:15:05      | 2026-11-20T10:15:05Z",
        "2026-11-20 10:15:05 UTC  | 2026-11-20T10:15:05Z",
        "2026-11-20T10:15:05+01:00| 2026-11-20T09:15:05Z",
        "2026-11-20T10:15:05Z     | 2026-11-20T10:15:05Z",
        "09:30                    | 2026-11-26T09:30:00Z",
        "9:30:15                  | 2026-11-26T09:30:15Z",
        "2 weeks ago              | 2026-11-12T10:00:30Z"})
    void journalctlTimes(String spec, String want) {
        assertThat(TimeSpec.parse(spec.strip(), Instant.parse("2026-11-26T10:00:30Z"), ZoneOffset.UTC)).isEqualTo(Instant.parse(want.strip()));
    }

    @Test
    void localTimesUseTheZone() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        assertThat(TimeSpec.parse("today", Instant.parse("2026-11-26T10:00:30Z"), berlin)).isEqualTo(Instant.parse("2026-11-25T23:00:00Z"));
        assertThat(TimeSpec.parse("2026-11-20 10:15", Instant.EPOCH, berlin)).isEqualTo(Instant.parse("2026-11-20T09:15:00Z"));
    }

    @Test
    void aBadTimeNamesTheForms() {
        assertThatThrownBy(() -> TimeSpec.parse("soon", Instant.EPOCH, ZoneOffset.UTC)).hasMessageContaining("bad time 'soon'")
                .hasMessageContaining("yesterday").hasMessageContaining("@");
        assertThatThrownBy(() -> FlowQuery.parse("since:soon")).isInstanceOfSatisfying(BadQueryException.class,
                e -> assertThat(e.position()).isEqualTo(6));
    }
}
