package dev.traffic.store.journal;

import dev.traffic.store.FlowJson;
import dev.traffic.model.Body;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * FLOW record payloads: {@code u64 seq, u8 n, n x (u8 slot, i64 blob offset, 32-byte key), flow JSON}
 * where the JSON carries bodies without their bytes (size, SHA-256, truncated) and slot 0/1 point to
 * the request/response body BLOB record in the same segment. The whole payload is the Merkle leaf.
 */
public final class FlowRecords {
    public static final int SLOT_REQUEST = 0;
    public static final int SLOT_RESPONSE = 1;

    private FlowRecords() {}

    /** A body reference: which slot, the BLOB record's offset in the segment and its key. */
    public record Ref(int slot, long offset, byte[] key) {}

    public static byte[] encode(Flow flow, Ref[] refs) {
        byte[] json = FlowJson.toBytes(strip(flow));
        int n = 0;
        for (Ref r : refs) if (r != null) n++;
        ByteBuffer b = ByteBuffer.allocate(8 + 1 + n * 41 + json.length);
        b.putLong(flow.seq()).put((byte) n);
        for (Ref r : refs) if (r != null) b.put((byte) r.slot()).putLong(r.offset()).put(r.key());
        b.put(json);
        return b.array();
    }

    public static long seq(byte[] payload) {
        return ByteBuffer.wrap(payload).getLong(0);
    }

    public static Ref[] refs(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        b.position(8);
        int n = b.get() & 0xff;
        Ref[] out = new Ref[n];
        for (int i = 0; i < n; i++) {
            int slot = b.get();
            long off = b.getLong();
            byte[] key = new byte[32];
            b.get(key);
            out[i] = new Ref(slot, off, key);
        }
        return out;
    }

    /**
     * Decodes a FLOW payload. With {@code blobs} null the bodies keep size and hash but no bytes
     * (enough for a one-line listing); otherwise their bytes are read from that segment channel.
     */
    public static Flow decode(byte[] payload, FileChannel blobs) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(payload);
        b.position(8);
        int n = b.get() & 0xff;
        int jsonOff = 9 + n * 41;
        Flow f = FlowJson.fromBytes(payload, jsonOff, payload.length - jsonOff);
        if (blobs == null || n == 0) return f;
        for (Ref r : refs(payload)) {
            Record rec = SegmentReader.readAt(blobs, r.offset());
            if (rec.type() != Segments.BLOB) throw new IOException("body reference at offset " + r.offset() + " is not a body record");
            byte[] bytes = BlobCodec.decode(rec.payload());
            if (r.slot() == SLOT_REQUEST && f.request() != null) {
                Body o = f.request().body();
                f = f.toBuilder().request(f.request().withBody(new Body(o.size(), o.sha256(), bytes, o.truncated()))).build();
            } else if (r.slot() == SLOT_RESPONSE && f.response() != null) {
                Body o = f.response().body();
                f = f.toBuilder().response(f.response().withBody(new Body(o.size(), o.sha256(), bytes, o.truncated()))).build();
            }
        }
        return f;
    }

    private static Flow strip(Flow f) {
        Flow.Builder b = f.toBuilder();
        FlowRequest rq = f.request();
        if (rq != null && rq.body().recorded().length > 0) b.request(rq.withBody(bare(rq.body())));
        FlowResponse rs = f.response();
        if (rs != null && rs.body().recorded().length > 0) b.response(rs.withBody(bare(rs.body())));
        return b.build();
    }

    private static Body bare(Body body) {
        return new Body(body.size(), body.sha256(), null, body.truncated());
    }
}
