package dev.traffic.store;

import dev.traffic.store.internal.Hashing;
import dev.traffic.store.internal.MerkleLog;
import dev.traffic.store.internal.StoreKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Where one flow stands in the tamper-evident record: its Merkle leaf hash recomputed from the
 * journal record, whether the leaf file holds the same hash at its seq, and the first signed
 * checkpoint that covers it (signature checked with the store's key, root recomputed from the leaf
 * file). The roots are computed once per checkpoint and cached, in size order, so looking at many
 * flows costs one pass over the leaf file. Thread-safe.
 */
public final class FlowSeals {
    /**
     * One flow's seal. {@code verified} is true only when the leaf matches and a validly signed
     * checkpoint whose root matches the leaf file covers the seq.
     */
    public record Seal(long seq, String leafHash, boolean leafMatches, long checkpointSize, Instant checkpointTime,
            boolean checkpointValid, String keyFingerprint) {
        public boolean verified() {
            return leafMatches && checkpointSize >= seq && checkpointValid;
        }
    }

    private final StoreLayout layout;
    private final MerkleLog tree = new MerkleLog();
    private final Map<Long, Boolean> rootMatches = new HashMap<>();

    public FlowSeals(StoreLayout layout) {
        this.layout = layout;
    }

    /** SHA-256 (hex, first 16 bytes) of the store's public key, or null when it has none. */
    public String keyFingerprint() throws IOException {
        if (!Files.exists(layout.publicKey())) return null;
        return HexFormat.of().formatHex(Hashing.sha256(StoreKey.loadPublic(layout.publicKey()).getEncoded()), 0, 16);
    }

    /** The newest checkpoint in the store's checkpoints file, or null. */
    public Checkpoint lastCheckpoint() throws IOException {
        List<Checkpoint> cps = checkpoints();
        return cps.isEmpty() ? null : cps.get(cps.size() - 1);
    }

    public synchronized Seal seal(long seq, byte[] record) throws IOException {
        byte[] leaf = MerkleLog.leafHash(record, 0, record.length);
        byte[] stored = storedLeaf(seq);
        boolean matches = stored != null && Arrays.equals(leaf, stored);
        PublicKey key = Files.exists(layout.publicKey()) ? StoreKey.loadPublic(layout.publicKey()) : null;
        String fp = key == null ? null : HexFormat.of().formatHex(Hashing.sha256(key.getEncoded()), 0, 16);
        for (Checkpoint cp : checkpoints()) {
            if (cp.size() < seq) continue;
            boolean valid = key != null && cp.verify(key) && rootMatches(cp);
            return new Seal(seq, HexFormat.of().formatHex(leaf), matches, cp.size(), cp.time(), valid, fp);
        }
        return new Seal(seq, HexFormat.of().formatHex(leaf), matches, 0, null, false, fp);
    }

    private byte[] storedLeaf(long seq) throws IOException {
        Path p = layout.leavesFile();
        if (seq < 1 || !Files.exists(p)) return null;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            if (ch.size() < seq * 32) return null;
            ByteBuffer b = ByteBuffer.allocate(32);
            long at = (seq - 1) * 32;
            while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) { }
            return b.hasRemaining() ? null : b.array();
        }
    }

    /** Recomputes the tree up to {@code cp.size()} (continuing from the last checkpoint looked at). */
    private boolean rootMatches(Checkpoint cp) throws IOException {
        Boolean known = rootMatches.get(cp.size());
        if (known != null) return known;
        if (cp.size() < tree.size()) return false; // only reached for out-of-order files: not proved here
        try (FileChannel ch = FileChannel.open(layout.leavesFile(), StandardOpenOption.READ)) {
            if (ch.size() < cp.size() * 32) {
                rootMatches.put(cp.size(), false);
                return false;
            }
            ByteBuffer buf = ByteBuffer.allocate(32 * 8192);
            long at = tree.size() * 32;
            while (tree.size() < cp.size()) {
                buf.clear();
                long want = Math.min(buf.capacity(), (cp.size() - tree.size()) * 32);
                buf.limit((int) want);
                while (buf.hasRemaining() && ch.read(buf, at + buf.position()) > 0) { }
                buf.flip();
                at += buf.remaining();
                byte[] leaf = new byte[32];
                while (buf.remaining() >= 32) {
                    buf.get(leaf);
                    tree.append(leaf.clone());
                }
            }
        }
        boolean ok = Arrays.equals(tree.root(), cp.root());
        rootMatches.put(cp.size(), ok);
        return ok;
    }

    private List<Checkpoint> checkpoints() throws IOException {
        List<Checkpoint> out = new ArrayList<>();
        Path f = layout.checkpointsFile();
        if (!Files.exists(f)) return out;
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            if (line.isBlank() || RetentionMark.isMark(line)) continue;
            try {
                out.add(Checkpoint.parse(line));
            } catch (RuntimeException e) {
                // a damaged line proves nothing; traffic verify reports it
            }
        }
        out.sort(Comparator.comparingLong(Checkpoint::size));
        return out;
    }
}
