package linkdupes;

import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A killed run's temporary names are removed by the next run only where that run may touch
 * files at all: not in a folder it excludes, not outside what it includes, not among files too
 * recent for it.
 */
class LeftoverFiltersTest {
  @TempDir Path tmp;
  Path tree;
  Path leftover;

  @BeforeEach
  void setUp() throws Exception {
    tree = Trees.mkdirs(tmp.resolve("tree"));
    Path kept = write(tree.resolve("skip/kept.jpg"), Trees.random(1, 5000));
    Trees.mtime(kept, 1_000_000_000L);
    leftover = Files.createLink(tree.resolve("skip/.linkdupes.0a1b2c3d4e5f"), kept);
  }

  private boolean leftoverExists() {
    return Files.exists(leftover, LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void aLeftoverThatIsExcludedStays() {
    // an excluded folder is not even entered; a glob on the name itself is the real test
    CommandRun r = CommandRun.main("--no-cache", "-x", ".linkdupes.*", tree);
    assertEquals(0, r.exitCode(), r::toString);
    assertTrue(leftoverExists(), r::toString);
  }

  @Test
  void aLeftoverNotIncludedStays() {
    CommandRun r = CommandRun.main("--no-cache", "-i", "*.png", tree);
    assertEquals(0, r.exitCode(), r::toString);
    assertTrue(leftoverExists(), r::toString);
  }

  @Test
  void aLeftoverTooRecentForMinAgeStays() throws Exception {
    Trees.mtime(leftover, System.currentTimeMillis() / 1000); // its file, written just now
    CommandRun r = CommandRun.main("--no-cache", "--min-age", "1d", tree);
    assertEquals(0, r.exitCode(), r::toString);
    assertTrue(leftoverExists(), r::toString);
  }

  @Test
  void withoutFiltersTheLeftoverIsRemoved() {
    CommandRun r = CommandRun.main("--no-cache", tree);
    assertEquals(0, r.exitCode(), r::toString);
    assertFalse(leftoverExists(), r::toString);
  }
}
