package linkdupes.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people write them: {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d12h}. */
final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)([smhdw]?)");

  private Durations() {}

  /**
   * A sequence of whole numbers, each with a unit: s (seconds, also when no unit is given), m
   * (minutes), h (hours), d (days) or w (weeks); or an ISO-8601 duration such as {@code PT10M}.
   */
  static Duration parse(String text) {
    String s = text.trim();
    if (s.startsWith("P") || s.startsWith("p")) {
      try {
        Duration d = Duration.parse(s);
        if (d.isNegative()) {
          throw invalid(text);
        }
        return d;
      } catch (DateTimeParseException e) {
        throw invalid(text);
      }
    }
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        throw invalid(text);
      }
      long n;
      try {
        n = Long.parseLong(m.group(1));
        total = total.plus(switch (m.group(2)) {
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          case "d" -> Duration.ofDays(n);
          case "w" -> Duration.ofDays(Math.multiplyExact(n, 7));
          default -> Duration.ofSeconds(n);
        });
      } catch (ArithmeticException | NumberFormatException e) {
        throw invalid(text);
      }
      at = m.end();
    }
    if (at == 0) {
      throw invalid(text);
    }
    return total;
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("'" + text + "' is not a duration: use a number with "
        + "s, m, h, d or w, such as 10m, 2h or 1d");
  }
}
