package dev.traffic.ui.internal;

import dev.traffic.store.index.FlowFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.TermQuery;

/**
 * Requests per host over time, from the index's doc values only (no flow is read): per-host totals,
 * errors, flagged and blocked flows, and a fixed number of time buckets per host. Memory is per
 * host, never per flow.
 */
final class SessionSummary {
    static final int BUCKETS = 60;
    static final int MAX_HOSTS = 15;

    record HostRow(String host, long flows, long errors, long flagged, long blocked, long first, long last, long[] buckets, long[] flaggedBuckets) {}

    record Result(long from, long to, long flows, List<HostRow> hosts) {}

    private SessionSummary() {}

    interface Visitor {
        void visit(String host, long time, int status);
    }

    static Result of(IndexSearcher s, Query q) throws IOException {
        Map<String, long[]> stats = new HashMap<>(); // flows, errors, first, last
        long[] range = {Long.MAX_VALUE, Long.MIN_VALUE, 0};
        visit(s, q, (host, time, status) -> {
            long[] st = stats.computeIfAbsent(host, h -> new long[] {0, 0, Long.MAX_VALUE, Long.MIN_VALUE, 0, 0});
            st[0]++;
            if (status >= 400) st[1]++;
            st[2] = Math.min(st[2], time);
            st[3] = Math.max(st[3], time);
            range[0] = Math.min(range[0], time);
            range[1] = Math.max(range[1], time);
            range[2]++;
        });
        if (range[2] == 0) return new Result(0, 0, 0, List.of());
        List<String> hosts = new ArrayList<>(stats.keySet());
        hosts.sort((a, b) -> Long.compare(stats.get(b)[0], stats.get(a)[0]));
        if (hosts.size() > MAX_HOSTS) hosts = new ArrayList<>(hosts.subList(0, MAX_HOSTS));
        Map<String, long[]> buckets = new HashMap<>();
        Map<String, long[]> flaggedBuckets = new HashMap<>();
        for (String h : hosts) {
            buckets.put(h, new long[BUCKETS]);
            flaggedBuckets.put(h, new long[BUCKETS]);
        }
        long from = range[0];
        long span = Math.max(1, range[1] - range[0] + 1);
        visit(s, q, (host, time, status) -> {
            long[] b = buckets.get(host);
            if (b != null) b[(int) ((time - from) * BUCKETS / span)]++;
        });
        visit(s, and(q, FlowFields.FLAG, "true"), (host, time, status) -> {
            long[] st = stats.get(host);
            if (st != null) st[4]++;
            long[] b = flaggedBuckets.get(host);
            if (b != null) b[(int) ((time - from) * BUCKETS / span)]++;
        });
        visit(s, and(q, FlowFields.POLICY, "block"), (host, time, status) -> {
            long[] st = stats.get(host);
            if (st != null) st[5]++;
        });
        List<HostRow> rows = new ArrayList<>();
        for (String h : hosts) {
            long[] st = stats.get(h);
            rows.add(new HostRow(h, st[0], st[1], st[4], st[5], st[2], st[3], buckets.get(h), flaggedBuckets.get(h)));
        }
        return new Result(range[0], range[1], range[2], rows);
    }

    private static Query and(Query q, String field, String value) {
        return new BooleanQuery.Builder().add(q, BooleanClause.Occur.MUST)
                .add(new TermQuery(new Term(field, value)), BooleanClause.Occur.FILTER).build();
    }

    static void visit(IndexSearcher s, Query q, Visitor v) throws IOException {
        s.search(q, new SimpleCollector() {
            SortedDocValues host;
            NumericDocValues time;
            NumericDocValues status;
            String[] names;

            @Override
            protected void doSetNextReader(LeafReaderContext ctx) throws IOException {
                host = ctx.reader().getSortedDocValues(FlowFields.HOST);
                time = ctx.reader().getNumericDocValues(FlowFields.TIME);
                status = ctx.reader().getNumericDocValues(FlowFields.STATUS);
                names = new String[host == null ? 0 : host.getValueCount()];
            }

            @Override
            public void collect(int doc) throws IOException {
                String h = "-";
                if (host != null && host.advanceExact(doc)) {
                    int ord = host.ordValue();
                    if (names[ord] == null) names[ord] = host.lookupOrd(ord).utf8ToString();
                    h = names[ord];
                }
                long t = time != null && time.advanceExact(doc) ? time.longValue() : 0;
                int st = status != null && status.advanceExact(doc) ? (int) status.longValue() : 0;
                v.visit(h, t, st);
            }

            @Override
            public ScoreMode scoreMode() {
                return ScoreMode.COMPLETE_NO_SCORES;
            }
        });
    }
}
