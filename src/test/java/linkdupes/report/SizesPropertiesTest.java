package linkdupes.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
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

  @Property
  void humanSizesShowTheRightUnit(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long n) {
    String h = Sizes.human(n);
    assertTrue(n < 1024 ? h.endsWith(" B") : h.endsWith("iB"), h);
  }
}
