package dev.traffic.ui.internal;

import dev.traffic.model.Flow;
import dev.traffic.store.FlowQuery;
import dev.traffic.store.StoreLayout;
import dev.traffic.store.StoreReader;
import dev.traffic.store.index.FlowFields;
import dev.traffic.store.index.Indexer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.BytesRef;

/**
 * The UI's one {@link StoreReader}, shared by the handler threads one at a time (readers are not
 * thread-safe). Its index snapshot is reopened when the journal has grown ({@link #grew}) and at
 * most once a second for lists, at once when a flow asked for by id is not in the snapshot.
 */
final class StoreView implements AutoCloseable {
    /** How many index candidates one list request tests against a per-flow filter before it pauses. */
    static final int MAX_SCAN = 20_000;
    private static final long REOPEN_MILLIS = 1000;

    private final StoreLayout layout;
    private StoreReader reader;
    private long openedAt;
    private volatile boolean stale;

    StoreView(StoreLayout layout) {
        this.layout = layout;
    }

    void grew() {
        stale = true;
    }

    private StoreReader reader(boolean now) throws IOException {
        long t = System.nanoTime() / 1_000_000;
        if (reader != null && stale && (now || t - openedAt >= REOPEN_MILLIS)) {
            reader.close();
            reader = null;
        }
        if (reader == null) {
            stale = false;
            reader = StoreReader.open(layout.root());
            openedAt = t;
        }
        return reader;
    }

    /** A page of the list, newest first, after {@code cursor} ("time.seq" of the last row shown). */
    record Page(List<Flow> flows, String next, Long total, boolean paused, List<String> warnings) {}

    synchronized Page page(FlowQuery q, String cursor, int limit) throws IOException {
        StoreReader r = reader(false);
        IndexSearcher s = r.indexSearcher();
        Query lq = q.toLucene();
        // the doc id breaks ties between equal sort values; (time, seq) never ties but with the cursor's
        // own flow, and the largest doc id skips that one (ids past the reader are refused)
        FieldDoc after = parseCursor(cursor, Math.max(0, s.getIndexReader().maxDoc() - 1));
        List<Flow> out = new ArrayList<>();
        int scanned = 0;
        boolean more = true;
        boolean bodies = q.filterNeedsBodies();
        int batch = q.filter() == null ? limit : Math.max(limit, 500);
        while (out.size() < limit && more && scanned < MAX_SCAN) {
            TopDocs top = after == null ? s.search(lq, batch, Indexer.SORT) : s.searchAfter(after, lq, batch, Indexer.SORT);
            more = top.scoreDocs.length == batch;
            for (ScoreDoc sd : top.scoreDocs) {
                after = (FieldDoc) sd;
                scanned++;
                Flow f = r.flowAt(sd.doc, bodies);
                if (f != null && q.accepts(f)) out.add(f);
                if (out.size() == limit) break;
            }
        }
        boolean paused = out.size() < limit && more;
        String next = (out.size() == limit || paused) && after != null ? after.fields[0] + "." + after.fields[1] : null;
        if (out.size() == limit && !more && q.filter() == null) {
            // the last batch ended exactly at the end: there may be nothing after; one cheap check
            TopDocs probe = s.searchAfter(after, lq, 1, Indexer.SORT);
            if (probe.scoreDocs.length == 0) next = null;
        }
        Long total = q.filter() == null ? (long) s.count(lq) : null;
        return new Page(out, next, total, paused, List.copyOf(r.warnings()));
    }

    private static FieldDoc parseCursor(String cursor, int lastDoc) {
        if (cursor == null || cursor.isEmpty()) return null;
        int dot = cursor.indexOf('.');
        try {
            if (dot < 0) throw new NumberFormatException();
            long time = Long.parseLong(cursor.substring(0, dot));
            long seq = Long.parseLong(cursor.substring(dot + 1));
            return new FieldDoc(lastDoc, Float.NaN, new Object[] {time, seq});
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad cursor '" + cursor + "' (expected TIME.SEQ as returned in 'next')");
        }
    }

    /**
     * Counts per host, method, status class, rule, policy and severity. Null when the query needs a
     * per-flow test (a regex or body filter): the index alone cannot count those exactly.
     */
    synchronized Map<String, Map<String, Long>> facets(FlowQuery q) throws IOException {
        if (q.filter() != null) return null;
        StoreReader r = reader(false);
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        out.put("host", top(r.facet(q, FlowFields.HOST), 20));
        out.put("method", top(r.facet(q, FlowFields.METHOD), 20));
        Map<String, Long> classes = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : r.facet(q, FlowFields.STATUS).entrySet()) {
            String k = e.getKey().equals("-") ? "none" : e.getKey().charAt(0) + "xx";
            classes.merge(k, e.getValue(), Long::sum);
        }
        out.put("status", sorted(classes));
        IndexSearcher s = r.indexSearcher();
        out.put("rule", termCounts(s, q.toLucene(), FlowFields.RULE, 30));
        out.put("policy", termCounts(s, q.toLucene(), FlowFields.POLICY, 10));
        out.put("action", termCounts(s, q.toLucene(), FlowFields.ACTION, 10));
        out.put("severity", termCounts(s, q.toLucene(), FlowFields.SEVERITY, 10));
        return out;
    }

    /** Matching flows per indexed term of a keyword field (a few distinct values: rules, actions). */
    private static Map<String, Long> termCounts(IndexSearcher s, Query q, String field, int max) throws IOException {
        Map<String, Long> counts = new LinkedHashMap<>();
        Terms terms = MultiTerms.getTerms(s.getIndexReader(), field);
        if (terms == null) return counts;
        TermsEnum te = terms.iterator();
        int seen = 0;
        for (BytesRef t; (t = te.next()) != null && seen < 200; seen++) {
            String v = t.utf8ToString();
            Query both = new BooleanQuery.Builder().add(q, BooleanClause.Occur.MUST)
                    .add(new TermQuery(new Term(field, v)), BooleanClause.Occur.FILTER).build();
            long n = s.count(both);
            if (n > 0) counts.put(v, n);
        }
        return top(sorted(counts), max);
    }

    private static Map<String, Long> sorted(Map<String, Long> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static Map<String, Long> top(Map<String, Long> m, int n) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : m.entrySet()) {
            if (out.size() == n) break;
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** The flow with this id or seq, with its record bytes; reopens once when the snapshot lacks it. */
    synchronized Optional<StoreReader.Located> locate(String idOrSeq) throws IOException {
        Optional<StoreReader.Located> f = reader(false).locate(idOrSeq);
        if (f.isEmpty() && stale) f = reader(true).locate(idOrSeq);
        return f;
    }

    /** Per-host activity over time for the session view. */
    synchronized SessionSummary.Result session(FlowQuery q) throws IOException {
        return SessionSummary.of(reader(false).indexSearcher(), q.toLucene());
    }

    /** The newest seq in the journal (where the live feed starts). */
    synchronized long lastSeq() throws IOException {
        return reader(false).lastSeq();
    }

    @Override
    public synchronized void close() {
        try {
            if (reader != null) reader.close();
        } catch (IOException e) {
            // closing read-only files: nothing to lose
        }
        reader = null;
    }
}
