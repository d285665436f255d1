package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Issue 13 part 4: one size and one duration reading for every flag ({@code 1MB} disagreed between two flags). */
class TypedOptionsTest {

    private static ProxyCommand proxy(String... args) {
        CommandLine root = Main.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "proxy";
        System.arraycopy(args, 0, all, 1, args.length);
        root.parseArgs(all);
        return root.getSubcommands().get("proxy").getCommand();
    }

    @Test
    void oneMegabyteIsTheSameNumberForEverySizeFlag() {
        ProxyCommand p = proxy("--max-body-record", "1MB", "--scan-window", "1MB", "--max-store-size", "1MB");
        assertThat(p.maxBodyRecord).isEqualTo(1_000_000);
        assertThat(p.detect.scanWindow).isEqualTo(1_000_000);
        assertThat(p.storeOptions.toOptions().maxStoreSize()).isEqualTo(1_000_000);
        ProxyCommand q = proxy("--max-body-record", "1MiB", "--scan-window", "1MiB", "--max-store-size", "1MiB");
        assertThat(q.maxBodyRecord).isEqualTo(1 << 20);
        assertThat(q.detect.scanWindow).isEqualTo(1 << 20);
        assertThat(q.storeOptions.toOptions().maxStoreSize()).isEqualTo(1 << 20);
    }

    @Test
    void everyDurationFlagReadsTheSameForms() {
        ProxyCommand p = proxy("--grace", "1m30s", "--connect-timeout", "2min", "--retain", "7d", "--fsync-interval", "PT0.25S",
                "--pool-idle-timeout", "90");
        assertThat(p.grace).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.connectTimeout).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.storeOptions.toOptions().retain()).isEqualTo(Duration.ofDays(7));
        assertThat(p.storeOptions.fsync()).isEqualTo(Duration.ofMillis(250));
        assertThat(p.poolIdleTimeout).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void aBadSizeOrDurationIsAUsageErrorNamingTheFlag() {
        for (String[] bad : new String[][] {{"--grace", "soon"}, {"--retain", "7 fortnights"}, {"--max-store-size", "big"},
                {"--scan-window", "-1"}}) {
            CaCommandsTest.Run r = CaCommandsTest.traffic("proxy", bad[0], bad[1]);
            assertThat(r.exit()).as(String.join(" ", bad)).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains(bad[0]).contains("'" + bad[1] + "'").contains("examples");
        }
    }
}
