package linkdupes;

import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Names may hold characters a terminal obeys (U+009B, CSI, starts a command) or that make a
 * name read as another (U+202E turns "gpj.exe" around). No report, and no line on stderr,
 * carries them raw: each shows them escaped.
 */
class TerminalSafeNamesTest {
  @TempDir Path tmp;

  private static final String CSI = "csi\u009b2J.txt";
  private static final String RLO = "photo\u202egpj.exe";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"text", "json", "csv"})
  void namesWithControlsAreEscapedInEveryReportAndOnStderr(String format) {
    Path tree = Trees.mkdirs(tmp.resolve("tree"));
    byte[] data = Trees.random(3, 3000);
    write(tree.resolve(CSI), data);
    write(tree.resolve(RLO), data);
    Path missing = tmp.resolve("gone\u009b\u202e");

    // -v: the text report names every file of every group
    CommandRun r = CommandRun.main("--no-cache", "-n", "-v", "--format", format, tree, missing);

    assertEquals(1, r.exitCode(), r::toString); // the missing root
    for (String out : new String[] {r.out(), r.err()}) {
      assertFalse(out.contains("\u009b"), () -> "raw U+009B in " + format + ": " + r);
      assertFalse(out.contains("\u202e"), () -> "raw U+202E in " + format + ": " + r);
    }
    assertTrue(r.out().contains("u009b2J.txt"), r::toString);
    assertTrue(r.out().contains("photo\\") && r.out().contains("u202egpj.exe"), r::toString);
    assertTrue(r.err().contains("gone\\u009b\\u202e"), r::toString);
  }

  /** The JSON report gives the exact bytes of a name its text cannot give back. */
  @org.junit.jupiter.api.Test
  void theJsonReportCarriesTheBytesOfANameThatIsNotUtf8() throws Exception {
    Path tree = Trees.mkdirs(tmp.resolve("tree"));
    byte[] data = Trees.random(4, 3000);
    byte[] badName = {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe};
    Path bad = linkdupes.fs.PathBytes.resolve(tree, badName);
    java.nio.file.Files.write(bad, data);
    Trees.mtime(bad, 2_000_000_000L); // the newest: it is the one linked
    Trees.mtime(write(tree.resolve("plain"), data), 1_000_000_000L);

    CommandRun r = CommandRun.main("--no-cache", "-n", "--format", "json", tree);

    assertEquals(0, r.exitCode(), r::toString);
    var link = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out())
        .get("groups").get(0).get("linked").get(0);
    byte[] bytes = java.util.Base64.getDecoder().decode(link.get("pathBase64").asText());
    assertTrue(java.util.Arrays.equals(linkdupes.fs.PathBytes.bytes(bad), bytes),
        () -> "the exact bytes of the name: " + link);
    assertFalse(link.has("keptBase64"), "a UTF-8 name needs none: " + link);
  }
}
