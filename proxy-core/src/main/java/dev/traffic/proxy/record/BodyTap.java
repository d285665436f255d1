package dev.traffic.proxy.record;

import dev.traffic.model.Body;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Tees one body as it streams past: keeps the first {@code cap} bytes, counts every byte and
 * hashes all of them (SHA-256). Reads buffers without changing their indices and never retains
 * them: the caller keeps ownership of every buffer it shows this tap.
 */
public final class BodyTap {
    private final int cap;
    private MessageDigest sha; // created on the first byte: most bodies (GETs, 204s) are empty
    private byte[] kept = new byte[0];
    private int keptLen;
    private long size;

    public BodyTap(int cap) {
        this.cap = Math.max(0, cap);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public void add(ByteBuf buf) {
        int n = buf.readableBytes();
        if (n == 0) return;
        int idx = buf.readerIndex();
        if (sha == null) sha = newDigest();
        if (keptLen < cap) {
            int take = Math.min(n, cap - keptLen);
            if (kept.length < keptLen + take) kept = Arrays.copyOf(kept, Math.min(cap, Math.max(keptLen + take, kept.length * 2)));
            buf.getBytes(idx, kept, keptLen, take);
            keptLen += take;
        }
        if (buf.hasArray()) {
            sha.update(buf.array(), buf.arrayOffset() + idx, n);
        } else if (buf.nioBufferCount() == 1) {
            sha.update(buf.internalNioBuffer(idx, n).duplicate());
        } else {
            for (ByteBuffer b : buf.nioBuffers(idx, n)) sha.update(b);
        }
        size += n;
    }

    public long size() {
        return size;
    }

    /** The first bytes kept so far (a copy). */
    public byte[] kept() {
        return Arrays.copyOf(kept, keptLen);
    }

    /** Finishes the hash; call once, at the end of the body. */
    public Body finish() {
        if (size == 0) return Body.EMPTY;
        String hex = HexFormat.of().formatHex(sha.digest());
        return new Body(size, hex, kept(), size > keptLen);
    }
}
