package dev.traffic.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.store.index.FlowFields;
import dev.traffic.model.Flow;
import dev.traffic.model.WsMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live indexer takes flows from the writer's hand-over instead of decoding them from the
 * journal: the index it builds must be exactly the one {@code reindex} builds from the journal
 * (every term of every field, positions, stored record places), over flows with every feature,
 * including a catch-up from the journal after a restart in between.
 */
class IndexHandOverTest {
    @TempDir Path dir;

    @Test
    void indexFromHandOverEqualsIndexRebuiltFromJournal() throws Exception {
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults().withIndex(false))) {
            for (int i = 0; i < 7; i++) s.ended(Flows.rich(100 + i)); // indexed later, from the journal
        }
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults())) {
            for (int i = 1; i <= 40; i++) {
                Flow f = variant(i);
                s.started(f.toBuilder().response(null).end(null).build());
                s.ended(f);
            }
            s.flush();
            s.awaitIndexed(20_000);
            assertThat(s.indexedSeq()).isEqualTo(47);
        }
        TreeMap<String, TreeSet<String>> live = dump(dir.resolve("index"));
        assertThat(FlowStore.reindex(dir, seq -> { })).isEqualTo(47);
        TreeMap<String, TreeSet<String>> rebuilt = dump(dir.resolve("index"));
        assertThat(live.keySet()).contains(FlowFields.BODY, FlowFields.HOST, FlowFields.TEXT, "_stored");
        assertThat(live).isEqualTo(rebuilt);
    }

    private static Flow variant(int i) {
        Flow f = switch (i % 4) {
            case 0 -> Flows.rich(i);
            case 1 -> Flows.get("api.github.com", "/repos/" + i, 200, "{\"n\":" + i + ", \"text\":\"héllo wörld\"}");
            case 2 -> Flows.get("Mixed.Case.example", "/p?q=" + i, 404, "").toBuilder().error("upstream reset " + i).build();
            default -> Flows.rich(i).toBuilder().session(null).findings(List.of())
                    .messages(List.of(new WsMessage(WsMessage.Direction.CLIENT_TO_SERVER, Flows.rich(i).start(), true, "hello".getBytes(StandardCharsets.UTF_8), 5, false)))
                    .build();
        };
        return f;
    }

    /** Every indexed term as "field: term @seq [positions]" plus stored fields, independent of doc ids. */
    private static TreeMap<String, TreeSet<String>> dump(Path index) throws IOException {
        TreeMap<String, TreeSet<String>> out = new TreeMap<>();
        try (FSDirectory d = FSDirectory.open(index); DirectoryReader r = DirectoryReader.open(d)) {
            for (LeafReaderContext ctx : r.leaves()) {
                LeafReader leaf = ctx.reader();
                long[] seqOf = new long[leaf.maxDoc()];
                NumericDocValues seqs = leaf.getNumericDocValues(FlowFields.SEQ);
                for (int doc; (doc = seqs.nextDoc()) != DocIdSetIterator.NO_MORE_DOCS; ) seqOf[doc] = seqs.longValue();
                for (FieldInfo fi : leaf.getFieldInfos()) {
                    Terms terms = leaf.terms(fi.name);
                    if (terms == null) continue;
                    TermsEnum te = terms.iterator();
                    for (BytesRef t; (t = te.next()) != null; ) {
                        PostingsEnum pe = te.postings(null, PostingsEnum.POSITIONS);
                        for (int doc; (doc = pe.nextDoc()) != DocIdSetIterator.NO_MORE_DOCS; ) {
                            List<Integer> pos = new ArrayList<>();
                            if (terms.hasPositions()) for (int k = 0; k < pe.freq(); k++) pos.add(pe.nextPosition());
                            out.computeIfAbsent(fi.name, k -> new TreeSet<>()).add(t.utf8ToString() + " @" + seqOf[doc] + " " + pos);
                        }
                    }
                }
                for (int doc = 0; doc < leaf.maxDoc(); doc++) {
                    Document sd = leaf.storedFields().document(doc);
                    out.computeIfAbsent("_stored", k -> new TreeSet<>()).add(seqOf[doc] + " " + sd.getField(FlowFields.SEGMENT).numericValue()
                            + " " + sd.getField(FlowFields.OFFSET).numericValue());
                }
            }
        }
        return out;
    }
}
