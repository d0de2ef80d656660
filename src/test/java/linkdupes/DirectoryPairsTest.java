package linkdupes;

import static linkdupes.Trees.mtime;
import static linkdupes.Trees.random;
import static linkdupes.Trees.rel;
import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text report's "Where the duplicates are": the pairs of directories sharing the most
 * duplicate bytes, and {@code --bytes} for exact sizes.
 */
class DirectoryPairsTest {
  private static final long T = 1_000_000_000L;
  private static final String HEADING = "Where the duplicates are:";

  @TempDir Path tmp;
  Path tree;

  @BeforeEach
  void setUp() {
    tree = Trees.mkdirs(tmp.resolve("tree"));
  }

  /**
   * by-date/2024-03 holds a (40000 bytes), b (20000) and c (10000); by-person/alice holds
   * copies of a and b, by-place/paris a copy of a, and c has a copy in its own folder. The
   * by-date files are oldest, so they are kept.
   */
  private void photos() {
    byte[] a = random(1, 40_000);
    byte[] b = random(2, 20_000);
    byte[] c = random(3, 10_000);
    mtime(write(tree.resolve("by-date/2024-03/a.jpg"), a), T);
    mtime(write(tree.resolve("by-date/2024-03/b.jpg"), b), T);
    mtime(write(tree.resolve("by-date/2024-03/c.jpg"), c), T);
    mtime(write(tree.resolve("by-person/alice/a.jpg"), a), T + 10);
    mtime(write(tree.resolve("by-person/alice/b.jpg"), b), T + 10);
    mtime(write(tree.resolve("by-place/paris/a.jpg"), a), T + 10);
    mtime(write(tree.resolve("by-date/2024-03/c-copy.jpg"), c), T + 10);
    write(tree.resolve("by-person/alice/unique.jpg"), random(4, 5_000));
  }

  /** The lines after the heading up to the blank line that ends the list. */
  private static List<String> pairLines(CommandRun run) {
    List<String> lines = run.out().lines().toList();
    int start = lines.indexOf(HEADING);
    assertTrue(start >= 0, () -> "no pairs in the report; " + run);
    int end = lines.subList(start, lines.size()).indexOf("");
    assertTrue(end > 0, () -> "the pairs end with a blank line; " + run);
    return lines.subList(start + 1, start + end);
  }

  @Test
  void listsThePairsByBytesSharedWithTheirCounts() {
    photos();

    Outcome o = Outcome.main(tmp, tree);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/by-date/2024-03/a.jpg", "tree/by-person/alice/a.jpg",
        "tree/by-place/paris/a.jpg"));
    assertEquals(List.of(
        "  58.6 KiB  2 files  by-date/2024-03  <->  by-person/alice",
        "  39.1 KiB  1 file   by-date/2024-03  <->  by-place/paris",
        "   9.8 KiB  1 file   within by-date/2024-03"), pairLines(o.run()), o.run()::toString);
    List<String> lines = o.run().out().lines().toList();
    assertEquals(HEADING, lines.get(0), o.run()::toString);
    assertTrue(lines.indexOf("Scanned:    8 files, 180.7 KiB") > lines.indexOf(HEADING),
        o.run()::toString);
    assertEquals(4, o.run().linkedNames());
    assertEquals(110_000, o.run().freedBytes());
  }

  @Test
  void followsTheGroupsWithVerbose() {
    photos();

    CommandRun run = CommandRun.main("-n", "-v", tree);

    run.assertCleanSuccess();
    List<String> lines = run.out().lines().toList();
    assertEquals("  keep " + tree.resolve("by-date/2024-03/a.jpg"), lines.get(1), run::toString);
    int heading = lines.indexOf(HEADING);
    assertEquals("", lines.get(heading - 1), run::toString);
    assertTrue(lines.get(heading - 2).startsWith("  link "), run::toString);
    assertEquals(3, pairLines(run).size(), run::toString);
  }

  @Test
  void aPairIsTheSameWhicheverSideWasKept() {
    byte[] one = random(5, 3_000);
    byte[] two = random(6, 2_000);
    mtime(write(tree.resolve("x/one"), one), T);
    mtime(write(tree.resolve("y/one"), one), T + 1);
    mtime(write(tree.resolve("y/two"), two), T);
    mtime(write(tree.resolve("x/two"), two), T + 1);

    CommandRun run = CommandRun.main("-n", "-v", "--bytes", tree);

    run.assertCleanSuccess();
    assertTrue(run.out().contains("  keep " + tree.resolve("y/two") + "\n"), run::toString);
    assertEquals(List.of("  5000 bytes  2 files  x  <->  y"), pairLines(run), run::toString);
  }

  @Test
  void equalBytesAreOrderedByPath() {
    byte[] p = random(7, 1_000);
    byte[] q = random(8, 1_000);
    mtime(write(tree.resolve("src/p"), p), T);
    mtime(write(tree.resolve("src/q"), q), T);
    mtime(write(tree.resolve("zeta/p"), p), T + 1);
    mtime(write(tree.resolve("alpha/q"), q), T + 1);

    CommandRun run = CommandRun.main("-n", tree);

    run.assertCleanSuccess();
    assertEquals(List.of(
        "  1000 B  1 file  alpha  <->  src",
        "  1000 B  1 file  src  <->  zeta"), pairLines(run), run::toString);
  }

  /** src holds f01 (12000 bytes) to f12 (1000 bytes); c01 to c12 each a copy of one. */
  private void twelvePairs() {
    for (int i = 1; i <= 12; i++) {
      byte[] data = random(100 + i, 1000 * (13 - i));
      String n = String.format("%02d", i);
      mtime(write(tree.resolve("src/f" + n), data), T);
      mtime(write(tree.resolve("c" + n + "/f" + n), data), T + 1);
    }
  }

  @Test
  void showsTheTopTenPairsAndSaysHowManyMore() {
    twelvePairs();

    CommandRun run = CommandRun.main("-n", "--bytes", tree);

    run.assertCleanSuccess();
    List<String> pairs = pairLines(run);
    assertEquals(11, pairs.size(), run::toString);
    for (int i = 1; i <= 10; i++) {
      String expected = String.format("  %5d bytes  1 file  c%02d  <->  src", 1000 * (13 - i), i);
      assertEquals(expected, pairs.get(i - 1), run::toString);
    }
    assertEquals("  ... and 2 more (-v lists all 12)", pairs.get(10), run::toString);
    assertFalse(run.out().contains("c11"), run::toString);
  }

  @Test
  void showsEveryPairWithVerbose() {
    twelvePairs();

    CommandRun run = CommandRun.main("-n", "-v", "--bytes", tree);

    run.assertCleanSuccess();
    List<String> pairs = pairLines(run);
    assertEquals(12, pairs.size(), run::toString);
    assertEquals("  12000 bytes  1 file  c01  <->  src", pairs.get(0), run::toString);
    assertEquals("   1000 bytes  1 file  c12  <->  src", pairs.get(11), run::toString);
  }

  @Test
  void bytesShowsExactNumbersEverywhere() {
    photos();

    CommandRun run = CommandRun.main("-n", "-v", "--bytes", tree);

    run.assertCleanSuccess();
    assertFalse(run.out().contains("KiB"), run::toString);
    assertFalse(run.out().contains("MiB"), run::toString);
    assertTrue(run.out().contains("40000 bytes each, 2 to link, would free 80000 bytes\n"),
        run::toString);
    assertEquals(List.of(
        "  60000 bytes  2 files  by-date/2024-03  <->  by-person/alice",
        "  40000 bytes  1 file   by-date/2024-03  <->  by-place/paris",
        "  10000 bytes  1 file   within by-date/2024-03"), pairLines(run), run::toString);
    assertTrue(run.out().contains("Scanned:    8 files, 185000 bytes\n"), run::toString);
    assertTrue(run.out().contains("Would free: 110000 bytes\n"), run::toString);
  }

  @Test
  void bytesAlsoAppliesToTheSummaryLine() {
    photos();

    CommandRun run = CommandRun.main("-n", "--summary", "--bytes", tree);

    run.assertCleanSuccess();
    assertTrue(run.out().startsWith("linkdupes: 8 files, 3 groups, would link 4 names, "
        + "would free 110000 bytes (") && run.out().contains(" bytes on disk), 0 errors, "),
        run::toString);
    assertFalse(run.out().contains(HEADING), run::toString);
  }

  @Test
  void withSeveralRootsDirectoriesAreShownAsFound() {
    photos();
    Path date = tree.resolve("by-date");
    Path person = tree.resolve("by-person");

    CommandRun run = CommandRun.main("-n", date, person);

    run.assertCleanSuccess();
    assertEquals(List.of(
        "  58.6 KiB  2 files  " + date.resolve("2024-03") + "  <->  " + person.resolve("alice"),
        "   9.8 KiB  1 file   within " + date.resolve("2024-03")), pairLines(run),
        run::toString);
  }

  @Test
  void filesNamedWithoutADirectoryAreInTheWorkingDirectory() {
    byte[] photo = random(21, 30_000);
    write(tree.resolve("a.jpg"), photo);
    write(tree.resolve("b.jpg"), photo);
    write(tree.resolve("c.jpg"), photo);

    // as the jar runs: its manifest opens the JDK's path internals, which the table uses
    CommandRun run = Subprocess.of(Subprocess.linkdupesCommand(Subprocess.testClassPath(),
        List.of("--add-opens", "java.base/sun.nio.fs=ALL-UNNAMED"), "-n", "a.jpg", "b.jpg",
        "c.jpg")).in(tree).run();

    run.assertCleanSuccess();
    assertEquals(List.of("  58.6 KiB  2 files  within ."), pairLines(run), run::toString);
  }

  @Test
  void quietPrintsNothingOfIt() {
    photos();

    CommandRun run = CommandRun.main("-q", "--bytes", tree);

    run.assertCleanSuccess();
    assertEquals("", run.out(), run::toString);
  }

  @Test
  void nothingToLinkPrintsNoPairs() {
    write(tree.resolve("a"), random(9, 1_000));
    write(tree.resolve("b"), random(10, 1_000));

    CommandRun run = CommandRun.main(tree);

    run.assertCleanSuccess();
    assertFalse(run.out().contains(HEADING), run::toString);
    assertTrue(run.out().startsWith("Scanned:"), run::toString);
  }
}
