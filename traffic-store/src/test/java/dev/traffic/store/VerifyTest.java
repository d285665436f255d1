package dev.traffic.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Flow;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyTest {
    @TempDir Path dir;

    @BeforeEach
    void record() throws Exception {
        try (FlowStore s = FlowStore.open(dir, StoreOptions.defaults().withIndex(false))) {
            for (int i = 1; i <= 10; i++) {
                Flow f = Flows.get("h" + i + ".test", "/p" + i, 200, "");
                s.ended(f);
            }
        }
    }

    private Verifier.Report verify() throws Exception {
        return Verifier.verify(dir, null, List.of(), null);
    }

    @Test
    void untouchedStoreVerifies() throws Exception {
        Verifier.Report r = verify();
        assertThat(r.problems()).isEmpty();
        assertThat(r.flowsVerified()).isEqualTo(10);
        assertThat(r.checkpointsChecked()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void flippedByteNamesTheSeq() throws Exception {
        JournalFiles.Loc loc = JournalFiles.find(dir, 5);
        byte[] all = Files.readAllBytes(loc.segment());
        all[(int) loc.offset() + loc.length() - 10] ^= 0x01; // inside the flow JSON
        Files.write(loc.segment(), all);
        Verifier.Report r = verify();
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).extracting(Verifier.Problem::seq).contains(5L);
        assertThat(r.problems()).extracting(Verifier.Problem::seq).allMatch(s -> s == 5L);
    }

    @Test
    void flippedByteWithFixedChecksumStillNamesTheSeq() throws Exception {
        JournalFiles.Loc loc = JournalFiles.find(dir, 6);
        byte[] all = Files.readAllBytes(loc.segment());
        int off = (int) loc.offset();
        all[off + loc.length() - 10] ^= 0x01;
        CRC32C crc = new CRC32C();
        crc.update(all, off + 8, loc.length() - 8); // a forger recomputes the frame checksum
        ByteBuffer.wrap(all).putInt(off + 4, (int) crc.getValue());
        Files.write(loc.segment(), all);
        Verifier.Report r = verify();
        assertThat(r.problems()).extracting(Verifier.Problem::seq).containsOnly(6L);
        assertThat(r.problems().get(0).what()).contains("hash differs");
    }

    @Test
    void deletedRecordNamesTheSeq() throws Exception {
        JournalFiles.Loc loc = JournalFiles.find(dir, 7);
        byte[] all = Files.readAllBytes(loc.segment());
        byte[] cut = new byte[all.length - loc.length()];
        System.arraycopy(all, 0, cut, 0, (int) loc.offset());
        System.arraycopy(all, (int) loc.offset() + loc.length(), cut, (int) loc.offset(), all.length - (int) loc.offset() - loc.length());
        Files.write(loc.segment(), cut);
        Verifier.Report r = verify();
        assertThat(r.problems()).extracting(Verifier.Problem::seq).containsOnly(7L);
        assertThat(r.problems().get(0).what()).contains("missing");
    }

    @Test
    void reorderedRecordsNameTheSeq() throws Exception {
        JournalFiles.Loc a = JournalFiles.find(dir, 3);
        JournalFiles.Loc b = JournalFiles.find(dir, 4);
        assertThat(a.offset() + a.length()).as("adjacent records").isEqualTo(b.offset());
        byte[] all = Files.readAllBytes(a.segment());
        byte[] ra = Arrays.copyOfRange(all, (int) a.offset(), (int) a.offset() + a.length());
        byte[] rb = Arrays.copyOfRange(all, (int) b.offset(), (int) b.offset() + b.length());
        System.arraycopy(rb, 0, all, (int) a.offset(), rb.length);
        System.arraycopy(ra, 0, all, (int) a.offset() + rb.length, ra.length);
        Files.write(a.segment(), all);
        Verifier.Report r = verify();
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).extracting(Verifier.Problem::seq).containsOnly(3L);
        assertThat(r.problems().get(0).what()).contains("out of order");
    }

    @Test
    void rewrittenLeafFileIsCaughtByTheSignedCheckpoint() throws Exception {
        Path leaves = dir.resolve("merkle/leaves");
        byte[] all = Files.readAllBytes(leaves);
        all[32 * 8] ^= 1; // seq 9's leaf
        Files.write(leaves, all);
        Verifier.Report r = verify();
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).anyMatch(p -> p.what().contains("checkpoint") && p.seq() <= 9);
        assertThat(r.problems()).anyMatch(p -> p.seq() == 9 && p.what().contains("hash differs"));
    }
}
