package linkdupes.base;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PathsTest {

  @Test
  void leavesOrdinaryNamesAlone() {
    assertEquals("a/b c/ünï.txt", Paths.display(Path.of("a/b c/ünï.txt")));
  }

  @Test
  void escapesControlCharactersSoANameStaysOnOneLine() {
    assertEquals("a/new\\nline\\t\\x01", Paths.display(Path.of("a/new\nline\t\u0001")));
    assertEquals("esc\\x1b del\\x7f", Paths.display(Path.of("esc\u001b del\u007f")));
  }

  @Test
  void escapesBackslashesSoEscapesAreUnambiguous() {
    assertEquals("a\\\\n", Paths.display(Path.of("a\\n")));
  }

  @Test
  void escapesC1ControlsAndBidiControlsThatWouldDriveOrDisguiseTheTerminal() {
    assertEquals("csi\\u009b31m", Paths.display(Path.of("csi\u009b31m")));
    assertEquals("\\u0080\\u009f", Paths.display(Path.of("\u0080\u009f")));
    assertEquals("invoice\\u202efdp.exe", Paths.display(Path.of("invoice\u202efdp.exe")));
    for (char c : "\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
        .toCharArray()) {
      assertEquals(String.format("x\\u%04x", (int) c), Paths.display(Path.of("x" + c)));
    }
    // just outside those ranges: ordinary text
    assertEquals("\u00a0\u2029\u2070", Paths.display(Path.of("\u00a0\u2029\u2070")));
  }
}
