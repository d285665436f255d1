package dev.traffic.store.index;

import dev.traffic.model.Flow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Evaluates a query on a few flows held in memory (the batches {@code tail -f -q} reads from the
 * journal): indexes them into a throw-away in-memory index with the same mapping and analysis as
 * the real one, so a query means the same thing in {@code tail} and {@code search}.
 */
public final class FlowMatcher {
    private FlowMatcher() {}

    /** The flows of {@code flows} that {@code q} matches, per-flow filter included, in their order. */
    public static List<Flow> filter(List<Flow> flows, dev.traffic.store.FlowQuery q, int maxBodyBytes) throws IOException {
        List<Flow> candidates = q.toLucene() instanceof org.apache.lucene.search.MatchAllDocsQuery ? flows : filter(flows, q.toLucene(), maxBodyBytes);
        if (q.filter() == null) return candidates;
        List<Flow> out = new ArrayList<>();
        for (Flow f : candidates) if (q.accepts(f)) out.add(f);
        return out;
    }

    public static List<Flow> filter(List<Flow> flows, Query q, int maxBodyBytes) throws IOException {
        if (flows.isEmpty()) return flows;
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
            try (IndexWriter w = new IndexWriter(dir, Indexer.config())) {
                for (int i = 0; i < flows.size(); i++) {
                    Flow f = flows.get(i);
                    // the stored offset slot carries the list position
                    w.addDocument(FlowDocument.of(f, 0, i, maxBodyBytes));
                }
            }
            try (DirectoryReader r = DirectoryReader.open(dir)) {
                IndexSearcher s = new IndexSearcher(r);
                Set<Integer> hits = new HashSet<>();
                for (ScoreDoc sd : s.search(q, flows.size()).scoreDocs) {
                    hits.add(s.storedFields().document(sd.doc).getField(FlowFields.OFFSET).numericValue().intValue());
                }
                List<Flow> out = new ArrayList<>();
                for (int i = 0; i < flows.size(); i++) if (hits.contains(i)) out.add(flows.get(i));
                return out;
            }
        }
    }
}
