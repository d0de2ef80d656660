package linkdupes.base;

import java.nio.file.Path;

/**
 * Shows paths on one line, as text that cannot drive a terminal: C0 and C1 control characters
 * (U+0080-U+009F holds CSI, U+009B, which a terminal takes as the start of a command) and the
 * bidirectional controls (U+202A-U+202E, U+2066-U+2069, the marks U+200E, U+200F, U+061C),
 * which would make a name read as another, are escaped visibly, as {@code \x1b} or
 * {@code \u202e}; a backslash is doubled so an escape cannot be forged.
 */
public final class Paths {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Paths() {}

  public static String display(Path path) {
    return display(path.toString());
  }

  /** Any text that holds paths (a mount as {@code /srv (/dev/sdb1, ext4)}), shown as a path. */
  public static String display(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || isHidden(c)) {
        if (b == null) {
          b = new StringBuilder(s.length() + 8).append(s, 0, i);
        }
        switch (c) {
          case '\n' -> b.append("\\n");
          case '\t' -> b.append("\\t");
          case '\r' -> b.append("\\r");
          case '\\' -> b.append("\\\\");
          default -> {
            if (c < 0x80) {
              b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
              b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                  .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
          }
        }
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  /** C1 controls and the characters that change the direction of the text after them. */
  private static boolean isHidden(char c) {
    return (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f || c == 0x061c;
  }
}
