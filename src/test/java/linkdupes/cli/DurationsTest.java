package linkdupes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @Test
  void unitsAndSequences() {
    assertEquals(Duration.ofSeconds(90), Durations.parse("90"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
    assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
    assertEquals(Duration.ofHours(2), Durations.parse("2h"));
    assertEquals(Duration.ofDays(1), Durations.parse("1d"));
    assertEquals(Duration.ofDays(14), Durations.parse("2w"));
    assertEquals(Duration.ofHours(36), Durations.parse("1d12h"));
    assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
    assertEquals(Duration.ofMinutes(10), Durations.parse("PT10M"));
    assertEquals(Duration.ZERO, Durations.parse("0s"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "soon", "10x", "-5m", "m", "1.5h", "PT-10M", "99999999999999999999d"})
  void anythingElseIsRefusedWithItsText(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertEquals("'" + text + "' is not a duration: use a number with s, m, h, d or w, such as "
        + "10m, 2h or 1d", e.getMessage());
  }
}
