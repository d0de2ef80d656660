package linkdupes.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
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

  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  /**
   * Checks that {@code shown}, what human() printed for {@code bytes}, is the count in the
   * largest unit it reaches, to a tenth: rounded half up, exactly, up to GiB; from a TiB on,
   * where the quotient is a double, within a tenth's half, in the unit the double reaches (a
   * count just below a power of 1024 may show as 1024.0 or as 1.0 of the next unit).
   */
  private static void assertMeans(long bytes, String shown) {
    if (bytes < 1024) {
      assertEquals(bytes + " B", shown);
      return;
    }
    int u = Math.min(6, (63 - Long.numberOfLeadingZeros(bytes)) / 10);
    String[] parts = shown.split(" ");
    assertEquals(2, parts.length, shown);
    int unit = java.util.Arrays.asList(UNITS).indexOf(parts[1]);
    BigDecimal printed = new BigDecimal(parts[0]);
    assertEquals(1, printed.scale(), shown);
    if (u <= 3) {
      assertEquals(UNITS[u], parts[1], "the largest unit " + bytes + " reaches: " + shown);
      BigDecimal exact = new BigDecimal(bytes).divide(new BigDecimal(1L << (10 * u)));
      assertEquals(exact.setScale(1, RoundingMode.HALF_UP), printed, bytes + " bytes: " + shown);
    } else {
      assertTrue(unit == u || unit == u + 1, "the largest unit " + bytes + " reaches: " + shown);
      BigDecimal scale = new BigDecimal(BigInteger.ONE.shiftLeft(10 * unit));
      BigDecimal off = printed.multiply(scale).subtract(new BigDecimal(bytes)).abs();
      assertTrue(off.compareTo(scale.multiply(new BigDecimal("0.0500001"))) <= 0,
          bytes + " bytes: " + shown);
    }
  }

  @Test
  void humanSizesAreTheBytesInTheirLargestUnitToATenth() {
    Tries.run(5000, g -> {
      long n = g.longIn(0, Long.MAX_VALUE);
      int shift = g.intIn(0, 62);
      long bytes = n >>> shift; // every magnitude, not only the largest
      assertMeans(bytes, Sizes.human(bytes));
    });
  }

  @Test
  void sizesNextToARoundingBoundaryAreRoundedHalfUp() {
    Tries.run(2000, g -> {
      long whole = g.longIn(1, 1023);
      int tenth = g.intIn(0, 9);
      int unit = g.intIn(1, 3);
      int offset = g.intIn(-3, 3);
      // bytes whose quotient lies next to whole.tenth5, where half-up rounding turns
      long scale = 1L << (10 * unit);
      long bytes = whole * scale + (2L * tenth + 1) * scale / 20 + offset;
      assertMeans(bytes, Sizes.human(bytes));
    });
  }

  @Test
  void secondsAreTheMillisecondsRoundedHalfUpToATenth() {
    Tries.run(g -> {
      long ms = g.longIn(0, 1L << 40);
      assertEquals(BigDecimal.valueOf(ms, 3).setScale(1, RoundingMode.HALF_UP) + " s",
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
