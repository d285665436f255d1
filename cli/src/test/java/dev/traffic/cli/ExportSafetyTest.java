package dev.traffic.cli;

import static dev.traffic.cli.CaCommandsTest.traffic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15 item 11: an export is private and never writes through a link someone planted. */
class ExportSafetyTest {
    @TempDir Path tmp;

    String home() {
        return tmp.resolve("home").toString();
    }

    @BeforeEach
    void record() throws Exception {
        try (FlowStore s = FlowStore.open(tmp.resolve("home/store"), StoreOptions.defaults().withIndex(false))) {
            s.ended(StoreFixtures.flow("GET", "registry.npmjs.org", "/left-pad", 200, "", "{}", false));
        }
    }

    @Test
    void theExportIsOwnerOnly() throws Exception {
        Path har = tmp.resolve("out.har");
        CaCommandsTest.Run r = traffic("export", "--data-dir", home(), "--out", har.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(har))).isEqualTo("rw-------");
    }

    @Test
    void aSymlinkPlantedAtThePartialFileIsRefusedAndItsTargetUntouched() throws Exception {
        Path victim = tmp.resolve("victim.txt");
        Files.writeString(victim, "precious");
        Path har = tmp.resolve("out.har");
        Files.createSymbolicLink(tmp.resolve(".out.har.partial"), victim);
        CaCommandsTest.Run r = traffic("export", "--data-dir", home(), "--out", har.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("symbolic link").contains(".out.har.partial");
        assertThat(Files.readString(victim)).isEqualTo("precious");
        assertThat(har).doesNotExist();
    }

    @Test
    void aStalePartialFileFromAnInterruptedExportIsReplaced() throws Exception {
        Files.writeString(tmp.resolve(".out.har.partial"), "half an export");
        Path har = tmp.resolve("out.har");
        CaCommandsTest.Run r = traffic("export", "--data-dir", home(), "--out", har.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readString(har)).contains("\"log\"").doesNotContain("half an export");
    }
}
