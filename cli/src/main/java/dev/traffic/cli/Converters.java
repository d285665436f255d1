package dev.traffic.cli;

import dev.traffic.units.ByteSizes;
import dev.traffic.units.Durations;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The typed converters every option uses: one reading of a size and one of a duration
 * ({@link ByteSizes}, {@link Durations}; docs/reference/units.md). picocli reports a bad value as
 * {@code Invalid value for option '--grace': invalid duration 'x' (examples: ...)}, exit 2.
 */
final class Converters {
    private Converters() {}

    /** {@code @Option(converter = Converters.Size.class) long bytes}. */
    static final class Size implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return ByteSizes.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Registered for every {@link Duration} option of every command. */
    static final class Time implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static void register(CommandLine root) {
        root.registerConverter(Duration.class, new Time());
    }
}
