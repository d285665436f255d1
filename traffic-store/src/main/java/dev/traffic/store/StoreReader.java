package dev.traffic.store;

import dev.traffic.store.index.FlowDocument;
import dev.traffic.store.index.FlowFields;
import dev.traffic.store.index.Indexer;
import dev.traffic.store.journal.FlowRecords;
import dev.traffic.store.journal.JournalCursor;
import dev.traffic.store.journal.Record;
import dev.traffic.store.journal.Recovery;
import dev.traffic.store.journal.SegmentReader;
import dev.traffic.store.journal.Segments;
import dev.traffic.model.Flow;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.FSDirectory;

/**
 * Read-only access to a store for {@code search}, {@code show}, {@code export}, {@code stats}, in
 * any process, whether or not a proxy is writing. Searches open the index's last commit read-only
 * and, for the flows the journal holds beyond that commit's last seq, a small in-memory index of
 * those flows built on open (so a flow is searchable as soon as it is in the journal). Flow
 * contents always come from the journal. Not thread-safe; close it.
 */
public final class StoreReader implements AutoCloseable {
    private final StoreLayout layout;
    private final int maxBodyBytes;
    private final List<String> warnings = new ArrayList<>();
    private final Map<Long, FileChannel> segments = new HashMap<>();
    private DirectoryReader disk;
    private FSDirectory diskDir;
    private DirectoryReader memory;
    private ByteBuffersDirectory memDir;
    private IndexSearcher searcher;
    private long indexedSeq;

    private StoreReader(StoreLayout layout, int maxBodyBytes) {
        this.layout = layout;
        this.maxBodyBytes = maxBodyBytes;
    }

    public static StoreReader open(Path storeDir) throws IOException {
        StoreLayout layout = new StoreLayout(storeDir.toAbsolutePath());
        if (!layout.exists()) throw StoreException.noStore(storeDir);
        layout.checkVersion();
        return new StoreReader(layout, StoreOptions.DEFAULTS.maxIndexedBodyBytes());
    }

    public StoreLayout layout() {
        return layout;
    }

    /** Problems met while reading (damaged index: searched from the journal instead). */
    public List<String> warnings() {
        return warnings;
    }

    /** Seq of the last flow in the journal (0 when empty). */
    public long lastSeq() throws IOException {
        List<Path> segs = Segments.list(layout.journalDir());
        long last = 0;
        for (int i = segs.size() - 1; i >= 0 && last == 0; i--) {
            try (SegmentReader r = new SegmentReader(segs.get(i)).skippingBlobs()) {
                if (!r.headerPresent()) continue;
                for (Record rec; (rec = Recovery.nextSkippingDamage(r)) != null; ) {
                    if (rec.type() == Segments.FLOW) last = Math.max(last, FlowRecords.seq(rec.payload()));
                }
            }
        }
        return last;
    }

    /** Seq of the oldest flow still in the journal (retention removes older ones), 1 when none were removed. */
    public long firstSeq() throws IOException {
        List<Path> segs = Segments.list(layout.journalDir());
        return segs.isEmpty() ? 1 : Math.max(1, Segments.firstSeq(segs.get(0)));
    }

    private IndexSearcher searcher() throws IOException {
        if (searcher != null) return searcher;
        try {
            diskDir = FSDirectory.open(layout.indexDir());
            if (Files.isDirectory(layout.indexDir()) && DirectoryReader.indexExists(diskDir)) {
                disk = DirectoryReader.open(diskDir);
                String format = disk.getIndexCommit().getUserData().getOrDefault(Indexer.FORMAT_KEY, "1");
                if (!format.equals(Indexer.FORMAT)) {
                    warnings.add("index at " + layout.indexDir() + " has an older format (" + format + "); searching the journal"
                            + " directly until the proxy's next start or `traffic reindex` rebuilds it");
                    disk.close();
                    disk = null;
                } else {
                    String last = disk.getIndexCommit().getUserData().get(Indexer.LAST_SEQ);
                    indexedSeq = last == null ? 0 : Long.parseLong(last);
                }
            }
        } catch (IOException | RuntimeException e) {
            warnings.add("index at " + layout.indexDir() + " is unreadable (" + e.getMessage()
                    + "); searching the journal directly (run `traffic reindex`)");
            if (disk != null) disk.close();
            disk = null;
            indexedSeq = 0;
        }
        memDir = new ByteBuffersDirectory();
        try (IndexWriter w = new IndexWriter(memDir, Indexer.config()); JournalCursor c = new JournalCursor(layout.journalDir()).skippingBlobs()) {
            c.seekToSeq(indexedSeq + 1);
            for (JournalCursor.Entry e; (e = c.next()) != null; ) {
                if (e.record().type() != Segments.FLOW) continue;
                long seq = FlowRecords.seq(e.record().payload());
                if (seq <= indexedSeq) continue;
                Flow f = FlowRecords.decode(e.record().payload(), e.channel());
                w.addDocument(FlowDocument.of(f, Segments.firstSeq(e.segment()), e.record().offset(), maxBodyBytes));
            }
        }
        memory = DirectoryReader.open(memDir);
        IndexReader r = disk == null ? memory : new MultiReader(disk, memory);
        searcher = new IndexSearcher(r);
        return searcher;
    }

    /** Seq of the last flow in the on-disk index's last commit. */
    public long indexedSeq() throws IOException {
        searcher();
        return indexedSeq;
    }

    /** Up to {@code limit} matching flows, newest first, with bodies. */
    public List<Flow> search(FlowQuery q, int limit) throws IOException {
        IndexSearcher s = searcher();
        if (q.filter() != null) {
            // the index gave a superset: test candidates newest first until enough matched
            List<long[]> locs = locations(q.toLucene());
            List<Flow> out = new ArrayList<>();
            for (int i = locs.size() - 1; i >= 0 && out.size() < limit; i--) {
                Flow f = fetch(locs.get(i)[0], locs.get(i)[1], true);
                if (f != null && q.accepts(f)) out.add(f);
            }
            return out;
        }
        TopDocs top = s.search(q.toLucene(), Math.max(1, limit), Indexer.SORT);
        List<Flow> out = new ArrayList<>();
        StoredFields sf = s.storedFields();
        for (ScoreDoc sd : top.scoreDocs) {
            Flow f = fetch(sf.document(sd.doc), true);
            if (f != null) out.add(f);
        }
        return out;
    }

    /** Exact number of matching flows (a count query, not a sorted search's estimate). */
    public long count(FlowQuery q) throws IOException {
        if (q.filter() == null) return searcher().count(q.toLucene());
        long n = 0;
        for (Flow f : candidates(q)) if (q.accepts(f)) n++;
        return n;
    }

    /** The flows the index query of a query with a per-flow filter matched, in journal order, read lazily. */
    private Iterable<Flow> candidates(FlowQuery q) throws IOException {
        List<long[]> locs = locations(q.toLucene());
        boolean bodies = q.filterNeedsBodies();
        return () -> new java.util.Iterator<>() {
            int i;
            Flow next = advance();

            private Flow advance() {
                while (i < locs.size()) {
                    long[] l = locs.get(i++);
                    try {
                        Flow f = fetch(l[0], l[1], bodies);
                        if (f != null) return f;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Flow next() {
                Flow f = next;
                next = advance();
                return f;
            }
        };
    }

    /** Matching flows per value of {@code field} (host, status, method, client), most first. */
    public Map<String, Long> facet(FlowQuery q, String field) throws IOException {
        String f = field.toLowerCase(Locale.ROOT);
        if (!FlowFields.FACETS.contains(f)) throw new IllegalArgumentException("cannot facet on '" + field + "' (use one of " + FlowFields.FACETS + ")");
        Map<String, Long> counts = new HashMap<>();
        if (q.filter() != null) {
            for (Flow fl : candidates(q)) if (q.accepts(fl)) counts.merge(facetValue(fl, f), 1L, Long::sum);
        } else searcher().search(q.toLucene(), new SimpleCollector() {
            SortedDocValues sorted;
            NumericDocValues numeric;

            @Override
            protected void doSetNextReader(LeafReaderContext ctx) throws IOException {
                if (f.equals(FlowFields.STATUS)) numeric = ctx.reader().getNumericDocValues(f);
                else sorted = ctx.reader().getSortedDocValues(f);
            }

            @Override
            public void collect(int doc) throws IOException {
                String v = "-";
                if (numeric != null && numeric.advanceExact(doc)) v = Long.toString(numeric.longValue());
                if (sorted != null && sorted.advanceExact(doc)) v = sorted.lookupOrd(sorted.ordValue()).utf8ToString();
                counts.merge(v, 1L, Long::sum);
            }

            @Override
            public ScoreMode scoreMode() {
                return ScoreMode.COMPLETE_NO_SCORES;
            }
        });
        Map<String, Long> sortedOut = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).forEach(e -> sortedOut.put(e.getKey(), e.getValue()));
        return sortedOut;
    }

    /** Every matching flow in seq order (export): streams the journal when the query matches all. */
    public void scan(FlowQuery q, boolean bodies, Consumer<Flow> sink) throws IOException {
        if (q.matchesAll()) {
            try (JournalCursor c = new JournalCursor(layout.journalDir()).skippingBlobs()) {
                c.seekToSeq(1);
                for (JournalCursor.Entry e; (e = c.next()) != null; ) {
                    if (e.record().type() == Segments.FLOW) sink.accept(FlowRecords.decode(e.record().payload(), bodies ? e.channel() : null));
                }
            }
            return;
        }
        List<long[]> locs = locations(q.toLucene());
        for (long[] l : locs) {
            Flow f = fetch(l[0], l[1], bodies || q.filterNeedsBodies());
            if (f != null && q.accepts(f)) sink.accept(f);
        }
    }

    /** Journal positions (segment, offset) of the flows {@code query} matches, in journal (= seq) order. */
    private List<long[]> locations(Query query) throws IOException {
        IndexSearcher s = searcher();
        List<long[]> locs = new ArrayList<>();
        s.search(query, new SimpleCollector() {
            StoredFields stored;

            @Override
            protected void doSetNextReader(LeafReaderContext ctx) throws IOException {
                stored = ctx.reader().storedFields();
            }

            @Override
            public void collect(int doc) throws IOException {
                Document d = stored.document(doc);
                locs.add(new long[] {d.getField(FlowFields.SEGMENT).numericValue().longValue(),
                        d.getField(FlowFields.OFFSET).numericValue().longValue()});
            }

            @Override
            public ScoreMode scoreMode() {
                return ScoreMode.COMPLETE_NO_SCORES;
            }
        });
        // journal order is seq order: segments are named by their first seq, records appended by seq
        locs.sort(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
        return locs;
    }

    private static String facetValue(Flow f, String field) {
        String v = switch (field) {
            case FlowFields.HOST -> f.request() == null || f.request().host() == null ? null : f.request().host().toLowerCase(Locale.ROOT);
            case FlowFields.STATUS -> f.response() == null ? null : Integer.toString(f.response().status());
            case FlowFields.METHOD -> f.request() == null ? null : f.request().method().toUpperCase(Locale.ROOT);
            default -> f.client() == null ? null : FlowDocument.clientHostOf(f.client());
        };
        return v == null ? "-" : v;
    }

    /** The flow with this id, or this seq when {@code idOrSeq} is a number. */
    public Optional<Flow> show(String idOrSeq) throws IOException {
        if (idOrSeq.matches("\\d{1,18}")) {
            Optional<Flow> bySeq = bySeq(Long.parseLong(idOrSeq));
            if (bySeq.isPresent()) return bySeq;
        }
        IndexSearcher s = searcher();
        TopDocs top = s.search(new TermQuery(new Term(FlowFields.ID, FlowDocument.keywordTerm(idOrSeq))), 1);
        if (top.scoreDocs.length == 0) return Optional.empty();
        return Optional.ofNullable(fetch(s.storedFields().document(top.scoreDocs[0].doc), true));
    }

    /** The last {@code n} flows of the journal, oldest first (walks segments from the newest). */
    public List<Flow> last(int n, boolean bodies) throws IOException {
        java.util.ArrayDeque<Flow> out = new java.util.ArrayDeque<>();
        List<Path> segs = Segments.list(layout.journalDir());
        for (int i = segs.size() - 1; i >= 0 && out.size() < n; i--) {
            try (SegmentReader r = new SegmentReader(segs.get(i)).skippingBlobs()) {
                if (!r.headerPresent()) continue;
                java.util.ArrayDeque<byte[]> lastPayloads = new java.util.ArrayDeque<>();
                for (Record rec; (rec = Recovery.nextSkippingDamage(r)) != null; ) {
                    if (rec.type() != Segments.FLOW) continue;
                    lastPayloads.addLast(rec.payload());
                    if (lastPayloads.size() > n - out.size()) lastPayloads.removeFirst(); // decode only what is shown
                }
                for (java.util.Iterator<byte[]> it = lastPayloads.descendingIterator(); it.hasNext(); ) {
                    out.addFirst(FlowRecords.decode(it.next(), bodies ? r.channel() : null));
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** Reads a flow by seq straight from the journal segment that holds it. */
    public Optional<Flow> bySeq(long seq) throws IOException {
        Path pick = null;
        for (Path p : Segments.list(layout.journalDir())) if (Segments.firstSeq(p) <= seq) pick = p;
        if (pick == null) return Optional.empty();
        try (SegmentReader r = new SegmentReader(pick).skippingBlobs()) {
            if (!r.headerPresent()) return Optional.empty();
            for (Record rec; (rec = Recovery.nextSkippingDamage(r)) != null; ) {
                if (rec.type() == Segments.FLOW && FlowRecords.seq(rec.payload()) == seq) {
                    return Optional.of(FlowRecords.decode(rec.payload(), r.channel()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The searcher over the index (plus the journal's unindexed tail) for readers that need more than
     * {@link #search}: cursor paging, facets over keyword terms, per-host timelines (the web UI).
     * Same snapshot and thread rules as this reader.
     */
    public IndexSearcher indexSearcher() throws IOException {
        return searcher();
    }

    /** The flow of a hit of {@link #indexSearcher()} (null when retention removed it meanwhile). */
    public Flow flowAt(int doc, boolean bodies) throws IOException {
        return fetch(searcher().storedFields().document(doc), bodies);
    }

    /** A flow together with its journal record's payload (what its Merkle leaf hash covers). */
    public record Located(Flow flow, byte[] record) {}

    /** {@link #show} plus the record bytes, for checking a flow against the Merkle log. */
    public Optional<Located> locate(String idOrSeq) throws IOException {
        IndexSearcher s = searcher();
        Query q = idOrSeq.matches("\\d{1,18}")
                ? org.apache.lucene.document.LongPoint.newExactQuery(FlowFields.SEQ, Long.parseLong(idOrSeq))
                : new TermQuery(new Term(FlowFields.ID, FlowDocument.keywordTerm(idOrSeq)));
        TopDocs top = s.search(q, 1);
        if (top.scoreDocs.length == 0) return Optional.empty();
        Document d = s.storedFields().document(top.scoreDocs[0].doc);
        long segment = d.getField(FlowFields.SEGMENT).numericValue().longValue();
        long offset = d.getField(FlowFields.OFFSET).numericValue().longValue();
        Flow f = fetch(segment, offset, true);
        if (f == null) return Optional.empty();
        Record r = SegmentReader.readAt(segments.get(segment), offset);
        return Optional.of(new Located(f, r.payload()));
    }

    private Flow fetch(Document d, boolean bodies) throws IOException {
        return fetch(d.getField(FlowFields.SEGMENT).numericValue().longValue(),
                d.getField(FlowFields.OFFSET).numericValue().longValue(), bodies);
    }

    /** Reads the FLOW record at (segment, offset); null when retention removed it meanwhile. */
    private Flow fetch(long segment, long offset, boolean bodies) throws IOException {
        FileChannel ch = segments.get(segment);
        if (ch == null) {
            try {
                ch = FileChannel.open(layout.journalDir().resolve(Segments.name(segment)), StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                return null;
            }
            segments.put(segment, ch);
        }
        Record r = SegmentReader.readAt(ch, offset);
        if (r.type() != Segments.FLOW) throw new StoreException("index points at a non-flow record (segment " + segment + ", offset " + offset + "): run `traffic reindex`");
        return FlowRecords.decode(r.payload(), bodies ? ch : null);
    }

    @Override
    public void close() throws IOException {
        for (FileChannel ch : segments.values()) ch.close();
        segments.clear();
        if (disk != null) disk.close();
        if (memory != null) memory.close();
        if (memDir != null) memDir.close();
        if (diskDir != null) diskDir.close();
    }
}
