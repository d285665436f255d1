package dev.traffic.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void sizesFollowTheUnitsName() {
        assertThat(ByteSizes.parse("1MB")).isEqualTo(1_000_000);
        assertThat(ByteSizes.parse("1mb")).isEqualTo(1_000_000);
        assertThat(ByteSizes.parse("1MiB")).isEqualTo(1_048_576);
        assertThat(ByteSizes.parse("1m")).isEqualTo(1_048_576);
        assertThat(ByteSizes.parse("20GB")).isEqualTo(20_000_000_000L);
        assertThat(ByteSizes.parse("1.5KiB")).isEqualTo(1536);
        assertThat(ByteSizes.parse("4096")).isEqualTo(4096);
        assertThat(ByteSizes.parse(" 64 KiB ")).isEqualTo(65536);
        assertThat(ByteSizes.parse("1TiB")).isEqualTo(1L << 40);
        for (String bad : new String[] {"", "-1", "1XB", "MB", "0.3B", "99999999999TB", "1 MB x"}) {
            assertThatThrownBy(() -> ByteSizes.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid size '" + bad + "'");
        }
    }

    @Test
    void durationsTakeUnitsCombinationsSecondsAndIso() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("10")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("2min")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1 hour 30 minutes")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("2w")).isEqualTo(Duration.ofDays(14));
        assertThat(Durations.parse("PT10S")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("0s")).isZero();
        for (String bad : new String[] {"", "-5s", "5x", "s", "10s5", "PT-1S", "1.5h"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid duration");
        }
    }
}
