package dev.traffic.store;

import dev.traffic.store.internal.Hashing;
import dev.traffic.store.internal.LeafFile;
import dev.traffic.store.internal.MerkleLog;
import dev.traffic.store.internal.StoreKey;
import dev.traffic.store.journal.BlobCodec;
import dev.traffic.store.journal.FlowRecords;
import dev.traffic.store.journal.JournalEvent;
import dev.traffic.store.journal.Record;
import dev.traffic.store.journal.SegmentReader;
import dev.traffic.store.journal.Segments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * {@code traffic verify}: recomputes the record from the journal and checks it against the Merkle
 * leaf file and the signed checkpoints. Finds records whose checksum or hash changed (altered),
 * sequence numbers that are missing (deleted) or out of order (reordered), body blobs that no
 * longer match their SHA-256, and checkpoints whose signature or root does not hold. Every
 * problem names the seq it concerns. Flows removed by retention are covered by their leaf
 * hashes and the checkpoints only, and count as expired only under a signed {@link RetentionMark};
 * any other absent seq is missing. What a run proves depends on the key and on an external copy of
 * the checkpoint lines: see docs/operations/verifying-the-record.md.
 */
public final class Verifier {
    /** One thing wrong, with the seq it concerns (or the checkpoint size). */
    public record Problem(long seq, String what) {
        @Override
        public String toString() {
            return "seq " + seq + ": " + what;
        }
    }

    /**
     * The outcome. {@code problems} make it fail; {@code warnings} say what the run could not prove
     * (checked against the store's own key, flows not yet covered by a checkpoint) without failing.
     */
    public record Report(long flowsVerified, long expired, long lastSeq, long checkpointsChecked, List<Problem> problems,
            List<String> warnings) {
        public Report {
            problems = List.copyOf(problems);
            warnings = warnings == null ? List.of() : List.copyOf(warnings);
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private Verifier() {}

    /** {@link #verify(Path, PublicKey, List, List, LongConsumer)} without external retention marks. */
    public static Report verify(Path storeDir, PublicKey trustedKey, List<Checkpoint> extraCheckpoints, LongConsumer progress)
            throws IOException {
        return verify(storeDir, trustedKey, extraCheckpoints, List.of(), progress);
    }

    /**
     * @param trustedKey the public key checkpoints and retention marks must be signed with; null means
     *     the store's own {@code store.pub} (which someone able to rewrite the store could also replace:
     *     the report then carries a warning)
     * @param extraCheckpoints checkpoint lines kept elsewhere (e.g. the proxy's log), also checked; one
     *     that is valid but absent from the store's own checkpoints file means that file was trimmed
     * @param extraMarks retention marks kept elsewhere (the proxy's log), counted like the store's own
     */
    public static Report verify(Path storeDir, PublicKey trustedKey, List<Checkpoint> extraCheckpoints,
            List<RetentionMark> extraMarks, LongConsumer progress) throws IOException {
        StoreLayout layout = new StoreLayout(storeDir.toAbsolutePath());
        if (!layout.exists()) throw StoreException.noStore(storeDir);
        layout.checkVersion();
        List<Problem> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        byte[] leaves = LeafFile.readAll(layout.leavesFile());
        long leafCount = leaves.length / 32;
        List<Path> segs = Segments.list(layout.journalDir());
        BitSet seen = new BitSet();
        long maxSeen = 0;
        long verified = 0;
        long closedAt = -1; // lastSeq of a clean-close event that no flow follows
        for (Path seg : segs) {
            try (SegmentReader r = new SegmentReader(seg)) {
                if (!r.headerPresent()) continue;
                while (true) {
                    Record rec = r.next();
                    if (rec == null) {
                        if (r.status() == SegmentReader.Status.END) {
                            if (r.position() < r.channel().size()) {
                                problems.add(new Problem(maxSeen + 1, "incomplete record at the end of " + seg.getFileName()
                                        + " offset " + r.position()));
                            }
                            break;
                        }
                        int len = r.corruptLength();
                        problems.add(new Problem(maxSeen + 1, "record altered: checksum mismatch in " + seg.getFileName()
                                + " at offset " + r.position() + " (the record after seq " + maxSeen + ")"));
                        if (len < 0) {
                            problems.add(new Problem(maxSeen + 1, "rest of " + seg.getFileName() + " unreadable (frame length damaged)"));
                            break;
                        }
                        r.position(r.position() + Segments.FRAME + len);
                        continue;
                    }
                    if (rec.type() == Segments.EVENT) {
                        closedAt = closeSeq(rec.payload(), closedAt);
                        continue;
                    }
                    if (rec.type() != Segments.FLOW) continue;
                    byte[] p = rec.payload();
                    long seq = FlowRecords.seq(p);
                    if (seq < 1 || seq > Integer.MAX_VALUE) {
                        problems.add(new Problem(maxSeen + 1, "record with impossible seq " + seq + " in " + seg.getFileName()));
                        continue;
                    }
                    closedAt = -1;
                    if (seen.get((int) seq)) {
                        problems.add(new Problem(seq, "recorded twice (again in " + seg.getFileName() + " at offset " + rec.offset() + ")"));
                        continue;
                    }
                    if (seq < maxSeen) problems.add(new Problem(seq, "out of order: appears after seq " + maxSeen));
                    seen.set((int) seq);
                    maxSeen = Math.max(maxSeen, seq);
                    byte[] leaf = MerkleLog.leafHash(p, 0, p.length);
                    if (seq > leafCount) {
                        problems.add(new Problem(seq, "not in the Merkle leaf file (which ends at seq " + leafCount + ")"));
                    } else if (!Arrays.equals(leaf, 0, 32, leaves, (int) (seq - 1) * 32, (int) seq * 32)) {
                        problems.add(new Problem(seq, "record altered: its hash differs from the Merkle log"));
                    }
                    checkBodies(r, p, seq, problems);
                    verified++;
                    if (progress != null && verified % 10_000 == 0) progress.accept(verified);
                }
            }
        }

        PublicKey key = trustedKey;
        if (key == null) {
            if (Files.exists(layout.publicKey())) {
                key = StoreKey.loadPublic(layout.publicKey());
                warnings.add("signatures checked against the store's own store.pub: this proves the files agree with each other,"
                        + " not that nobody able to write the store rewrote them all; keep a copy of store.pub elsewhere and pass --key");
            } else {
                problems.add(new Problem(0, "no --key given and the store's store.pub is missing: no signature can be checked"));
            }
        }
        List<Checkpoint> local = new ArrayList<>();
        List<RetentionMark> marks = new ArrayList<>();
        readSignedLines(layout.checkpointsFile(), local, marks, problems);
        List<Checkpoint> cps = new ArrayList<>(local);
        if (extraCheckpoints != null) {
            for (Checkpoint cp : extraCheckpoints) {
                if (local.contains(cp)) continue;
                cps.add(cp);
                if (key != null && cp.verify(key)) {
                    problems.add(new Problem(Math.min(cp.size(), Math.max(1, leafCount)), "the checkpoint at size " + cp.size()
                            + " (" + cp.time() + ") from the external copy is missing from the store's checkpoints file:"
                            + " that file was trimmed or replaced"));
                }
            }
        }
        if (extraMarks != null) {
            for (RetentionMark m : extraMarks) if (!marks.contains(m)) marks.add(m);
        }
        long expiredThrough = 0;
        for (RetentionMark m : marks) {
            if (key != null && m.verify(key)) expiredThrough = Math.max(expiredThrough, m.through());
            else problems.add(new Problem(m.through(), "retention mark (through seq " + m.through() + ", " + m.time()
                    + ") has a bad signature"));
        }

        long last = Math.max(maxSeen, leafCount);
        long expired = 0;
        for (long s = 1; s <= last; s++) {
            if (seen.get((int) s)) continue;
            if (s <= expiredThrough) expired++;
            else problems.add(new Problem(s, "missing from the journal" + (s <= leafCount ? " (its hash is in the Merkle log;"
                    + " no signed retention mark covers it)" : "")));
        }

        cps.sort(Comparator.comparingLong(Checkpoint::size));
        long[] checked = checkCheckpoints(cps, leaves, key, problems);
        long sealed = checked[1];
        if (last > sealed) {
            String range = (sealed + 1) + ".." + last;
            if (closedAt >= last) {
                problems.add(new Problem(sealed + 1, "the store was closed cleanly at seq " + closedAt + " but no valid checkpoint"
                        + " covers seqs " + range + ": checkpoints were removed"));
            } else {
                warnings.add("seqs " + range + " are not covered by a signed checkpoint (the writer seals every few seconds"
                        + " and at a clean close; flows recorded just before a crash, or while it runs, are not sealed yet)");
            }
        }
        problems.sort(Comparator.comparingLong(Problem::seq));
        return new Report(verified, expired, last, checked[0], problems, warnings);
    }

    /** The lastSeq of a clean-close event, or {@code current} for any other event. */
    private static long closeSeq(byte[] payload, long current) {
        try {
            JournalEvent ev = JournalEvent.decode(payload);
            return "close".equals(ev.event()) ? ev.longDetail("lastSeq") : current;
        } catch (IOException | RuntimeException e) {
            return current;
        }
    }

    private static void checkBodies(SegmentReader r, byte[] payload, long seq, List<Problem> problems) {
        for (FlowRecords.Ref ref : FlowRecords.refs(payload)) {
            String which = ref.slot() == FlowRecords.SLOT_REQUEST ? "request" : "response";
            try {
                Record blob = SegmentReader.readAt(r.channel(), ref.offset());
                if (blob.type() != Segments.BLOB || !Arrays.equals(BlobCodec.key(blob.payload()), ref.key())) {
                    problems.add(new Problem(seq, which + " body reference does not point at its body"));
                    continue;
                }
                byte[] raw = BlobCodec.decode(blob.payload());
                if (!Arrays.equals(Hashing.sha256(raw), ref.key())) {
                    problems.add(new Problem(seq, which + " body altered: SHA-256 mismatch"));
                }
            } catch (IOException e) {
                problems.add(new Problem(seq, which + " body altered or unreadable: " + e.getMessage()));
            }
        }
    }

    private static void readSignedLines(Path file, List<Checkpoint> cps, List<RetentionMark> marks, List<Problem> problems)
            throws IOException {
        if (!Files.exists(file)) return;
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) continue;
            try {
                if (RetentionMark.isMark(line)) marks.add(RetentionMark.parse(line));
                else cps.add(Checkpoint.parse(line));
            } catch (RuntimeException e) {
                problems.add(new Problem(0, file.getFileName() + " line " + n + " is not a valid checkpoint: " + e.getMessage()));
            }
        }
    }

    /** Returns {checkpoints checked, the largest size a valid checkpoint proved}. */
    private static long[] checkCheckpoints(List<Checkpoint> cps, byte[] leaves, PublicKey key, List<Problem> problems) {
        MerkleLog m = new MerkleLog();
        long leafCount = leaves.length / 32;
        long lastGood = 0;
        long checked = 0;
        for (Checkpoint cp : cps) {
            checked++;
            if (key == null || !cp.verify(key)) {
                problems.add(new Problem(cp.size(), "checkpoint (size " + cp.size() + ", " + cp.time() + ") has a bad signature"));
                continue;
            }
            if (cp.size() > leafCount) {
                problems.add(new Problem(leafCount + 1, "checkpoint at size " + cp.size() + " covers seqs " + (leafCount + 1)
                        + ".." + cp.size() + " that the Merkle leaf file no longer has (records removed)"));
                continue;
            }
            while (m.size() < cp.size()) {
                int i = (int) m.size();
                m.append(Arrays.copyOfRange(leaves, i * 32, i * 32 + 32));
            }
            if (!Arrays.equals(m.root(), cp.root())) {
                problems.add(new Problem(lastGood + 1, "checkpoint at size " + cp.size() + " does not match: a record between seq "
                        + (lastGood + 1) + " and " + cp.size() + " was altered, removed or reordered"));
            } else {
                lastGood = cp.size();
            }
        }
        return new long[] {checked, lastGood};
    }
}
