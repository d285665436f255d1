package dev.traffic.ship.search;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.traffic.store.FlowQuery;
import dev.traffic.store.index.FlowFields;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PointRangeQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RegexpQuery;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.WildcardQuery;

/**
 * Translates a parsed store query ({@link FlowQuery#toLucene()}, whichever language it was written
 * in) into the OpenSearch query DSL over the shipped documents. Works on the parsed form, after the
 * store's own analysis (lower-casing, header rewriting, {@code url:} to {@code text:}), and the
 * shipped fields carry the local index's terms, so each Lucene clause has an exact counterpart:
 * term, prefix, wildcard, regexp, fuzzy, term and point ranges, phrases (span_near), booleans.
 * A clause kind with no counterpart is an {@link IllegalArgumentException} naming it, never a
 * silently different query. Stateless.
 */
public final class QueryTranslator {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private QueryTranslator() {}

    public static ObjectNode translate(FlowQuery q) {
        return translate(q.toLucene());
    }

    public static ObjectNode translate(Query q) {
        ObjectNode out = F.objectNode();
        if (q instanceof MatchAllDocsQuery) {
            out.putObject("match_all");
        } else if (q instanceof MatchNoDocsQuery) {
            out.putObject("match_none");
        } else if (q instanceof BoostQuery b) {
            return translate(b.getQuery());
        } else if (q instanceof ConstantScoreQuery c) {
            out.putObject("constant_score").set("filter", translate(c.getQuery()));
        } else if (q instanceof BooleanQuery b) {
            bool(b, out.putObject("bool"));
        } else if (q instanceof TermQuery t) {
            out.putObject("term").putObject(t.getTerm().field()).put("value", t.getTerm().text());
        } else if (q instanceof PrefixQuery p) {
            out.putObject("prefix").putObject(p.getField()).put("value", p.getPrefix().text());
        } else if (q instanceof WildcardQuery w) {
            out.putObject("wildcard").putObject(w.getField()).put("value", w.getTerm().text());
        } else if (q instanceof RegexpQuery r) {
            out.putObject("regexp").putObject(r.getField()).put("value", r.getRegexp().text()).put("flags", "ALL");
        } else if (q instanceof FuzzyQuery f) {
            out.putObject("fuzzy").putObject(f.getField()).put("value", f.getTerm().text())
                    .put("fuzziness", f.getMaxEdits()).put("prefix_length", f.getPrefixLength())
                    .put("transpositions", f.getTranspositions());
        } else if (q instanceof TermRangeQuery r) {
            ObjectNode range = out.putObject("range").putObject(r.getField());
            if (r.getLowerTerm() != null) range.put(r.includesLower() ? "gte" : "gt", r.getLowerTerm().utf8ToString());
            if (r.getUpperTerm() != null) range.put(r.includesUpper() ? "lte" : "lt", r.getUpperTerm().utf8ToString());
        } else if (q instanceof PointRangeQuery p) {
            pointRange(p, out);
        } else if (q instanceof PhraseQuery p) {
            phrase(p, out);
        } else if (q instanceof TermInSetQuery s) {
            ArrayNode values = out.putObject("terms").putArray(s.getField());
            var it = s.getTermData().iterator();
            for (org.apache.lucene.util.BytesRef b; (b = it.next()) != null; ) values.add(b.utf8ToString());
        } else if (q instanceof FieldExistsQuery e) {
            out.putObject("exists").put("field", e.getField());
        } else {
            throw new IllegalArgumentException("this part of the query cannot be run on OpenSearch yet: " + q
                    + " (" + q.getClass().getSimpleName() + ")");
        }
        return out;
    }

    private static void bool(BooleanQuery b, ObjectNode bool) {
        boolean hasShould = false;
        for (BooleanClause c : b.clauses()) {
            String occur = switch (c.getOccur()) {
                case MUST -> "must";
                case FILTER -> "filter";
                case SHOULD -> "should";
                case MUST_NOT -> "must_not";
            };
            if (c.getOccur() == BooleanClause.Occur.SHOULD) hasShould = true;
            ArrayNode a = bool.has(occur) ? (ArrayNode) bool.get(occur) : bool.putArray(occur);
            a.add(translate(c.getQuery()));
        }
        // Lucene: with a MUST/FILTER clause, SHOULD clauses are optional (minimum 0); OpenSearch's
        // default is the same in a query context, but say it so a filter context cannot change it
        if (hasShould) {
            int min = b.getMinimumNumberShouldMatch();
            boolean onlyShould = b.clauses().stream().allMatch(c -> c.getOccur() == BooleanClause.Occur.SHOULD
                    || c.getOccur() == BooleanClause.Occur.MUST_NOT);
            bool.put("minimum_should_match", min > 0 ? min : onlyShould ? 1 : 0);
        }
        // Lucene matches nothing with only MUST_NOT clauses; OpenSearch would match everything else
        boolean onlyNot = b.clauses().stream().allMatch(c -> c.getOccur() == BooleanClause.Occur.MUST_NOT);
        if (onlyNot && !b.clauses().isEmpty()) bool.putArray("must").addObject().putObject("match_none");
    }

    private static void pointRange(PointRangeQuery p, ObjectNode out) {
        String field = p.getField();
        Class<? extends Number> type = FlowFields.NUMERIC.get(field);
        if (p.getNumDims() != 1 || type == null) throw new IllegalArgumentException("unsupported numeric query " + p);
        long lo;
        long hi;
        long min;
        long max;
        if (type == Integer.class) {
            lo = IntPoint.decodeDimension(p.getLowerPoint(), 0);
            hi = IntPoint.decodeDimension(p.getUpperPoint(), 0);
            min = Integer.MIN_VALUE;
            max = Integer.MAX_VALUE;
        } else {
            lo = LongPoint.decodeDimension(p.getLowerPoint(), 0);
            hi = LongPoint.decodeDimension(p.getUpperPoint(), 0);
            min = Long.MIN_VALUE;
            max = Long.MAX_VALUE;
        }
        if (lo > hi) {
            out.putObject("match_none");
            return;
        }
        ObjectNode range = out.putObject("range").putObject(field);
        if (lo != min) range.put("gte", lo);
        if (hi != max) range.put("lte", hi);
        if (field.equals(FlowFields.TIME)) range.put("format", "epoch_millis");
    }

    private static void phrase(PhraseQuery p, ObjectNode out) {
        Term[] terms = p.getTerms();
        if (terms.length == 0) {
            out.putObject("match_none");
            return;
        }
        if (terms.length == 1) {
            out.putObject("term").putObject(terms[0].field()).put("value", terms[0].text());
            return;
        }
        int[] pos = p.getPositions();
        int gaps = 0;
        for (int i = 1; i < pos.length; i++) gaps += pos[i] - pos[i - 1] - 1;
        ObjectNode near = out.putObject("span_near");
        ArrayNode clauses = near.putArray("clauses");
        for (Term t : terms) clauses.addObject().putObject("span_term").put(t.field(), t.text());
        near.put("slop", p.getSlop() + gaps);
        near.put("in_order", p.getSlop() == 0);
    }
}
