package dev.traffic.ship;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.traffic.model.Body;
import dev.traffic.model.Flow;
import dev.traffic.store.FlowJson;
import dev.traffic.store.StoreOptions;
import dev.traffic.store.index.FieldAnalyzer;
import dev.traffic.store.index.FlowDocument;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import dev.traffic.store.index.FlowFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexableField;

/**
 * One flow as a {@code _bulk} {@code create} line pair. The searchable fields are exactly the local
 * index's: the shipper builds the flow's Lucene document with {@link FlowDocument} and copies every
 * indexed field (keyword terms already lower-cased and capped, text fields as their tokens from
 * {@link FieldAnalyzer}, space-separated, points as numbers), so a query means the same thing on the cluster as in the local store. Beside them:
 * {@code sandbox} (lower-cased id, searchable as {@code sandbox:NAME}), {@code origin} (sandbox id,
 * pod, namespace, node, store identity), {@code leaf_hash} and {@code leaf_index} (the flow's
 * RFC 6962 leaf and its position in the store's Merkle log, checked against the pod's signed
 * checkpoints) and {@code flow}, the flow's JSON as {@code -o json} prints it (bodies as recorded,
 * i.e. redacted as stored, cut to {@code maxBody}), stored but not indexed. Thread-safe.
 */
public final class ShippedDocument {
    private static final JsonFactory JSON = JsonFactory.builder().disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_CONTENT).build();
    private static final byte[] FLOW_FIELD = ",\"flow\":".getBytes(StandardCharsets.US_ASCII);
    private static final int INDEXED_BODY = StoreOptions.DEFAULTS.maxIndexedBodyBytes();
    private static final byte[] NL = {'\n'};
    private static final FieldAnalyzer ANALYZER = new FieldAnalyzer();

    private final String storeId;
    private final Sandbox sandbox;
    private final long maxBody;
    private final String indexPrefix;
    private final IndexPeriod period;

    public ShippedDocument(String storeId, Sandbox sandbox, long maxBody, String indexPrefix, IndexPeriod period) {
        this.storeId = storeId;
        this.sandbox = sandbox;
        this.maxBody = maxBody;
        this.indexPrefix = indexPrefix;
        this.period = period;
    }

    /** The document id of {@code seq} in this store: a resend of the same flow has the same id. */
    public static String id(String storeId, long seq) {
        return storeId + "-" + seq;
    }

    public String index(Flow f) {
        return period.index(indexPrefix, f.start());
    }

    /** The action line and the document, each ending in a newline, appended to {@code out}. */
    public void writeCreate(Flow f, byte[] leafHash, java.io.OutputStream out) {
        try {
            try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeObjectFieldStart("create");
                g.writeStringField("_index", index(f));
                g.writeStringField("_id", id(storeId, f.seq()));
                g.writeEndObject();
                g.writeEndObject();
            }
            out.write(NL);
            writeSource(f, leafHash, out);
            out.write(NL);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void writeSource(Flow f, byte[] leafHash, java.io.OutputStream out) throws IOException {
        Map<String, List<Object>> fields = indexedFields(f);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            for (Map.Entry<String, List<Object>> e : fields.entrySet()) {
                g.writeFieldName(e.getKey());
                List<Object> vs = e.getValue();
                if (vs.size() == 1) {
                    value(g, vs.get(0));
                } else {
                    g.writeStartArray();
                    for (Object v : vs) value(g, v);
                    g.writeEndArray();
                }
            }
            g.writeStringField("sandbox", FlowDocument.keywordTerm(sandbox.id()));
            g.writeObjectFieldStart("origin");
            g.writeStringField("sandbox", sandbox.id());
            if (sandbox.pod() != null) g.writeStringField("pod", sandbox.pod());
            if (sandbox.namespace() != null) g.writeStringField("namespace", sandbox.namespace());
            if (sandbox.node() != null) g.writeStringField("node", sandbox.node());
            g.writeStringField("store", storeId);
            g.writeEndObject();
            g.writeStringField("leaf_hash", HexFormat.of().formatHex(leafHash));
            g.writeNumberField("leaf_index", f.seq() - 1);
            g.flush(); // the object stays open (AUTO_CLOSE_JSON_CONTENT off): the flow's own JSON bytes go in as they are
        }
        out.write(FLOW_FIELD);
        out.write(FlowJson.toBytes(capBodies(f)));
        out.write('}');
    }

    private static void value(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Integer i) g.writeNumber(i);
        else if (v instanceof Long l) g.writeNumber(l);
        else if (v instanceof Number n) g.writeNumber(n.longValue());
        else g.writeString(v.toString());
    }

    /** Every indexed field of the local index's document, by name, values in order. */
    static Map<String, List<Object>> indexedFields(Flow f) {
        Document d = FlowDocument.of(f, 0, 0, INDEXED_BODY);
        Map<String, List<Object>> out = new LinkedHashMap<>();
        for (IndexableField x : d.getFields()) {
            Object v;
            if (x.fieldType().pointDimensionCount() > 0) v = x.numericValue();
            else if (x.fieldType().indexOptions() == IndexOptions.NONE) continue; // doc values, stored-only: sorting/fetching aids
            else if (x.fieldType().tokenized()) v = tokens(x.name(), x.stringValue());
            else v = x.stringValue();
            if (v == null || x.name().equals(FlowFields.SEGMENT) || x.name().equals(FlowFields.OFFSET)) continue;
            List<Object> vs = out.computeIfAbsent(x.name(), k -> new ArrayList<>(2));
            if (!vs.contains(v)) vs.add(v);
        }
        return out;
    }

    /** The local analysis of a text field's value: its tokens, space-separated (tokens never hold spaces). */
    private static String tokens(String field, String text) {
        if (text == null) return null;
        StringBuilder b = new StringBuilder(text.length());
        try (TokenStream ts = ANALYZER.tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                if (b.length() > 0) b.append(' ');
                b.append(term.buffer(), 0, term.length());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toString();
    }

    private Flow capBodies(Flow f) {
        if (maxBody < 0) return f;
        Flow.Builder b = null;
        if (f.request() != null && f.request().body().recorded().length > maxBody) {
            b = f.toBuilder();
            b.request(f.request().withBody(cap(f.request().body())));
        }
        if (f.response() != null && f.response().body().recorded().length > maxBody) {
            if (b == null) b = f.toBuilder();
            b.response(f.response().withBody(cap(f.response().body())));
        }
        return b == null ? f : b.build();
    }

    private Body cap(Body body) {
        return new Body(body.size(), body.sha256(), java.util.Arrays.copyOf(body.recorded(), (int) maxBody), true);
    }
}
