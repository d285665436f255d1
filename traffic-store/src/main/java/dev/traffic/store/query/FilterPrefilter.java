package dev.traffic.store.query;

import dev.traffic.store.index.FlowFields;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RegexpQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.automaton.RegExp;

/**
 * Compiles a {@link FilterExpr} into the index query that every consumer of {@code FlowQuery}
 * runs. Where the index answers an operator exactly (kinds, {@code ~c}, {@code ~q}/{@code ~s},
 * and {@code ~d ~m ~src} with a plain regex of letters, digits, {@code . - _ :}, whose meaning is
 * the same in Lucene's regex syntax on the lower-cased keyword) the result is {@link Compiled#exact};
 * otherwise it is a superset (at worst every flow) and {@link FlowFilter} decides on each flow.
 */
public final class FilterPrefilter {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:-]+");

    /** An index query and whether it matches exactly the flows the filter matches (else: a superset). */
    public record Compiled(Query query, boolean exact) {
        boolean all() {
            return query instanceof MatchAllDocsQuery;
        }
    }

    private FilterPrefilter() {}

    public static Compiled compile(FilterExpr e) {
        if (e instanceof FilterExpr.And a) {
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            boolean exact = true;
            int clauses = 0;
            for (FilterExpr x : a.items()) {
                Compiled c = compile(x);
                exact &= c.exact();
                if (c.all()) continue;
                b.add(c.query(), Occur.FILTER);
                clauses++;
            }
            return new Compiled(clauses == 0 ? new MatchAllDocsQuery() : b.build(), exact);
        }
        if (e instanceof FilterExpr.Or o) {
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            boolean exact = true;
            for (FilterExpr x : o.items()) {
                Compiled c = compile(x);
                if (c.all()) return new Compiled(c.query(), exact && c.exact() && allExact(o));
                exact &= c.exact();
                b.add(c.query(), Occur.SHOULD);
            }
            return new Compiled(b.build(), exact);
        }
        if (e instanceof FilterExpr.Not n) {
            Compiled c = compile(n.item());
            if (!c.exact()) return new Compiled(new MatchAllDocsQuery(), false);
            return new Compiled(new BooleanQuery.Builder().add(new MatchAllDocsQuery(), Occur.FILTER)
                    .add(c.query(), Occur.MUST_NOT).build(), true);
        }
        return test((FilterExpr.Test) e);
    }

    private static boolean allExact(FilterExpr.Or o) {
        return o.items().stream().allMatch(x -> compile(x).exact());
    }

    private static Compiled test(FilterExpr.Test t) {
        return switch (t.op()) {
            case ALL -> new Compiled(new MatchAllDocsQuery(), true);
            case HTTP -> new Compiled(http(), true);
            case WEBSOCKET -> new Compiled(kind("websocket"), true);
            case TCP -> new Compiled(kind("tunnel"), true);
            case CODE -> new Compiled(and(http(), IntPoint.newExactQuery(FlowFields.STATUS, Integer.parseInt(t.argument()))), true);
            case RESPONSE -> new Compiled(and(http(), new FieldExistsQuery(FlowFields.STATUS)), true);
            case NO_RESPONSE -> new Compiled(new BooleanQuery.Builder().add(http(), Occur.FILTER)
                    .add(new FieldExistsQuery(FlowFields.STATUS), Occur.MUST_NOT).build(), true);
            case DOMAIN -> plain(t)
                    ? new Compiled(and(http(), or(contains(FlowFields.HOST, "", t.argument()), contains(FlowFields.HEADER, "host:", t.argument()))), true)
                    : new Compiled(http(), false);
            case METHOD -> plain(t) ? new Compiled(and(http(), contains(FlowFields.METHOD, "", t.argument())), true) : new Compiled(http(), false);
            case SOURCE -> plain(t) ? new Compiled(contains(FlowFields.CLIENT, "", t.argument()), true) : new Compiled(new MatchAllDocsQuery(), false);
            case ERROR, DESTINATION -> new Compiled(new MatchAllDocsQuery(), false);
            default -> new Compiled(http(), false); // the other operators only match HTTP flows
        };
    }

    private static boolean plain(FilterExpr.Test t) {
        return PLAIN.matcher(t.argument()).matches();
    }

    /** Terms of {@code field} that start with {@code prefix} and contain {@code plain} (lower-cased) after it. */
    private static Query contains(String field, String prefix, String plain) {
        String re = RegexpEscape.literal(prefix) + ".*" + plain.toLowerCase(Locale.ROOT).replace("-", "\\-") + ".*";
        if (prefix.isEmpty()) re = ".*" + plain.toLowerCase(Locale.ROOT).replace("-", "\\-") + ".*";
        return new RegexpQuery(new Term(field, re), RegExp.NONE);
    }

    private static Query http() {
        return or(kind("http"), kind("websocket"));
    }

    private static Query kind(String k) {
        return new TermQuery(new Term(FlowFields.KIND, k));
    }

    private static Query and(Query a, Query b) {
        return new BooleanQuery.Builder().add(a, Occur.FILTER).add(b, Occur.FILTER).build();
    }

    private static Query or(Query a, Query b) {
        return new BooleanQuery.Builder().add(a, Occur.SHOULD).add(b, Occur.SHOULD).build();
    }

    /** Lucene regexp escaping of a literal. */
    private static final class RegexpEscape {
        static String literal(String s) {
            StringBuilder b = new StringBuilder();
            for (char c : s.toCharArray()) {
                if (!Character.isLetterOrDigit(c)) b.append('\\');
                b.append(c);
            }
            return b.toString();
        }
    }
}
