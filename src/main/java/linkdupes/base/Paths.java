package linkdupes.base;

import java.nio.file.Path;

/** Shows paths on one line: control characters are escaped so a name cannot break the report. */
public final class Paths {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Paths() {}

  public static String display(Path path) {
    String s = path.toString();
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        if (b == null) {
          b = new StringBuilder(s.length() + 8).append(s, 0, i);
        }
        switch (c) {
          case '\n' -> b.append("\\n");
          case '\t' -> b.append("\\t");
          case '\r' -> b.append("\\r");
          case '\\' -> b.append("\\\\");
          default -> b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
        }
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }
}
