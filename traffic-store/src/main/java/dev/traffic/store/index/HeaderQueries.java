package dev.traffic.store.index;

import java.util.Locale;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RegexpQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.BytesRef;

/**
 * Rewrites what people type, {@code header.<name>:value} (term, prefix, wildcard, range, regexp,
 * fuzzy), into the query on the one {@link FlowFields#HEADER} field whose terms are
 * {@code name:value} (see {@link FlowDocument#headerTerm}). Used by {@code FlowQuery} on the parsed
 * query, after per-field analysis lower-cased the value; {@code headername:<name>} (term, prefix,
 * wildcard) becomes a match on that header's terms. Stateless.
 */
public final class HeaderQueries {
    private HeaderQueries() {}

    /** {@code q} with every {@code header.<name>} clause rewritten; throws IllegalArgumentException for a kind it cannot rewrite. */
    public static Query rewrite(Query q) {
        if (isHeaderName(q)) return headerName(q);
        if (q instanceof BooleanQuery b) {
            BooleanQuery.Builder out = new BooleanQuery.Builder().setMinimumNumberShouldMatch(b.getMinimumNumberShouldMatch());
            for (BooleanClause c : b.clauses()) out.add(rewrite(c.getQuery()), c.getOccur());
            return out.build();
        }
        if (q instanceof BoostQuery b) return new BoostQuery(rewrite(b.getQuery()), b.getBoost());
        if (q instanceof ConstantScoreQuery c) return new ConstantScoreQuery(rewrite(c.getQuery()));
        if (q instanceof TermQuery t) {
            String name = headerName(t.getTerm().field());
            return name == null ? q : new TermQuery(new Term(FlowFields.HEADER, FlowDocument.headerTerm(name, t.getTerm().text())));
        }
        if (q instanceof PrefixQuery p) {
            String name = headerName(p.getField());
            return name == null ? q : new PrefixQuery(new Term(FlowFields.HEADER, name + ':' + p.getPrefix().text()));
        }
        if (q instanceof WildcardQuery w) {
            String name = headerName(w.getField());
            if (name == null) return q;
            String pattern = w.getTerm().text();
            if (pattern.equals("*")) return new PrefixQuery(new Term(FlowFields.HEADER, name + ':'));
            return new WildcardQuery(new Term(FlowFields.HEADER, escape(name, "*?\\") + ':' + pattern));
        }
        if (q instanceof RegexpQuery r) {
            String name = headerName(r.getField());
            if (name == null) return q;
            return new RegexpQuery(new Term(FlowFields.HEADER, escapeAllButAlnum(name) + ':' + r.getRegexp().text()));
        }
        if (q instanceof FuzzyQuery f) {
            String name = headerName(f.getField());
            if (name == null) return q;
            return new FuzzyQuery(new Term(FlowFields.HEADER, name + ':' + f.getTerm().text()), f.getMaxEdits(),
                    f.getPrefixLength() + name.length() + 1, FuzzyQuery.defaultMaxExpansions, f.getTranspositions());
        }
        if (q instanceof TermRangeQuery r) {
            String name = headerName(r.getField());
            if (name == null) return q;
            // an open end stays inside this header's terms: "name:" sorts first, "name;" just after them
            BytesRef lo = new BytesRef(name + ':' + (r.getLowerTerm() == null ? "" : r.getLowerTerm().utf8ToString()));
            BytesRef hi = new BytesRef(name + (r.getUpperTerm() == null ? ";" : ':' + r.getUpperTerm().utf8ToString()));
            return new TermRangeQuery(FlowFields.HEADER, lo, hi, r.getLowerTerm() == null || r.includesLower(),
                    r.getUpperTerm() != null && r.includesUpper());
        }
        if (headerName(fieldOf(q)) != null) {
            throw new IllegalArgumentException("this kind of query is not supported on header fields: " + q);
        }
        return q;
    }

    private static boolean isHeaderName(Query q) {
        return (q instanceof TermQuery t && t.getTerm().field().equals(FlowFields.HEADER_NAME))
                || (q instanceof PrefixQuery p && p.getField().equals(FlowFields.HEADER_NAME))
                || (q instanceof WildcardQuery w && w.getField().equals(FlowFields.HEADER_NAME));
    }

    /**
     * {@code headername:x} is any {@code x:...} term of the header field (names are not indexed on
     * their own); a name pattern may not run past the first {@code :} (names have none).
     */
    private static Query headerName(Query q) {
        if (q instanceof TermQuery t) return new PrefixQuery(new Term(FlowFields.HEADER, t.getTerm().text() + ':'));
        String pattern = q instanceof PrefixQuery p ? p.getPrefix().text() + '*' : ((WildcardQuery) q).getTerm().text();
        if (pattern.equals("*")) return TermRangeQuery.newStringRange(FlowFields.HEADER, null, null, true, true); // any header
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                re.append('\\').append(pattern.charAt(++i));
            } else if (c == '*') {
                re.append("[^:]*");
            } else if (c == '?') {
                re.append("[^:]");
            } else {
                if (!Character.isLetterOrDigit(c)) re.append('\\');
                re.append(c);
            }
        }
        return new RegexpQuery(new Term(FlowFields.HEADER, re.append(":.*").toString()));
    }

    private static String fieldOf(Query q) {
        String s = q.toString();
        int colon = s.indexOf(':');
        return colon > 0 ? s.substring(0, colon) : "";
    }

    /** The lower-cased header name of a {@code header.<name>} field, else null. */
    private static String headerName(String field) {
        if (!field.startsWith(FlowFields.HEADER_PREFIX) || field.length() == FlowFields.HEADER_PREFIX.length()) return null;
        return field.substring(FlowFields.HEADER_PREFIX.length()).toLowerCase(Locale.ROOT);
    }

    private static String escape(String s, String special) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (special.indexOf(c) >= 0) b.append('\\');
            b.append(c);
        }
        return b.toString();
    }

    private static String escapeAllButAlnum(String s) {
        StringBuilder b = new StringBuilder(s.length() * 2);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isLetterOrDigit(c)) b.append('\\');
            b.append(c);
        }
        return b.toString();
    }
}
