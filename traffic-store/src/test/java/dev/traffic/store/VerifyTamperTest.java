package dev.traffic.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.store.internal.StoreKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the record that an earlier {@code verify} let pass (issue 15, item 10): history deleted
 * and passed off as expiry, checkpoints removed, and the silent fall-back to the store's own key.
 * Each case keeps a copy of the public key and the checkpoint lines outside the store, as the docs
 * tell an operator to.
 */
class VerifyTamperTest {
    @TempDir Path dir;
    @TempDir Path outside;

    private final List<Checkpoint> logged = new ArrayList<>();

    private PublicKey record(int flows, StoreOptions o) throws Exception {
        try (FlowStore s = FlowStore.open(dir, o.withCheckpointListener(logged::add))) {
            for (int i = 1; i <= flows; i++) {
                s.ended(Flows.get("h" + i + ".test", "/p" + i, 200, "body " + i));
                if (i % 10 == 0) s.flush();
            }
        }
        Path pub = outside.resolve("store.pub");
        Files.copy(dir.resolve("store.pub"), pub);
        return StoreKey.loadPublic(pub);
    }

    private PublicKey record(int flows) throws Exception {
        return record(flows, StoreOptions.defaults().withIndex(false));
    }

    @Test
    void deletingTheOnlySegmentIsMissingNotExpired() throws Exception {
        PublicKey key = record(30);
        for (Path seg : Segments.list(dir)) Files.delete(seg);
        Verifier.Report r = Verifier.verify(dir, key, logged, null);
        assertThat(r.ok()).isFalse();
        assertThat(r.expired()).isZero();
        assertThat(r.problems()).filteredOn(p -> p.what().contains("missing from the journal")).hasSize(30);
    }

    @Test
    void removingTheFirstFlowsAndRenamingTheSegmentIsCaught() throws Exception {
        PublicKey key = record(30);
        Path seg = Segments.list(dir).get(0);
        JournalFiles.Loc first = JournalFiles.find(dir, 1);
        JournalFiles.Loc twentyFirst = JournalFiles.find(dir, 21);
        byte[] all = Files.readAllBytes(seg);
        // keep the segment header, drop the records of seqs 1..20, rename as if the segment began at 21
        byte[] cut = new byte[all.length - (int) (twentyFirst.offset() - first.offset())];
        System.arraycopy(all, 0, cut, 0, (int) first.offset());
        System.arraycopy(all, (int) twentyFirst.offset(), cut, (int) first.offset(), all.length - (int) twentyFirst.offset());
        Files.delete(seg);
        Files.write(seg.resolveSibling(dev.traffic.store.journal.Segments.name(21)), cut);
        Verifier.Report r = Verifier.verify(dir, key, logged, null);
        assertThat(r.ok()).isFalse();
        assertThat(r.expired()).isZero();
        for (long seq = 1; seq <= 20; seq++) {
            long s = seq;
            assertThat(r.problems()).anyMatch(p -> p.seq() == s && p.what().contains("missing from the journal"));
        }
    }

    @Test
    void realRetentionIsExpiryAndVerifies() throws Exception {
        PublicKey key = record(200, StoreOptions.defaults().withSegmentBytes(4096).withMaxStoreSize(3 * 4096)
                .withIndex(false).withCheckpointInterval(Duration.ofMillis(1)));
        Verifier.Report r = Verifier.verify(dir, key, logged, null);
        assertThat(r.problems()).isEmpty();
        assertThat(r.warnings()).isEmpty();
        assertThat(r.expired()).isPositive();
        assertThat(r.expired() + r.flowsVerified()).isEqualTo(200);
        assertThat(Files.readString(dir.resolve("checkpoints"))).contains("traffic-retention v1 through=");
    }

    @Test
    void retentionMarksRemovedFromTheStoreAreMissingFlowsAgain() throws Exception {
        PublicKey key = record(200, StoreOptions.defaults().withSegmentBytes(4096).withMaxStoreSize(3 * 4096)
                .withIndex(false).withCheckpointInterval(Duration.ofMillis(1)));
        Path cps = dir.resolve("checkpoints");
        List<String> kept = Files.readAllLines(cps).stream().filter(l -> !RetentionMark.isMark(l)).toList();
        Files.write(cps, kept);
        Verifier.Report r = Verifier.verify(dir, key, logged, null);
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).anyMatch(p -> p.what().contains("no signed retention mark covers it"));
    }

    @Test
    void aForgedRetentionMarkFailsItsSignature() throws Exception {
        PublicKey key = record(30);
        var other = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        for (Path seg : Segments.list(dir)) Files.delete(seg);
        Files.writeString(dir.resolve("checkpoints"),
                RetentionMark.sign(30, java.time.Instant.now(), other.getPrivate()).line() + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        Verifier.Report r = Verifier.verify(dir, key, logged, null);
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).anyMatch(p -> p.what().contains("retention mark") && p.what().contains("bad signature"));
        assertThat(r.expired()).isZero();
    }

    @Test
    void deletedCheckpointsFileAfterACleanCloseFails() throws Exception {
        PublicKey key = record(30);
        Files.delete(dir.resolve("checkpoints"));
        Verifier.Report r = Verifier.verify(dir, key, List.of(), null);
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).anyMatch(p -> p.what().contains("closed cleanly") && p.what().contains("checkpoints were removed"));
    }

    @Test
    void trimmedCheckpointsFileIsCaughtByTheExternalCopy() throws Exception {
        PublicKey key = record(30, StoreOptions.defaults().withIndex(false).withCheckpointInterval(Duration.ofMillis(1)));
        assertThat(logged).hasSizeGreaterThan(1);
        Path cps = dir.resolve("checkpoints");
        List<String> lines = Files.readAllLines(cps);
        Files.write(cps, lines.subList(0, 1));
        Verifier.Report r = Verifier.verify(dir, key, logged, null);
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).anyMatch(p -> p.what().contains("missing from the store's checkpoints file"));
    }

    @Test
    void fallingBackToTheStoresOwnKeyIsAWarning() throws Exception {
        record(5);
        Verifier.Report r = Verifier.verify(dir, null, List.of(), null);
        assertThat(r.ok()).isTrue();
        assertThat(r.warnings()).anyMatch(w -> w.contains("store's own store.pub"));
    }

    @Test
    void flowsAfterTheLastCheckpointOfACrashedWriterAreAWarning() throws Exception {
        PublicKey key = record(30);
        Path cps = dir.resolve("checkpoints");
        List<String> lines = Files.readAllLines(cps);
        // as after a crash: no close event, no final checkpoint
        JournalFiles.dropCloseEvent(dir);
        Files.write(cps, lines.subList(0, 0));
        Verifier.Report r = Verifier.verify(dir, key, List.of(), null);
        assertThat(r.problems()).isEmpty();
        assertThat(r.warnings()).anyMatch(w -> w.contains("seqs 1..30 are not covered by a signed checkpoint"));
    }

    /** The journal's segment files. */
    private static final class Segments {
        static List<Path> list(Path store) throws java.io.IOException {
            return dev.traffic.store.journal.Segments.list(store.resolve("journal"));
        }
    }
}
