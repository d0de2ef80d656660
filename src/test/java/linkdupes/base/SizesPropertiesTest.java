package linkdupes.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import linkdupes.Tries;
import org.junit.jupiter.api.Test;

class SizesPropertiesTest {

  @Test
  void everyByteCountParsesToItself() {
    Tries.run(g -> {
      long n = g.longIn(0, Long.MAX_VALUE);
      assertEquals(n, Sizes.parse(Long.toString(n)));
    });
  }

  @Test
  void unitsAreExactPowersOfTwo() {
    Tries.run(g -> {
      long n = g.longIn(0, 1L << 20);
      assertEquals(n << 10, Sizes.parse(n + "k"));
      assertEquals(n << 20, Sizes.parse(n + "M"));
      assertEquals(n << 30, Sizes.parse(n + "G"));
    });
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

  @Test
  void humanSizesAreWhatTheFormatterPrints() {
    Tries.run(5000, g -> {
      long n = g.longIn(0, Long.MAX_VALUE);
      int shift = g.intIn(0, 62);
      long bytes = n >>> shift; // every magnitude, not only the largest
      assertEquals(formatted(bytes), Sizes.human(bytes));
    });
  }

  @Test
  void sizesNextToARoundingBoundaryAreWhatTheFormatterPrints() {
    Tries.run(2000, g -> {
      long whole = g.longIn(1, 1023);
      int tenth = g.intIn(0, 9);
      int unit = g.intIn(1, 3);
      int offset = g.intIn(-3, 3);
      // bytes whose quotient lies next to whole.tenth5, where half-up rounding turns
      long scale = 1L << (10 * unit);
      long bytes = whole * scale + (2L * tenth + 1) * scale / 20 + offset;
      assertEquals(formatted(bytes), Sizes.human(bytes));
    });
  }

  @Test
  void secondsAreWhatTheFormatterPrints() {
    Tries.run(g -> {
      long ms = g.longIn(0, 1L << 40);
      assertEquals(String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0),
          Sizes.seconds(ms));
    });
  }

  @Test
  void humanSizesShowTheRightUnit() {
    Tries.run(g -> {
      long n = g.longIn(0, Long.MAX_VALUE);
      String h = Sizes.human(n);
      assertTrue(n < 1024 ? h.endsWith(" B") : h.endsWith("iB"), h);
    });
  }
}
