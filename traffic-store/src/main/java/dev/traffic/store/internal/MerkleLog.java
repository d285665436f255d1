package dev.traffic.store.internal;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 6962 Merkle tree hash over leaves appended in order (leaf i = flow seq i+1), kept as its
 * compact range: one perfect-subtree hash per set bit of the size. {@link #root()} is
 * MTH(D[0:n]) = SHA-256(0x01 || left || right) with leaf hashes SHA-256(0x00 || record).
 * Not thread-safe: owned by the writer thread (or by one verifier).
 */
public final class MerkleLog {
    private final MessageDigest md = Hashing.newSha256();
    private final List<byte[]> stack = new ArrayList<>(); // perfect subtrees, largest first
    private final List<Long> heights = new ArrayList<>();
    private long size;

    private static final ThreadLocal<MessageDigest> LEAF = ThreadLocal.withInitial(Hashing::newSha256);

    public static byte[] leafHash(byte[] record, int off, int len) {
        MessageDigest d = LEAF.get(); // a digest per thread: getInstance per flow was measurable
        d.reset();
        d.update((byte) 0);
        d.update(record, off, len);
        return d.digest();
    }

    public MerkleLog copy() {
        MerkleLog m = new MerkleLog();
        m.stack.addAll(stack);
        m.heights.addAll(heights);
        m.size = size;
        return m;
    }

    public long size() {
        return size;
    }

    public void append(byte[] leafHash) {
        byte[] h = leafHash;
        long height = 0;
        while (!heights.isEmpty() && heights.get(heights.size() - 1) == height) {
            byte[] left = stack.remove(stack.size() - 1);
            heights.remove(heights.size() - 1);
            h = node(left, h);
            height++;
        }
        stack.add(h);
        heights.add(height);
        size++;
    }

    /** The tree hash of all leaves so far (SHA-256 of nothing when empty, as RFC 6962 says). */
    public byte[] root() {
        if (stack.isEmpty()) {
            md.reset();
            return md.digest();
        }
        byte[] h = stack.get(stack.size() - 1);
        for (int i = stack.size() - 2; i >= 0; i--) h = node(stack.get(i), h);
        return h;
    }

    private byte[] node(byte[] left, byte[] right) {
        md.reset();
        md.update((byte) 1);
        md.update(left);
        md.update(right);
        return md.digest();
    }
}
