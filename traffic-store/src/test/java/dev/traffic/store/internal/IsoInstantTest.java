package dev.traffic.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast journal time format must be exactly {@link Instant#toString()} and read what it and {@link Instant#parse} read. */
class IsoInstantTest {
    @Test
    void formatsAndParsesExactlyLikeInstant() {
        Random r = new Random(42);
        long min = Instant.parse("-0100-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("+12000-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            long s = min + Math.floorMod(r.nextLong(), max - min);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> r.nextInt(1000) * 1_000_000;
                case 2 -> r.nextInt(1_000_000) * 1000;
                default -> r.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(s, nano);
            String iso = IsoInstant.format(t);
            assertThat(iso).isEqualTo(t.toString());
            assertThat(IsoInstant.parse(iso)).isEqualTo(t);
        }
        for (String edge : new String[] {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
                "2024-02-29T12:00:00.5Z", "1969-12-31T23:59:59.000000001Z", "2026-11-26T10:00:00.123456Z"}) {
            assertThat(IsoInstant.parse(edge)).isEqualTo(Instant.parse(edge));
            assertThat(IsoInstant.format(Instant.parse(edge))).isEqualTo(Instant.parse(edge).toString());
        }
    }

    @Test
    void otherFormsGoThroughInstantParseIncludingItsErrors() {
        assertThat(IsoInstant.parse("2026-11-26T10:00:00+01:00")).isEqualTo(Instant.parse("2026-11-26T09:00:00Z"));
        for (String bad : new String[] {"2026-02-30T10:00:00Z", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-11-26T10:00:00.1234567890Z", "2026-1a-26T10:00:00Z", "x"}) {
            assertThatThrownBy(() -> IsoInstant.parse(bad)).as(bad).isInstanceOf(DateTimeParseException.class);
        }
        // lenient corners of Instant.parse stay as lenient (24:00 is the next midnight, a leap second is accepted)
        for (String odd : new String[] {"2026-11-26T24:00:00Z", "2026-11-26T10:00:00.Z", "2026-12-31T23:59:60Z"}) {
            assertThat(IsoInstant.parse(odd)).as(odd).isEqualTo(Instant.parse(odd));
        }
    }
}
