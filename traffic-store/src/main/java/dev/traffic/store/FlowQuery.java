package dev.traffic.store;

import dev.traffic.store.index.FieldAnalyzer;
import dev.traffic.store.index.FlowFields;
import dev.traffic.store.index.HeaderQueries;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import dev.traffic.model.Flow;
import dev.traffic.store.query.FieldSyntax;
import dev.traffic.store.query.FilterExpr;
import dev.traffic.store.query.FilterParser;
import dev.traffic.store.query.FilterPrefilter;
import dev.traffic.store.query.FlowFilter;
import dev.traffic.store.query.TimeSpec;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.queryparser.flexible.core.QueryNodeException;
import org.apache.lucene.queryparser.flexible.core.QueryNodeParseException;
import org.apache.lucene.queryparser.flexible.standard.StandardQueryParser;
import org.apache.lucene.queryparser.flexible.standard.parser.ParseException;
import org.apache.lucene.queryparser.flexible.standard.config.PointsConfig;
import org.apache.lucene.queryparser.flexible.standard.config.StandardQueryConfigHandler;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.index.Term;

/**
 * A query over recorded flows, in either of two languages, told apart by the text itself (see
 * docs/reference/query-language.md):
 * <ul>
 * <li>fields (Lucene syntax): {@code host:api.github.com AND method:POST}, {@code status:>=400},
 * {@code status:[500 TO 599]}, {@code body:"BEGIN PRIVATE KEY"}, {@code flag:critical},
 * {@code header.authorization:*}, free words (method, URL, status, error, rule ids),
 * {@code since:1h} / {@code until:"2 hours ago"}; terms are ANDed; a field not in
 * {@link FlowFields#QUERYABLE} is an error;</li>
 * <li>mitmproxy's filter expressions ({@code ~d github.com & ~m POST}, {@code !~c 200},
 * {@code ~b "BEGIN PRIVATE KEY"}), chosen when a token starts with a {@code ~} operator; see
 * {@link FilterParser}.</li>
 * </ul>
 * Both compile to the index query of {@link #toLucene()}; when the index cannot answer a filter
 * exactly, {@link #filter()} is the per-flow test the reader applies to the index's candidates.
 * Immutable.
 */
public final class FlowQuery {
    /** Which language a query was written in. */
    public enum Language { FIELDS, FILTER }

    private final String text;
    private final Instant since;
    private final Instant until;
    private final String session;
    private final Query base;
    private final FilterExpr expr;
    private final FlowFilter filter;

    private FlowQuery(String text, Instant since, Instant until, String session, Query base, FilterExpr expr, FlowFilter filter) {
        this.text = text;
        this.since = since;
        this.until = until;
        this.session = session;
        this.base = base;
        this.expr = expr;
        this.filter = filter;
    }

    public static FlowQuery all() {
        return new FlowQuery("", null, null, null, new MatchAllDocsQuery(), null, null);
    }

    /** Parses {@code text} (null or blank: everything). Throws {@link BadQueryException} with the position. */
    public static FlowQuery parse(String text) throws BadQueryException {
        return parse(text, Instant.now(), ZoneId.systemDefault());
    }

    /** {@link #parse(String)} with relative times taken from {@code now} and local times in {@code zone}. */
    public static FlowQuery parse(String text, Instant now, ZoneId zone) throws BadQueryException {
        if (text == null || text.isBlank()) return all();
        if (FilterParser.looksLikeFilter(text)) {
            FilterExpr e = FilterParser.parse(text, FieldSyntax.fields());
            FilterPrefilter.Compiled c = FilterPrefilter.compile(e);
            return new FlowQuery(text, null, null, null, c.query(), e, c.exact() ? null : new FlowFilter(e));
        }
        FieldSyntax.Result r = FieldSyntax.rewrite(text, now, zone);
        String q = r.text().trim();
        Query base = q.isEmpty() ? new MatchAllDocsQuery() : parseLucene(text, r);
        return new FlowQuery(text, r.since(), r.until(), null, base, null, null);
    }

    private static Query parseLucene(String original, FieldSyntax.Result r) throws BadQueryException {
        String q = r.text();
        StandardQueryParser p = new StandardQueryParser(new FieldAnalyzer());
        p.setAllowLeadingWildcard(true);
        p.setDefaultOperator(StandardQueryConfigHandler.Operator.AND);
        Map<String, PointsConfig> points = new HashMap<>();
        for (Map.Entry<String, Class<? extends Number>> e : FlowFields.NUMERIC.entrySet()) {
            points.put(e.getKey(), new PointsConfig(NumberFormat.getIntegerInstance(Locale.ROOT), e.getValue()));
        }
        p.setPointsConfigMap(points);
        try {
            return HeaderQueries.rewrite(p.parse(q, FlowFields.TEXT));
        } catch (QueryNodeParseException e) {
            int col = errorColumn(e, q);
            String found = e instanceof ParseException pe && pe.currentToken != null && pe.currentToken.next != null
                    && !pe.currentToken.next.image.isEmpty() ? " near '" + pe.currentToken.next.image + "'" : col >= q.length() ? " at the end" : "";
            throw new BadQueryException("syntax error" + found, original, col < 0 ? -1 : col >= q.length() ? original.length() : r.originOf(col),
                    "quote values with spaces or special characters (\"...\"), close every ( [ { and \"; "
                            + "AND OR NOT combine terms");
        } catch (QueryNodeException | RuntimeException e) {
            throw new BadQueryException(String.valueOf(e.getMessage()), original, -1, null);
        }
    }

    /** 0-based column in {@code q} where Lucene's parser stopped, -1 when it does not say. */
    private static int errorColumn(QueryNodeParseException e, String q) {
        if (e instanceof ParseException pe && pe.currentToken != null) {
            return pe.currentToken.next != null ? pe.currentToken.next.beginColumn : pe.currentToken.endColumn + 1;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("column (\\d+)").matcher(String.valueOf(e.getMessage()));
        return m.find() ? Math.min(q.length(), Integer.parseInt(m.group(1)) - 1) : -1;
    }

    public FlowQuery since(Instant t) {
        return t == null ? this : new FlowQuery(text, t, until, session, base, expr, filter);
    }

    public FlowQuery until(Instant t) {
        return t == null ? this : new FlowQuery(text, since, t, session, base, expr, filter);
    }

    public FlowQuery session(String s) {
        return s == null ? this : new FlowQuery(text, since, until, s, base, expr, filter);
    }

    public Instant since() {
        return since;
    }

    public Instant until() {
        return until;
    }

    public String text() {
        return text;
    }

    public boolean matchesAll() {
        return base instanceof MatchAllDocsQuery && since == null && until == null && session == null && filter == null;
    }

    public Language language() {
        return expr == null ? Language.FIELDS : Language.FILTER;
    }

    /** The parsed filter expression of a {@link Language#FILTER} query, else null. */
    public FilterExpr filterExpression() {
        return expr;
    }

    /**
     * The per-flow test that {@link #toLucene()} alone does not decide (the index query is then a
     * superset of the matches), or null when the index query is exact.
     */
    public FlowFilter filter() {
        return filter;
    }

    /** Whether flows must be read with their bodies to apply {@link #filter()}. */
    public boolean filterNeedsBodies() {
        return filter != null && FlowFilter.needsBodies(expr);
    }

    /** True when {@code f} matches this query; only meaningful for a flow the index query matched. */
    public boolean accepts(Flow f) {
        return filter == null || filter.test(f);
    }

    /** The Lucene query, time range and session included. */
    public Query toLucene() {
        if (since == null && until == null && session == null) return base;
        BooleanQuery.Builder b = new BooleanQuery.Builder().add(base, BooleanClause.Occur.MUST);
        if (since != null || until != null) {
            long lo = since == null ? Long.MIN_VALUE : since.toEpochMilli();
            long hi = until == null ? Long.MAX_VALUE : until.toEpochMilli();
            b.add(LongPoint.newRangeQuery(FlowFields.TIME, lo, hi), BooleanClause.Occur.FILTER);
        }
        if (session != null) {
            b.add(new TermQuery(new Term(FlowFields.SESSION, session.toLowerCase(Locale.ROOT))), BooleanClause.Occur.FILTER);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return toLucene().toString();
    }

    /** A time as {@code --since}/{@code --until} take it: journalctl's forms, see {@link TimeSpec}. */
    public static Instant parseTime(String s, Instant now) {
        return TimeSpec.parse(s, now, ZoneId.systemDefault());
    }

    /**
     * A query that does not parse. Its message shows the query with a caret under {@link #position()}
     * (0-based, -1 when unknown) and a hint.
     */
    public static final class BadQueryException extends Exception {
        private final int position;
        private final String reason;
        private final String hint;

        public BadQueryException(String message, int position) {
            super(message);
            this.position = position;
            this.reason = message;
            this.hint = null;
        }

        public BadQueryException(String reason, String query, int position, String hint) {
            super(render(reason, query, position, hint));
            this.position = position;
            this.reason = reason;
            this.hint = hint;
        }

        public int position() {
            return position;
        }

        /** The message's first line without the position and caret. */
        public String reason() {
            return reason;
        }

        public String hint() {
            return hint;
        }

        private static String render(String reason, String query, int position, String hint) {
            StringBuilder b = new StringBuilder("bad query: ").append(reason);
            if (position >= 0) b.append(" (at position ").append(position + 1).append(')');
            String shown = query.replaceAll("[\\p{Cntrl}]", " ");
            b.append("\n  ").append(shown);
            if (position >= 0) b.append("\n  ").append(" ".repeat(Math.min(position, shown.length()))).append('^');
            if (hint != null) b.append("\n  hint: ").append(hint);
            return b.toString();
        }
    }
}
