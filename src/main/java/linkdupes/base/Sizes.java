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
    if (u > 3) {
      // from a TiB on, the double's shortest decimal, which %.1f rounds, may differ from the
      // exact quotient at the last digits: let the formatter do it
      return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }
    // below, bytes / 1024^u rounded half up in integers is what %.1f prints (SizesPropertiesTest),
    // without the formatter, slow on every call while the code is cold: a -v run over /usr/share
    // (1,127 groups) took 84-125 ms longer with it (two batches of 30-40 runs, alternating builds)
    long scale = 1L << (10 * u);
    return tenths(bytes / scale * 10 + (bytes % scale * 10 + scale / 2) / scale) + " " + UNITS[u];
  }

  /** Seconds with one decimal, rounded half up as %.1f would: 1250 ms is "1.3 s". */
  public static String seconds(long millis) {
    return tenths((millis + 50) / 100) + " s";
  }

  /** A count of tenths with one decimal: 15 is "1.5". */
  public static String tenths(long tenths) {
    return tenths / 10 + "." + tenths % 10;
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
