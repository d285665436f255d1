package dev.traffic.store.index;

import dev.traffic.store.internal.Hashing;
import dev.traffic.model.Body;
import dev.traffic.model.Decision;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.util.BytesRef;

/**
 * Maps a flow to its Lucene document. Keyword values are lower-cased and capped (a value over
 * {@link #MAX_KEYWORD} characters is indexed as its prefix plus {@code #} and a SHA-256 prefix,
 * since Lucene rejects terms over 32,766 bytes); bodies are indexed as text but not stored (the
 * journal has them). Stateless and thread-safe.
 */
public final class FlowDocument {
    public static final int MAX_KEYWORD = 512;
    /**
     * Text fields: positions (phrase queries are offered on every text field) but no norms: hits
     * are always sorted by time ({@link Indexer#SORT}), never scored, so a norm per document and
     * field was written and merged for nothing.
     */
    static final org.apache.lucene.document.FieldType TEXT = textType();

    private static org.apache.lucene.document.FieldType textType() {
        org.apache.lucene.document.FieldType t = new org.apache.lucene.document.FieldType(TextField.TYPE_NOT_STORED);
        t.setOmitNorms(true);
        t.freeze();
        return t;
    }

    private FlowDocument() {}

    public static Document of(Flow f, long segment, long offset, int maxBodyBytes) {
        Document d = new Document();
        // seq: points for seq: queries and retention deletes, doc values for the newest-first sort;
        // not stored (a hit's journal position orders hits the same way)
        d.add(new LongPoint(FlowFields.SEQ, f.seq()));
        d.add(new NumericDocValuesField(FlowFields.SEQ, f.seq()));
        long t = f.start().toEpochMilli();
        d.add(new LongPoint(FlowFields.TIME, t));
        d.add(new NumericDocValuesField(FlowFields.TIME, t));
        d.add(new StoredField(FlowFields.SEGMENT, segment));
        d.add(new StoredField(FlowFields.OFFSET, offset));
        keyword(d, FlowFields.ID, f.id());
        keyword(d, FlowFields.SESSION, f.session());
        keyword(d, FlowFields.KIND, f.kind().name());
        if (f.client() != null) {
            facet(d, FlowFields.CLIENT, clientHost(f.client()));
            keyword(d, FlowFields.CLIENT, f.client());
            keyword(d, FlowFields.CLIENT, clientHost(f.client()));
        }
        StringBuilder text = new StringBuilder();
        FlowRequest rq = f.request();
        if (rq != null) {
            keyword(d, FlowFields.METHOD, rq.method());
            facet(d, FlowFields.METHOD, rq.method().toUpperCase(Locale.ROOT));
            keyword(d, FlowFields.SCHEME, rq.scheme());
            keyword(d, FlowFields.HOST, rq.host());
            if (rq.host() != null) facet(d, FlowFields.HOST, rq.host().toLowerCase(Locale.ROOT)); // null: a refused unparsable request
            d.add(new IntPoint(FlowFields.PORT, rq.port()));
            keyword(d, FlowFields.PATH, rq.path());
            keyword(d, FlowFields.QUERY, rq.query());
            // the URL's words go into TEXT only (url: queries are read as text:, see FlowQuery)
            keyword(d, FlowFields.VERSION, rq.httpVersion());
            headers(d, rq.headers());
            headers(d, rq.trailers());
            keyword(d, FlowFields.REQ_CTYPE, mediaType(rq.header("content-type")));
            d.add(new LongPoint(FlowFields.REQ_SIZE, rq.body().size()));
            body(d, rq.body(), rq.header("content-encoding"), rq.header("content-type"), maxBodyBytes);
            text.append(rq.method()).append(' ').append(cap(rq.url(), 8192)).append(' ');
        }
        FlowResponse rs = f.response();
        if (rs != null) {
            d.add(new IntPoint(FlowFields.STATUS, rs.status()));
            d.add(new NumericDocValuesField(FlowFields.STATUS, rs.status()));
            // the same term twice in a field adds nothing to matching, only indexing work
            if (rq == null || rs.httpVersion() == null || !rs.httpVersion().equalsIgnoreCase(rq.httpVersion())) {
                keyword(d, FlowFields.VERSION, rs.httpVersion());
            }
            headers(d, rs.headers());
            headers(d, rs.trailers());
            keyword(d, FlowFields.CTYPE, mediaType(rs.header("content-type")));
            d.add(new LongPoint(FlowFields.RESP_SIZE, rs.body().size()));
            body(d, rs.body(), rs.header("content-encoding"), rs.header("content-type"), maxBodyBytes);
            text.append(rs.status()).append(' ');
        }
        if (f.end() != null) d.add(new LongPoint(FlowFields.DURATION, Duration.between(f.start(), f.end()).toMillis()));
        if (f.error() != null) {
            d.add(new Field(FlowFields.ERROR, f.error(), TEXT));
            text.append(f.error()).append(' ');
        }
        keyword(d, FlowFields.POLICY, f.policy().action().name());
        if (f.policy().rule() != null) keyword(d, FlowFields.RULE, f.policy().rule());
        keyword(d, FlowFields.FLAG, f.findings().isEmpty() ? "false" : "true");
        for (Finding x : f.findings()) {
            keyword(d, FlowFields.RULE, x.rule());
            keyword(d, FlowFields.FLAG, x.rule());
            if (x.severity() != null) {
                keyword(d, FlowFields.SEVERITY, x.severity().label());
                keyword(d, FlowFields.FLAG, x.severity().label());
            }
            text.append(x.rule()).append(' ');
        }
        // the decision trace: rule:protect-main, action:block, stage:rules (rule: also holds the
        // host-policy rule and finding rules above, so one rule: query finds every flow a rule touched)
        for (Decision x : f.decisions()) {
            keyword(d, FlowFields.STAGE, x.stage());
            keyword(d, FlowFields.ACTION, x.action());
            if (x.rule() != null) {
                keyword(d, FlowFields.RULE, x.rule());
                text.append(x.rule()).append(' ');
            }
        }
        for (String c : f.credentials()) keyword(d, FlowFields.CREDENTIAL, c);
        d.add(new Field(FlowFields.TEXT, text.toString(), TEXT));
        return d;
    }

    /**
     * Every header is one {@code name:value} term of the one {@link FlowFields#HEADER} field (a field
     * per header name would give each distinct name its own per-field indexing state); names are not
     * indexed on their own ({@code headername:x} queries match the {@code x:} prefix).
     */
    private static void headers(Document d, java.util.List<Header> hs) {
        for (Header h : hs) {
            d.add(new StringField(FlowFields.HEADER, headerTerm(h.name(), h.value()), Field.Store.NO));
        }
    }

    /** The indexed term of a header: {@code name:value}, lower-cased and capped like a keyword. */
    public static String headerTerm(String name, String value) {
        return keywordTerm(name + ':' + value);
    }

    private static void body(Document d, Body b, String encoding, String ctype, int max) {
        if (b.recorded().length == 0) return;
        byte[] decoded = BodyText.decode(b.recorded(), encoding, max);
        if (!BodyText.looksTextual(decoded)) return;
        d.add(new Field(FlowFields.BODY, new String(decoded, StandardCharsets.UTF_8), TEXT));
    }

    private static void keyword(Document d, String field, String value) {
        if (value == null || value.isEmpty()) return;
        d.add(new StringField(field, keywordTerm(value), Field.Store.NO));
    }

    private static void facet(Document d, String field, String value) {
        d.add(new SortedDocValuesField(field, new BytesRef(cap(value, MAX_KEYWORD))));
    }

    /** The indexed form of a keyword value: lower-cased, long values capped with a hash suffix. */
    public static String keywordTerm(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.length() <= MAX_KEYWORD) return v;
        String h = HexFormat.of().formatHex(Hashing.sha256(v.getBytes(StandardCharsets.UTF_8)), 0, 8);
        return v.substring(0, MAX_KEYWORD) + "#" + h;
    }

    static String mediaType(String contentType) {
        if (contentType == null) return null;
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    }

    /** The address part of a client {@code ip:port} (what the client facet counts). */
    public static String clientHostOf(String client) {
        return clientHost(client);
    }

    static String clientHost(String client) {
        if (client.startsWith("[")) {
            int end = client.indexOf(']');
            return end > 0 ? client.substring(1, end) : client;
        }
        int colon = client.lastIndexOf(':');
        return colon > 0 && client.indexOf(':') == colon ? client.substring(0, colon) : client;
    }

    private static String cap(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n);
    }
}
