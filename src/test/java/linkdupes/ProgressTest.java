package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress display: on stderr only when it is a terminal, or when asked for. */
class ProgressTest {
  @TempDir Path dir;
  private Path tree;

  @BeforeEach
  void tree() {
    tree = dir.resolve("tree");
    byte[] big = new byte[600_000];
    new Random(3).nextBytes(big);
    Trees.write(tree.resolve("a/1.jpg"), big);
    Trees.write(tree.resolve("b/1.jpg"), big);
  }

  @Test
  void nothingIsDrawnWhenStderrIsNotATerminal() {
    // the test JVM's stderr is a pipe or a file
    CommandRun r = CommandRun.main("--no-cache", tree);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("", r.err());
  }

  @Test
  void progressForcesTheDisplayOnStderrWithEveryStage() {
    CommandRun r = CommandRun.main("--no-cache", "--progress", tree);
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.err().contains("Walking"), r.err());
    assertTrue(r.err().contains("Reading"), r.err());
    assertTrue(r.err().contains("Linking"), r.err());
    assertFalse(r.out().contains("Walking"), "the report stays clean: " + r.out());
    assertEquals(1, r.linkedNames());
  }

  @Test
  void aDryRunHasNoLinkingStage() {
    CommandRun r = CommandRun.main("--no-cache", "--progress", "--dry-run", tree);
    assertTrue(r.err().contains("Reading"), r.err());
    assertFalse(r.err().contains("Linking"), r.err());
  }

  @Test
  void noProgressAndQuietAndJsonMeanNone() {
    assertEquals("", CommandRun.main("--no-cache", "--no-progress", "--dry-run", tree).err());
    assertEquals("", CommandRun.main("--no-cache", "-q", "--dry-run", tree).err());
    assertEquals("", CommandRun.main("--no-cache", "--format", "json", "--dry-run", tree).err());
  }
}
