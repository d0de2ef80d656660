package linkdupes;

import static linkdupes.Trees.rel;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the whole command in process on real trees with real hard links, and compares a listing
 * of every path taken before and after each run.
 */
class EndToEndTest {
  @TempDir Path tmp;
  TestTree tree;

  @BeforeEach
  void setUp() {
    tree = TestTree.in(tmp);
  }

  @Test
  void replacesDuplicateWithHardLink() {
    Outcome o = tree.copies(1, 1000, "a", "b").runCleanly();

    o.before().assertDistinctInodes(rel("tree/a", "tree/b"));
    o.after().assertOneInode(rel("tree/a", "tree/b"));
    assertEquals(2, o.after().get("tree", "a").nlink());
    assertEquals(1000, o.run().freedBytes());
    assertEquals(1, o.run().linkedNames());
    assertTrue(o.run().out().contains("Linked:     1 name\n"), o.run()::toString);
    assertTrue(o.run().out().contains("Freed:      1000 B (1000 bytes)\n"), o.run()::toString);
  }

  @Test
  void reportsFreedSpaceInBinaryUnitsAndExactBytes() {
    Outcome o = tree.copies(2, 1 << 20, "a", "b", "c").runCleanly();

    o.after().assertOneInode(rel("tree/a", "tree/b", "tree/c"));
    assertTrue(o.run().out().contains("Freed:      2.0 MiB (2097152 bytes)\n"), o.run()::toString);
    assertTrue(o.run().out().contains("Linked:     2 names\n"), o.run()::toString);
  }

  @ParameterizedTest(name = "with min size {0}")
  @ValueSource(strings = {"1", "0"})
  void neverLinksEmptyFiles(String minSize) {
    Outcome o = tree.file(new byte[0], "empty1", "empty2", "sub/empty3")
        .runCleanly("--min-size", minSize);

    o.after().assertDistinctInodes(rel("tree/empty1", "tree/empty2", "tree/sub/empty3"));
    o.before().assertIdenticalTo(o.after());
    assertEquals(0, o.run().freedBytes());
    assertEquals(0, o.run().linkedNames());
  }

  @Test
  void joinsCopyToFilesThatAreAlreadyLinked() {
    // c is older, so only the link count can make a's inode the one kept.
    Outcome o = tree.copies(3, 5000, "a", "c").link("a", "b")
        .mtime(2_000_000_000L, "a").mtime(1_000_000_000L, "c").runCleanly();

    long aIno = o.before().ino("tree", "a");
    assertEquals(aIno, o.after().ino("tree", "c"), "c must join a's inode, the one with 2 links");
    o.after().assertOneInode(rel("tree/a", "tree/b", "tree/c"));
    assertEquals(3, o.after().get("tree", "a").nlink());
    assertEquals(5000, o.run().freedBytes());
    assertEquals(1, o.run().linkedNames());
  }

  @Test
  void linksEveryNameOfADuplicateInode() {
    Outcome o = tree.copies(4, 3000, "a", "b").link("a", "a2").link("b", "sub/b2")
        .mtime(1_000_000_000L, "a").mtime(1_500_000_000L, "b").runCleanly();

    assertEquals(o.before().ino("tree", "a"), o.after().ino("tree", "sub", "b2"));
    o.after().assertOneInode(rel("tree/a", "tree/a2", "tree/b", "tree/sub/b2"));
    assertEquals(3000, o.run().freedBytes());
    assertEquals(2, o.run().linkedNames());
  }

  @Test
  void linksCopyToFileWithNameOutsideTreeAndCountsOnlyFreedSpace() {
    // y is older: only the outside name can make x the kept one.
    Outcome o = tree.copies(5, 7000, "x", "y").link("x", "../outside/x-link")
        .mtime(2_000_000_000L, "x").mtime(1_000_000_000L, "y").runCleanly();

    long xIno = o.before().ino("tree", "x");
    assertEquals(xIno, o.after().ino("tree", "y"), "y must be linked to x's inode");
    assertEquals(xIno, o.after().ino("outside", "x-link"));
    assertEquals(3, o.after().get("tree", "x").nlink());
    assertEquals(7000, o.run().freedBytes());
  }

  @Test
  void keepsCopyWithOutsideNameOverOneWithMoreLinks() {
    Outcome o = tree.copies(6, 6000, "x", "y1").link("x", "../outside/x-link")
        .link("y1", "y2", "y3").mtime(2_000_000_000L, "x").mtime(1_000_000_000L, "y1")
        .runCleanly();

    long xIno = o.before().ino("tree", "x");
    o.after().assertOneInode(rel("tree/x", "tree/y1", "tree/y2", "tree/y3", "outside/x-link"));
    assertEquals(xIno, o.after().ino("tree", "y1"));
    assertEquals(6000, o.run().freedBytes(), "y's inode is gone, so its space is freed");
    assertEquals(3, o.run().linkedNames());
  }

  @Test
  void freesNothingWhenEveryCopyKeepsANameOutsideTree() {
    Outcome o = tree.copies(7, 4000, "x", "y").link("x", "../outside/x-link")
        .link("y", "../outside/y-link").runCleanly();

    o.after().assertOneInode(rel("tree/x", "tree/y"));
    o.after().assertDistinctInodes(rel("outside/x-link", "outside/y-link"));
    assertEquals(0, o.run().freedBytes());
    assertEquals(1, o.run().linkedNames());
    assertTrue(o.run().out().contains("Not freed:  1 file with names outside the scanned trees"),
        o.run()::toString);
  }

  @Test
  void countsNameInExcludedDirectoryAsNameOutsideTree() {
    Outcome o = tree.copies(8, 2500, "a", "b").link("b", "cache/b-link")
        .mtime(1_000_000_000L, "a").mtime(2_000_000_000L, "b").runCleanly("-x", "cache");

    o.after().assertOneInode(rel("tree/a", "tree/b", "tree/cache/b-link"));
    assertEquals(o.before().ino("tree", "b"), o.after().ino("tree", "a"),
        "b keeps a name the scan did not see, so b must be kept");
    assertEquals(2500, o.run().freedBytes());
  }

  /** Four copies of 1234 bytes: rw-a and rw-b of mode 644, ro of 444, exec of 755. */
  private TestTree treeWithOtherPermissions() {
    return tree.copies(9, 1234, "rw-a", "rw-b", "ro", "exec").mode("rw-r--r--", "rw-a", "rw-b")
        .mode("r--r--r--", "ro").mode("rwxr-xr-x", "exec");
  }

  @Test
  void neverMergesFilesWithOtherPermissions() {
    Outcome o = treeWithOtherPermissions().runCleanly();

    o.after().assertOneInode(rel("tree/rw-a", "tree/rw-b"));
    o.after().assertDistinctInodes(rel("tree/rw-a", "tree/ro", "tree/exec"));
    assertEquals(0444, o.after().get("tree", "ro").permissions());
    assertEquals(0755, o.after().get("tree", "exec").permissions());
    assertEquals(0644, o.after().get("tree", "rw-b").permissions());
    assertEquals(1234, o.run().freedBytes());
    assertTrue(o.run().out().contains("2 with other permissions, owner, time, attributes or folder access"),
        o.run()::toString);
  }

  @Test
  void mergesFilesWithOtherPermissionsWhenIgnoringMode() {
    Outcome o = treeWithOtherPermissions().runCleanly("-p");

    o.after().assertOneInode(rel("tree/rw-a", "tree/rw-b", "tree/ro", "tree/exec"));
    assertEquals(3 * 1234, o.run().freedBytes());
    assertEquals(3, o.run().linkedNames());
  }

  @Test
  void mergesFilesWithOtherModificationTimesAndKeepsTheOldestByDefault() {
    Outcome o = tree.copies(10, 999, "newer", "older").mtime(1_600_000_000L, "newer")
        .mtime(1_500_000_000L, "older").runCleanly();

    o.after().assertOneInode(rel("tree/newer", "tree/older"));
    assertEquals(o.before().ino("tree", "older"), o.after().ino("tree", "newer"));
    assertEquals(1_500_000_000L, Trees.mtimeSeconds(tree.path("newer")));
    assertEquals(1_500_000_000L, Trees.mtimeSeconds(tree.path("older")));
    assertEquals(999, o.run().freedBytes());
  }

  @Test
  void keepsTheNewestCopyWithKeepNewest() {
    Outcome o = tree.copies(10, 999, "newer", "older").mtime(1_600_000_000L, "newer")
        .mtime(1_500_000_000L, "older").runCleanly("--keep-newest");

    assertEquals(o.before().ino("tree", "newer"), o.after().ino("tree", "older"));
    assertEquals(1_600_000_000L, Trees.mtimeSeconds(tree.path("older")));
    assertEquals(999, o.run().freedBytes());
  }

  @Test
  void neverMergesFilesWithOtherModificationTimesWhenRespectingTime() {
    Outcome o = tree.copies(11, 2048, "same1", "same2", "other")
        .mtime(1_500_000_000L, "same1", "same2").mtime(1_600_000_000L, "other")
        .runCleanly("--respect-time");

    o.after().assertOneInode(rel("tree/same1", "tree/same2"));
    o.after().assertDistinctInodes(rel("tree/same1", "tree/other"));
    assertEquals(2048, o.run().freedBytes());
    assertTrue(o.run().out().contains("1 with other permissions, owner, time, attributes or folder access"),
        o.run()::toString);
  }

  /** A tree with several kinds of groups, for the dry run and the re-run. */
  private void buildMixedTree() {
    tree.copies(20, 3333, "one/a", "one/b", "one/c") // a plain triple
        .copies(21, 70_000, "two/a", "two/c").link("two/a", "two/b") // a linked pair, a copy
        .copies(22, 12_345, "three/x", "three/y", "three/z") // copies with names outside
        .link("three/x", "../outside/three-x").link("three/z", "../outside/three-z")
        .copies(23, 100, "four/a", "four/b", "four/c") // other permissions
        .mode("rw-r--r--", "four/a", "four/b").mode("rwx------", "four/c")
        .copies(24, 3333, "unique1").copies(25, 70_000, "unique2");
  }

  @Test
  void dryRunChangesNothingAndPredictsTheFreedBytes() {
    buildMixedTree();

    Outcome dry = tree.runCleanly("-n");

    dry.before().assertIdenticalTo(dry.after());
    assertTrue(dry.run().out().contains("Dry run: nothing was changed."), dry.run()::toString);
    long expected = 2 * 3333 + 70_000 + 12_345 + 100;
    assertEquals(expected, dry.run().freedBytes(), dry.run()::toString);
    assertEquals(2 + 1 + 2 + 1, dry.run().linkedNames());

    Outcome real = tree.runCleanly();

    assertEquals(dry.run().freedBytes(), real.run().freedBytes());
    assertEquals(dry.run().linkedNames(), real.run().linkedNames());
    real.after().assertOneInode(rel("tree/one/a", "tree/one/b", "tree/one/c"));
    real.after().assertOneInode(rel("tree/two/a", "tree/two/b", "tree/two/c"));
    real.after().assertOneInode(rel("tree/three/x", "tree/three/y", "tree/three/z"));
    real.after().assertOneInode(rel("tree/four/a", "tree/four/b"));
    real.after().assertDistinctInodes(rel("tree/four/a", "tree/four/c"));
    real.after().assertDistinctInodes(rel("outside/three-x", "outside/three-z"));
  }

  @Test
  void secondRunLinksNothingAndFreesNothing() {
    buildMixedTree();
    CommandRun first = CommandRun.main(tree.root()).assertCleanSuccess();
    assertTrue(first.linkedNames() > 0);

    Outcome second = tree.runCleanly();

    second.before().assertIdenticalTo(second.after());
    assertTrue(second.run().out().contains("Linked:     0 names\n"), second.run()::toString);
    assertTrue(second.run().out().contains("Freed:      0 B (0 bytes)\n"), second.run()::toString);
    assertEquals(0, second.run().freedBytes());
  }

  @Test
  void unknownOptionIsAUsageError() {
    Outcome o = tree.file("same", "a", "b").run("--no-such-option");

    assertEquals(2, o.run().exitCode());
    assertEquals("", o.run().out());
    assertTrue(o.run().err().contains("Try 'linkdupes --help'"), o.run()::toString);
    assertTrue(o.run().err().contains("--no-such-option"), o.run()::toString);
    o.before().assertIdenticalTo(o.after());
  }

  @Test
  void missingPathIsAUsageError() {
    CommandRun run = CommandRun.main();

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("Try 'linkdupes --help'"), run::toString);
  }

  @Test
  void anUnknownOptionIsNamedBeforeTheMissingPath() {
    CommandRun run = CommandRun.main("--bogus");

    assertEquals(2, run.exitCode());
    assertEquals("linkdupes: Unknown option: '--bogus'\n"
        + "Try 'linkdupes --help' for more information.\n", run.err(), run::toString);
    assertEquals("", run.out());
  }

  @Test
  void missingRootIsNamedOnStderrAndTheOtherRootsAreDone() {
    Path missing = tmp.resolve("no-such-dir");

    Outcome o = tree.file("same content", "a", "b").run(missing);

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    List<String> lines = o.run().err().lines()
        .filter(l -> l.contains(missing.toString()) && l.contains("No such file or directory"))
        .toList();
    assertEquals(1, lines.size(), o.run()::toString);
    o.after().assertOneInode(rel("tree/a", "tree/b"));
    assertEquals(12, o.run().freedBytes());
  }

  @Test
  void quietPrintsNothingWhenAllIsFine() {
    Outcome o = tree.copies(30, 500, "a", "b").run("-q");

    assertEquals(0, o.run().exitCode());
    assertEquals("", o.run().out());
    assertEquals("", o.run().err());
    o.after().assertOneInode(rel("tree/a", "tree/b"));
    assertEquals(500, o.before().bytesOfInodesGoneIn(o.after()));
  }

  @Test
  void twiceVerboseAlsoWritesTheDebugLogOnStderr() {
    tree.file("same", "a", "b");

    // a JVM of its own: the logging framework reads its level once, when first used
    CommandRun run = Subprocess.of(Subprocess.linkdupesCommand(Subprocess.testClassPath(),
        List.of("--add-opens", "java.base/sun.nio.fs=ALL-UNNAMED"), "--no-cache", "-n", "-vv",
        tree.root())).run();

    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.err().contains("after walk: 2 candidate files"), run::toString);
    assertTrue(run.err().contains("after plan: 1 groups"), run::toString);
    assertTrue(run.out().contains("Would link: 1 name\n"), run::toString);
  }

  @Test
  void verboseListsKeptAndLinkedNames() {
    Outcome o = tree.copies(31, 500, "a", "b", "c").mtime(1_000_000_000L, "a")
        .mtime(1_100_000_000L, "b").mtime(1_200_000_000L, "c").runCleanly("-v");

    List<String> lines = o.run().out().lines().toList();
    assertEquals(List.of("  keep " + tree.path("a")),
        lines.stream().filter(l -> l.startsWith("  keep ")).toList(), o.run()::toString);
    assertEquals(List.of("  link " + tree.path("b"), "  link " + tree.path("c")),
        lines.stream().filter(l -> l.startsWith("  link ")).sorted().toList(), o.run()::toString);
    o.after().assertOneInode(rel("tree/a", "tree/b", "tree/c"));
    assertEquals(1000, o.run().freedBytes());
  }

  /** For each size, a pair of copies named a{size} and b{size}. */
  private TestTree pairsOfSizes(int... sizes) {
    for (int size : sizes) {
      tree.copies(size, size, "a" + size, "b" + size);
    }
    return tree;
  }

  @Test
  void sizeLimitsChooseTheCandidates() {
    Outcome o = pairsOfSizes(10, 100, 1000).runCleanly("--min-size", "50", "--max-size", "500");

    o.after().assertOneInode(rel("tree/a100", "tree/b100"));
    o.after().assertDistinctInodes(rel("tree/a10", "tree/b10"));
    o.after().assertDistinctInodes(rel("tree/a1000", "tree/b1000"));
    assertEquals(100, o.run().freedBytes());
  }

  @Test
  void sizeLimitsIncludeTheirBounds() {
    Outcome o = pairsOfSizes(99, 100, 200, 201).runCleanly("-s", "100", "-S", "200");

    o.after().assertOneInode(rel("tree/a100", "tree/b100"));
    o.after().assertOneInode(rel("tree/a200", "tree/b200"));
    o.after().assertDistinctInodes(rel("tree/a99", "tree/b99"));
    o.after().assertDistinctInodes(rel("tree/a201", "tree/b201"));
    assertEquals(300, o.run().freedBytes());
  }

  @Test
  void excludedDirectoryIsLeftAlone() {
    Outcome o = tree.copies(40, 800, "keep/a", "keep/b", "skip/a", "skip/b")
        .runCleanly("-x", "skip");

    o.after().assertOneInode(rel("tree/keep/a", "tree/keep/b"));
    for (String name : List.of("tree/skip/a", "tree/skip/b")) {
      assertEquals(o.before().get(Path.of(name)), o.after().get(Path.of(name)), name);
    }
    o.after().assertDistinctInodes(rel("tree/keep/a", "tree/skip/a", "tree/skip/b"));
    assertEquals(800, o.run().freedBytes());
  }

  @Test
  void includeConsidersOnlyMatchingNames() {
    Outcome o = tree.copies(41, 800, "a.txt", "sub/b.txt", "a.dat", "sub/b.dat")
        .runCleanly("-i", "*.txt");

    o.after().assertOneInode(rel("tree/a.txt", "tree/sub/b.txt"));
    o.after().assertDistinctInodes(rel("tree/a.txt", "tree/a.dat", "tree/sub/b.dat"));
    assertEquals(1, o.after().get("tree", "a.dat").nlink());
    assertEquals(800, o.run().freedBytes());
  }

  @Test
  void linksDuplicatesAcrossSeveralRoots() {
    tree.copies(50, 4096, "../one/a", "../two/b", "../two/deeper/c");
    Path one = tmp.resolve("one");
    Path two = tmp.resolve("two");

    Outcome o = Outcome.main(tmp, "--threads", "1", one, two);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("one/a", "two/b", "two/deeper/c"));
    assertEquals(2 * 4096, o.run().freedBytes());
    assertEquals(2, o.run().linkedNames());
  }

  @Test
  void scansRootGivenTwiceOrNestedOnlyOnce() {
    tree.copies(51, 1500, "a", "sub/b", "sub/c");

    Outcome o = Outcome.main(tmp, tree.root(), tree.root(), tree.path("sub"), tree.path("sub/c"));

    assertEquals(0, o.run().exitCode(), o.run()::toString);
    o.after().assertOneInode(rel("tree/a", "tree/sub/b", "tree/sub/c"));
    assertEquals(3, o.after().get("tree", "a").nlink());
    assertEquals(2 * 1500, o.run().freedBytes());
    assertEquals(2, o.run().linkedNames());
    assertTrue(o.run().out().contains("Scanned:    3 files"), o.run()::toString);
  }

  @Test
  void scansNestedRootGivenFirstOnlyOnce() {
    Outcome o = tree.copies(52, 1500, "a", "sub/b", "sub/c").run(tree.path("sub"));

    assertEquals(0, o.run().exitCode(), o.run()::toString);
    o.after().assertOneInode(rel("tree/a", "tree/sub/b", "tree/sub/c"));
    assertEquals(2 * 1500, o.run().freedBytes());
    assertEquals(2, o.run().linkedNames());
  }

  @Test
  void linksSeveralGroupsAtOnce() {
    List<List<Path>> groups = new ArrayList<>();
    long expectedFreed = 0;
    for (int g = 0; g < 12; g++) {
      int size = 1 + g * 997;
      List<Path> names = new ArrayList<>();
      for (int copy = 0; copy <= g % 4 + 1; copy++) {
        String name = "g" + g + "/copy" + copy;
        tree.copies(100 + g, size, name);
        names.add(Path.of("tree", name));
      }
      groups.add(names);
      expectedFreed += (long) (names.size() - 1) * size;
    }

    Outcome o = tree.runCleanly();

    for (List<Path> names : groups) {
      o.after().assertOneInode(names);
    }
    assertEquals(12, o.after().filesByInode().size());
    assertEquals(expectedFreed, o.run().freedBytes());
    assertNotEquals(0, expectedFreed);
    assertAll(Stream.of("Duplicates: 12 groups")
        .map(s -> () -> assertTrue(o.run().out().contains(s), o.run()::toString)));
  }
}
