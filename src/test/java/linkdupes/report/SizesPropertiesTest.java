package linkdupes.report;

import linkdupes.base.Sizes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class SizesPropertiesTest {

  @Property
  void everyByteCountParsesToItself(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long n) {
    assertEquals(n, Sizes.parse(Long.toString(n)));
  }

  @Property
  void unitsAreExactPowersOfTwo(@ForAll @LongRange(min = 0, max = 1L << 20) long n) {
    assertEquals(n << 10, Sizes.parse(n + "k"));
    assertEquals(n << 20, Sizes.parse(n + "M"));
    assertEquals(n << 30, Sizes.parse(n + "G"));
  }

  /** What human() printed when it used the formatter for every size. */
  private static String formatted(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }

  @Property(tries = 5000)
  void humanSizesAreWhatTheFormatterPrints(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long n,
      @ForAll @IntRange(min = 0, max = 62) int shift) {
    long bytes = n >>> shift; // every magnitude, not only the largest
    assertEquals(formatted(bytes), Sizes.human(bytes));
  }

  @Property(tries = 2000)
  void sizesNextToARoundingBoundaryAreWhatTheFormatterPrints(
      @ForAll @LongRange(min = 1, max = 1023) long whole,
      @ForAll @IntRange(min = 0, max = 9) int tenth,
      @ForAll @IntRange(min = 1, max = 3) int unit,
      @ForAll @IntRange(min = -3, max = 3) int offset) {
    // bytes whose quotient lies next to whole.tenth5, where half-up rounding turns
    long scale = 1L << (10 * unit);
    long bytes = whole * scale + (2L * tenth + 1) * scale / 20 + offset;
    assertEquals(formatted(bytes), Sizes.human(bytes));
  }

  @Property
  void secondsAreWhatTheFormatterPrints(@ForAll @LongRange(min = 0, max = 1L << 40) long ms) {
    assertEquals(String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0),
        TextReport.seconds(ms));
  }

  @Property
  void humanSizesShowTheRightUnit(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long n) {
    String h = Sizes.human(n);
    assertTrue(n < 1024 ? h.endsWith(" B") : h.endsWith("iB"), h);
  }
}
