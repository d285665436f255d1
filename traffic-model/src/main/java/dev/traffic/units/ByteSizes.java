package dev.traffic.units;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reading of a size such as {@code 1MB} for every option and file (docs/reference/units.md).
 * The unit's name decides: {@code KB MB GB TB} are powers of 1000 (SI, as the names say), {@code KiB
 * MiB GiB TiB} and the single letters {@code k m g t} are powers of 1024 (as {@code java -Xmx1g} and
 * Docker read them); {@code B} or no unit is bytes. Case is ignored; a decimal number is allowed when
 * the result is a whole number of bytes ({@code 1.5KiB}).
 */
public final class ByteSizes {
    private ByteSizes() {}

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)");

    /** Bytes, or IllegalArgumentException naming the value and showing the accepted forms. */
    public static long parse(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) throw invalid(text);
        long unit = switch (m.group(2)) {
            case "", "b" -> 1L;
            case "kb" -> 1000L;
            case "mb" -> 1000_000L;
            case "gb" -> 1000_000_000L;
            case "tb" -> 1000_000_000_000L;
            case "k", "kib" -> 1L << 10;
            case "m", "mib" -> 1L << 20;
            case "g", "gib" -> 1L << 30;
            case "t", "tib" -> 1L << 40;
            default -> throw invalid(text);
        };
        try {
            return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)).longValueExact();
        } catch (ArithmeticException e) {
            throw invalid(text);
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid size '" + text + "' (examples: 1048576, 512KiB, 1MiB, 20GB; KB/MB/GB are powers of 1000, KiB/MiB/GiB and k/m/g of 1024)");
    }
}
