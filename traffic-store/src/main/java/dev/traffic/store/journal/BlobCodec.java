package dev.traffic.store.journal;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * BLOB record payloads: {@code key (32 bytes, SHA-256 of the raw bytes), u8 codec (0 raw, 1 zstd),
 * u32 raw length, data}. zstd level 1 with a reused context; bodies under 64 bytes or that do
 * not shrink are stored raw. A codec instance belongs to one thread.
 */
public final class BlobCodec {
    static final byte RAW = 0;
    static final byte ZSTD = 1;
    private final ZstdCompressCtx ctx = new ZstdCompressCtx().setLevel(1);

    public byte[] encode(byte[] key, byte[] raw) {
        byte[] data = raw;
        byte codec = RAW;
        if (raw.length >= 64) {
            byte[] z = ctx.compress(raw);
            if (z.length < raw.length - raw.length / 16) {
                data = z;
                codec = ZSTD;
            }
        }
        ByteBuffer b = ByteBuffer.allocate(32 + 1 + 4 + data.length);
        b.put(key).put(codec).putInt(raw.length).put(data);
        return b.array();
    }

    public static byte[] key(byte[] payload) {
        byte[] k = new byte[32];
        System.arraycopy(payload, 0, k, 0, 32);
        return k;
    }

    public static byte[] decode(byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(payload);
        b.position(32);
        byte codec = b.get();
        int rawLen = b.getInt();
        int off = b.position();
        if (codec == RAW) {
            byte[] out = new byte[payload.length - off];
            System.arraycopy(payload, off, out, 0, out.length);
            return out;
        }
        if (codec != ZSTD) throw new IOException("unknown blob codec " + codec);
        byte[] out = new byte[rawLen];
        long n = Zstd.decompressByteArray(out, 0, rawLen, payload, off, payload.length - off);
        if (Zstd.isError(n) || n != rawLen) throw new IOException("damaged compressed body");
        return out;
    }

    public void close() {
        ctx.close();
    }
}
