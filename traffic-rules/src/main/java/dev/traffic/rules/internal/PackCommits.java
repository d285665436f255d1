package dev.traffic.rules.internal;

import dev.traffic.rules.GitUpdate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The commits of a pushed pack (gitformat-pack(5)) as far as the held prefix goes: their ids (hashed
 * from the inflated object) and parents, with deltas against commits earlier in the pack resolved.
 * From that graph an update is a proven fast-forward when a chain of parents inside the pack leads
 * from the new commit to the old one. Git writes commits before trees and blobs, so a push's
 * commits are at the start of its pack even when the pack itself is far larger than the window.
 */
final class PackCommits {
    private static final int COMMIT = 1, TAG = 4, OFS_DELTA = 6, REF_DELTA = 7;

    private final Map<String, List<String>> parents = new HashMap<>();
    private final Set<String> nonCommits = new HashSet<>();
    private String incomplete; // why the pack could not be read to its end, or null
    private boolean unresolvedDeltas;

    private PackCommits() {}

    static PackCommits read(byte[] b, int from, int to, boolean sha256) {
        PackCommits p = new PackCommits();
        try {
            p.parse(b, from, to, sha256);
        } catch (RuntimeException | DataFormatException e) {
            p.incomplete = "the pack could not be read (" + e.getClass().getSimpleName() + ")";
        }
        return p;
    }

    private void parse(byte[] b, int pos, int to, boolean sha256) throws DataFormatException {
        if (to - pos == 0) {
            incomplete = null; // a push of objects the server has (or deletions only): no pack
            return;
        }
        if (to - pos < 12 || b[pos] != 'P' || b[pos + 1] != 'A' || b[pos + 2] != 'C' || b[pos + 3] != 'K') {
            incomplete = "no pack after the command list";
            return;
        }
        long count = u32(b, pos + 8);
        pos += 12;
        int hashLen = sha256 ? 32 : 20;
        Map<Integer, byte[]> commitAt = new HashMap<>();   // pack offset -> commit content
        Map<Integer, Integer> typeAt = new HashMap<>();
        Map<String, byte[]> commitById = new HashMap<>();
        Inflater inf = new Inflater();
        try {
            for (long i = 0; i < count; i++) {
                if (pos >= to) {
                    incomplete = "the held part of the pack ends after " + i + " of " + count + " objects";
                    return;
                }
                int start = pos;
                int c = b[pos++] & 0xff;
                int type = (c >> 4) & 7;
                long size = c & 15;
                int shift = 4;
                while ((c & 0x80) != 0) {
                    if (pos >= to) { incomplete = "the held part of the pack ends inside an object header"; return; }
                    c = b[pos++] & 0xff;
                    size |= (long) (c & 0x7f) << shift;
                    shift += 7;
                }
                int base = -1;
                String baseId = null;
                if (type == OFS_DELTA) {
                    if (pos >= to) { incomplete = "the held part of the pack ends inside an object header"; return; }
                    c = b[pos++] & 0xff;
                    long ofs = c & 0x7f;
                    while ((c & 0x80) != 0) {
                        if (pos >= to) { incomplete = "the held part of the pack ends inside an object header"; return; }
                        c = b[pos++] & 0xff;
                        ofs = ((ofs + 1) << 7) | (c & 0x7f);
                    }
                    base = (int) (start - ofs);
                } else if (type == REF_DELTA) {
                    if (to - pos < hashLen) { incomplete = "the held part of the pack ends inside an object header"; return; }
                    baseId = HexFormat.of().formatHex(b, pos, pos + hashLen);
                    pos += hashLen;
                }
                // only commits (and their deltas) are kept; everything is inflated to find where it ends
                boolean keep = type == COMMIT || type == OFS_DELTA || type == REF_DELTA;
                if (size > 64L * 1024 * 1024) { incomplete = "an object of " + size + " bytes"; return; }
                byte[] data = keep ? new byte[(int) size] : null;
                inf.reset();
                inf.setInput(b, pos, to - pos);
                int got = 0;
                byte[] sink = keep ? data : new byte[8192];
                while (!inf.finished()) {
                    int n = keep ? inf.inflate(data, got, data.length - got) : inf.inflate(sink);
                    got += n;
                    if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                        incomplete = "the held part of the pack ends inside object " + (i + 1) + " of " + count;
                        return;
                    }
                    if (keep && got == data.length && !inf.finished()) {
                        // a zero-length read would spin: the stream must end now
                        byte[] one = new byte[1];
                        if (inf.inflate(one) != 0) throw new DataFormatException("object larger than its header says");
                        if (!inf.finished()) { incomplete = "the held part of the pack ends inside object " + (i + 1) + " of " + count; return; }
                    }
                }
                pos += (int) inf.getBytesRead();
                int resolvedType = type;
                byte[] content = data;
                if (type == OFS_DELTA || type == REF_DELTA) {
                    byte[] baseContent = null;
                    if (type == OFS_DELTA) {
                        Integer t = typeAt.get(base);
                        resolvedType = t == null ? -1 : t;
                        baseContent = commitAt.get(base);
                    } else {
                        baseContent = commitById.get(baseId);
                        resolvedType = baseContent != null ? COMMIT : -1;
                    }
                    if (resolvedType == COMMIT && baseContent != null) {
                        content = Delta.apply(baseContent, data);
                    } else {
                        content = null;
                        if (resolvedType == -1) unresolvedDeltas = true; // a thin-pack base on the server: could be a commit
                    }
                }
                typeAt.put(start, resolvedType);
                if (resolvedType == COMMIT && content != null) {
                    String id = objectId("commit", content, sha256);
                    commitAt.put(start, content);
                    commitById.put(id, content);
                    parents.put(id, parentsOf(content));
                } else if (resolvedType == TAG && content != null) {
                    nonCommits.add(objectId("tag", content, sha256));
                }
            }
        } finally {
            inf.end();
        }
    }

    /** Classifies one ref-update command. */
    GitUpdate classify(String oldId, String newId, String ref) {
        if (GitUpdate.isZero(oldId) || GitUpdate.isZero(newId) || oldId.equals(newId)) {
            return new GitUpdate(oldId, newId, ref, GitUpdate.Force.NO, null);
        }
        if (ref.startsWith("refs/tags/")) {
            return new GitUpdate(oldId, newId, ref, GitUpdate.Force.YES, "an existing tag is moved");
        }
        if (nonCommits.contains(newId)) {
            return new GitUpdate(oldId, newId, ref, GitUpdate.Force.YES, "the new object is not a commit");
        }
        // breadth-first over the parents recorded in the pack
        ArrayDeque<String> todo = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        todo.add(newId);
        boolean inPack = parents.containsKey(newId);
        while (!todo.isEmpty()) {
            String c = todo.poll();
            if (!seen.add(c)) continue;
            if (c.equals(oldId)) return new GitUpdate(oldId, newId, ref, GitUpdate.Force.NO, "fast-forward (proven from the pack)");
            List<String> ps = parents.get(c);
            if (ps != null) todo.addAll(ps);
        }
        String why;
        if (!inPack) {
            why = incomplete != null ? "fast-forward not proven: " + incomplete
                    : unresolvedDeltas ? "fast-forward not proven: the new commit is not readable from the pack (delta against an object on the server)"
                    : "fast-forward not proven: the new commit is not in the pushed pack (the server has it already)";
        } else {
            why = incomplete != null ? "fast-forward not proven: the old commit is not reached and " + incomplete
                    : "history rewritten: the old commit is not an ancestor of the new one within the pushed commits";
        }
        return new GitUpdate(oldId, newId, ref, GitUpdate.Force.UNPROVEN, why);
    }

    private static List<String> parentsOf(byte[] commit) {
        String text = new String(commit, 0, Math.min(commit.length, 64 * 1024), StandardCharsets.ISO_8859_1);
        List<String> out = new java.util.ArrayList<>(2);
        int i = 0;
        while (i < text.length()) {
            int nl = text.indexOf('\n', i);
            if (nl < 0 || nl == i) break; // end of headers
            if (text.startsWith("parent ", i)) out.add(text.substring(i + 7, nl).trim());
            i = nl + 1;
        }
        return out;
    }

    private static String objectId(String type, byte[] content, boolean sha256) {
        try {
            MessageDigest md = MessageDigest.getInstance(sha256 ? "SHA-256" : "SHA-1");
            md.update((type + " " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long u32(byte[] b, int p) {
        return ((long) (b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    /** git's delta format: source and target sizes, then copy and insert instructions. */
    static final class Delta {
        private Delta() {}

        static byte[] apply(byte[] base, byte[] delta) {
            int[] pos = {0};
            long srcSize = varint(delta, pos);
            long dstSize = varint(delta, pos);
            if (srcSize != base.length || dstSize > 64L * 1024 * 1024) throw new IllegalArgumentException("delta does not fit its base");
            byte[] out = new byte[(int) dstSize];
            int o = 0, p = pos[0];
            while (p < delta.length) {
                int cmd = delta[p++] & 0xff;
                if ((cmd & 0x80) != 0) {
                    long off = 0, n = 0;
                    for (int k = 0; k < 4; k++) if ((cmd & (1 << k)) != 0) off |= (long) (delta[p++] & 0xff) << (8 * k);
                    for (int k = 0; k < 3; k++) if ((cmd & (0x10 << k)) != 0) n |= (long) (delta[p++] & 0xff) << (8 * k);
                    if (n == 0) n = 0x10000;
                    if (off + n > base.length || o + n > out.length) throw new IllegalArgumentException("delta copy out of range");
                    System.arraycopy(base, (int) off, out, o, (int) n);
                    o += (int) n;
                } else if (cmd != 0) {
                    if (p + cmd > delta.length || o + cmd > out.length) throw new IllegalArgumentException("delta insert out of range");
                    System.arraycopy(delta, p, out, o, cmd);
                    p += cmd;
                    o += cmd;
                } else {
                    throw new IllegalArgumentException("delta opcode 0");
                }
            }
            if (o != out.length) throw new IllegalArgumentException("delta result has the wrong size");
            return out;
        }

        private static long varint(byte[] b, int[] pos) {
            long v = 0;
            int shift = 0, c;
            do {
                c = b[pos[0]++] & 0xff;
                v |= (long) (c & 0x7f) << shift;
                shift += 7;
            } while ((c & 0x80) != 0);
            return v;
        }
    }
}
