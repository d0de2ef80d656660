package linkdupes.base;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts for people: binary units with one decimal. */
public final class Sizes {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private Sizes() {}

  /** {@code bytes} in the largest binary unit it reaches, with one decimal: "1.5 MiB". */
  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < UNITS.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
  }

  /** Seconds with one decimal: 1250 ms is "1.3 s". */
  public static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?|\\.\\d+)\\s*([kmgtpe]?)(?:i?b)?",
          Pattern.CASE_INSENSITIVE);

  /** Parses {@code 4096}, {@code 4k}, {@code 10M}, {@code 1.5G}, {@code 2GiB} (binary units). */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a size: '" + text + "' (examples: 4096, 4k, 10M, 1.5G)");
    }
    String unit = m.group(2).toUpperCase(Locale.ROOT);
    int shift = unit.isEmpty() ? 0 : 10 * ("KMGTPE".indexOf(unit) + 1);
    // exact arithmetic: a double would round byte counts above 2^53
    BigInteger value = new BigDecimal(m.group(1))
        .multiply(new BigDecimal(BigInteger.ONE.shiftLeft(shift)))
        .setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
    if (value.bitLength() > 63) {
      throw new IllegalArgumentException("size too large: '" + text + "'");
    }
    return value.longValueExact();
  }
}
