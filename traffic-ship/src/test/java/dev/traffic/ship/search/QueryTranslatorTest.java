package dev.traffic.ship.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.traffic.store.FlowQuery;
import org.apache.lucene.search.Query;
import org.junit.jupiter.api.Test;

/** The parsed store query becomes the DSL clause by clause (the integration test compares results on a real cluster). */
class QueryTranslatorTest {
    private static String dsl(String q) throws Exception {
        return QueryTranslator.translate(FlowQuery.parse(q)).toString();
    }

    @Test
    void termsAreTheAnalysedTerms() throws Exception {
        assertThat(dsl("host:API.GitHub.com")).isEqualTo("{\"term\":{\"host\":{\"value\":\"api.github.com\"}}}");
        assertThat(dsl("header.authorization:*")).isEqualTo("{\"prefix\":{\"header\":{\"value\":\"authorization:\"}}}");
    }

    @Test
    void numericRangesAndTimes() throws Exception {
        assertThat(dsl("status:>=400")).isEqualTo("{\"range\":{\"status\":{\"gte\":400}}}");
        assertThat(dsl("status:[500 TO 599]")).isEqualTo("{\"range\":{\"status\":{\"gte\":500,\"lte\":599}}}");
        assertThat(dsl("since:2026-12-01T00:00Z")).contains("\"time\":{\"gte\":1796083200000,\"format\":\"epoch_millis\"}");
    }

    @Test
    void phrasesAreOrderedSpans() throws Exception {
        assertThat(dsl("body:\"BEGIN PRIVATE KEY\"")).isEqualTo("{\"span_near\":{\"clauses\":[{\"span_term\":{\"body\":\"begin\"}},"
                + "{\"span_term\":{\"body\":\"private\"}},{\"span_term\":{\"body\":\"key\"}}],\"slop\":0,\"in_order\":true}}");
    }

    @Test
    void booleansKeepLuceneSemantics() throws Exception {
        assertThat(dsl("host:a OR host:b")).isEqualTo("{\"bool\":{\"should\":[{\"term\":{\"host\":{\"value\":\"a\"}}},"
                + "{\"term\":{\"host\":{\"value\":\"b\"}}}],\"minimum_should_match\":1}}");
        assertThat(dsl("host:a -status:200")).contains("\"must_not\"").doesNotContain("match_none");
        // a purely negative Lucene query matches nothing; OpenSearch's would match the rest
        assertThat(dsl("NOT host:a")).contains("match_none");
    }

    @Test
    void aClauseWithoutCounterpartIsAnErrorNotADifferentQuery() {
        Query odd = new org.apache.lucene.search.IndexOrDocValuesQuery(
                org.apache.lucene.document.LongPoint.newExactQuery("seq", 1),
                org.apache.lucene.document.NumericDocValuesField.newSlowExactQuery("seq", 1));
        assertThatThrownBy(() -> QueryTranslator.translate(odd)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be run on OpenSearch");
    }
}
