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
}
