package dev.traffic.store;

import dev.traffic.store.index.FieldAnalyzer;
import dev.traffic.store.index.FlowFields;
import dev.traffic.store.index.HeaderQueries;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.queryparser.flexible.core.QueryNodeException;
import org.apache.lucene.queryparser.flexible.core.QueryNodeParseException;
import org.apache.lucene.queryparser.flexible.standard.StandardQueryParser;
import org.apache.lucene.queryparser.flexible.standard.config.PointsConfig;
import org.apache.lucene.queryparser.flexible.standard.config.StandardQueryConfigHandler;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.index.Term;

/**
 * The one query language of {@code search}, {@code tail -q}, {@code export} and {@code scan --store}:
 * Lucene syntax over the flow fields ({@code host:api.github.com AND method:POST},
 * {@code status:>=400}, {@code status:[500 TO 599]}, {@code body:"BEGIN PRIVATE KEY"},
 * {@code flag:critical}, {@code header.authorization:*}), free words searching method, URL, status,
 * error and rule ids, plus {@code since:1h} / {@code until:2026-11-26T10:00} terms. Terms are ANDed.
 * Keyword fields go through the same per-field analysis as at index time (see {@link FieldAnalyzer}).
 * Immutable.
 */
public final class FlowQuery {
    private static final Pattern TIME_TERM = Pattern.compile("(?<![\\S])(since|until):(\\S+)");
    private final String text;
    private final Instant since;
    private final Instant until;
    private final String session;
    private final Query base;

    private FlowQuery(String text, Instant since, Instant until, String session, Query base) {
        this.text = text;
        this.since = since;
        this.until = until;
        this.session = session;
        this.base = base;
    }

    public static FlowQuery all() {
        return new FlowQuery("", null, null, null, new MatchAllDocsQuery());
    }

    /** Parses {@code text} (null or blank: everything). Throws {@link BadQueryException} with the position. */
    public static FlowQuery parse(String text) throws BadQueryException {
        if (text == null || text.isBlank()) return all();
        Instant since = null;
        Instant until = null;
        Matcher m = TIME_TERM.matcher(text);
        StringBuilder rest = new StringBuilder();
        while (m.find()) {
            Instant t;
            try {
                t = parseTime(m.group(2), Instant.now());
            } catch (IllegalArgumentException e) {
                throw new BadQueryException(e.getMessage() + " at position " + (m.start(2) + 1), m.start(2));
            }
            if (m.group(1).equals("since")) since = t;
            else until = t;
            m.appendReplacement(rest, "");
        }
        m.appendTail(rest);
        String q = rest.toString().trim();
        Query base = q.isEmpty() ? new MatchAllDocsQuery() : parseLucene(q);
        return new FlowQuery(text, since, until, null, base);
    }

    /**
     * {@code status:>=400} (what people type) becomes {@code status>=400} (what the parser reads), and
     * {@code url:} becomes {@code text:}, outside quotes.
     */
    static String comparisons(String q) {
        StringBuilder out = new StringBuilder(q.length());
        boolean quoted = false;
        for (int i = 0; i < q.length(); i++) {
            char c = q.charAt(i);
            if (c == '\\' && i + 1 < q.length()) {
                out.append(c).append(q.charAt(++i));
                continue;
            }
            if (c == '"') quoted = !quoted;
            if (!quoted && c == ':' && i + 1 < q.length() && (q.charAt(i + 1) == '>' || q.charAt(i + 1) == '<')) continue;
            if (!quoted && q.startsWith(FlowFields.URL + ":", i) && (i == 0 || "( \t\n+-!".indexOf(q.charAt(i - 1)) >= 0)) {
                // the URL's words are indexed in the free-text field only
                out.append(FlowFields.TEXT).append(':');
                i += FlowFields.URL.length();
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    private static Query parseLucene(String query) throws BadQueryException {
        String q = comparisons(query);
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
            int col = Math.max(0, e.getBeginColumn());
            throw new BadQueryException("bad query '" + q + "': " + e.getMessage().replaceAll("\\s+", " ")
                    + " (at position " + (col + 1) + ")", col);
        } catch (QueryNodeException | RuntimeException e) {
            throw new BadQueryException("bad query '" + q + "': " + e.getMessage(), -1);
        }
    }

    public FlowQuery since(Instant t) {
        return t == null ? this : new FlowQuery(text, t, until, session, base);
    }

    public FlowQuery until(Instant t) {
        return t == null ? this : new FlowQuery(text, since, t, session, base);
    }

    public FlowQuery session(String s) {
        return s == null ? this : new FlowQuery(text, since, until, s, base);
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
        return base instanceof MatchAllDocsQuery && since == null && until == null && session == null;
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

    /**
     * A time: relative ({@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}: that long before {@code now}),
     * an ISO instant, {@code 2026-11-26T10:00[:ss]} (UTC) or a date (its midnight, UTC).
     */
    public static Instant parseTime(String s, Instant now) {
        String t = s.trim();
        if (t.matches("\\d+(ms|s|m|h|d|w)")) return now.minus(StoreOptions.parseDuration(t));
        try {
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) return OffsetDateTime.parse(t).toInstant();
            if (t.contains("T")) return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad time '" + s + "' (use 15m, 2h, 7d, 2026-11-26T10:00 or 2026-11-26)");
        }
    }

    /** A query that does not parse; {@link #position()} is 0-based, -1 when unknown. */
    public static final class BadQueryException extends Exception {
        private final int position;

        public BadQueryException(String message, int position) {
            super(message);
            this.position = position;
        }

        public int position() {
            return position;
        }
    }
}
