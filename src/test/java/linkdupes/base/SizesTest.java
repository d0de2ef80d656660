package linkdupes.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

  @ParameterizedTest
  @CsvSource({
    "4096, 4096",
    "0, 0",
    "4k, 4096",
    "4K, 4096",
    "4KiB, 4096",
    "4kb, 4096",
    "10M, 10485760",
    "1.5G, 1610612736",
    "2GiB, 2147483648",
    "1T, 1099511627776",
    "' 7 ', 7",
    "100B, 100",
  })
  void parsesBinaryUnits(String text, long expected) {
    assertEquals(expected, Sizes.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "k", "abc", "-1", "1.2.3", "4x", "10000000000E"})
  void rejectsWhatIsNotASize(String text) {
    assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
  }

  @Test
  void printsHumanSizesWithOneDecimal() {
    assertEquals("0 B", Sizes.human(0));
    assertEquals("1023 B", Sizes.human(1023));
    assertEquals("1.0 KiB", Sizes.human(1024));
    assertEquals("687.6 MiB", Sizes.human(720961015));
    assertEquals("1.4 GiB", Sizes.human(1514669221));
    assertEquals("1.3 KiB", Sizes.human(1280)); // 1.25, half up
    assertEquals("1.2 KiB", Sizes.human(1279));
    assertEquals("1024.0 KiB", Sizes.human(1048575)); // as the formatter rounds it
    assertEquals("8.0 EiB", Sizes.human(Long.MAX_VALUE));
  }
}
