package linkdupes;

import static linkdupes.Trees.link;
import static linkdupes.Trees.mode;
import static linkdupes.Trees.mtime;
import static linkdupes.Trees.random;
import static linkdupes.Trees.rel;
import static linkdupes.Trees.write;
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
  Path tree;

  @BeforeEach
  void setUp() {
    tree = Trees.mkdirs(tmp.resolve("tree"));
  }

  private static long size(TreeListing listing, String relative) {
    return listing.get(Path.of(relative)).size();
  }

  @Test
  void replacesDuplicateWithHardLink() {
    byte[] data = random(1, 1000);
    write(tree.resolve("a"), data);
    write(tree.resolve("b"), data);

    Outcome o = Outcome.main(tmp, tree);

    o.run().assertCleanSuccess();
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
    byte[] data = random(2, 1 << 20);
    write(tree.resolve("a"), data);
    write(tree.resolve("b"), data);
    write(tree.resolve("c"), data);

    Outcome o = Outcome.main(tmp, tree);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/a", "tree/b", "tree/c"));
    assertTrue(o.run().out().contains("Freed:      2.0 MiB (2097152 bytes)\n"), o.run()::toString);
    assertTrue(o.run().out().contains("Linked:     2 names\n"), o.run()::toString);
  }

  @ParameterizedTest(name = "with min size {0}")
  @ValueSource(strings = {"1", "0"})
  void neverLinksEmptyFiles(String minSize) {
    write(tree.resolve("empty1"), new byte[0]);
    write(tree.resolve("empty2"), new byte[0]);
    write(tree.resolve("sub/empty3"), new byte[0]);

    Outcome o = Outcome.main(tmp, "--min-size", minSize, tree);

    o.run().assertCleanSuccess();
    o.after().assertDistinctInodes(rel("tree/empty1", "tree/empty2", "tree/sub/empty3"));
    o.before().assertIdenticalTo(o.after());
    assertEquals(0, o.run().freedBytes());
    assertEquals(0, o.run().linkedNames());
  }

  @Test
  void joinsCopyToFilesThatAreAlreadyLinked() {
    byte[] data = random(3, 5000);
    Path a = write(tree.resolve("a"), data);
    link(tree.resolve("b"), a);
    Path c = write(tree.resolve("c"), data);
    // c is older, so only the link count can make a's inode the one kept.
    mtime(a, 2_000_000_000L);
    mtime(c, 1_000_000_000L);

    Outcome o = Outcome.main(tmp, tree);

    o.run().assertCleanSuccess();
    long aIno = o.before().ino("tree", "a");
    assertEquals(aIno, o.after().ino("tree", "c"), "c must join a's inode, the one with 2 links");
    o.after().assertOneInode(rel("tree/a", "tree/b", "tree/c"));
    assertEquals(3, o.after().get("tree", "a").nlink());
    assertEquals(5000, o.run().freedBytes());
    assertEquals(1, o.run().linkedNames());
  }

  @Test
  void linksEveryNameOfADuplicateInode() {
    byte[] data = random(4, 3000);
    Path a = write(tree.resolve("a"), data);
    link(tree.resolve("a2"), a);
    Path b = write(tree.resolve("b"), data);
    link(tree.resolve("sub/b2"), b);
    mtime(a, 1_000_000_000L);
    mtime(b, 1_500_000_000L);

    Outcome o = Outcome.main(tmp, tree);

    o.run().assertCleanSuccess();
    assertEquals(o.before().ino("tree", "a"), o.after().ino("tree", "sub", "b2"));
    o.after().assertOneInode(rel("tree/a", "tree/a2", "tree/b", "tree/sub/b2"));
    assertEquals(3000, o.run().freedBytes());
    assertEquals(2, o.run().linkedNames());
  }

  @Test
  void linksCopyToFileWithNameOutsideTreeAndCountsOnlyFreedSpace() {
    byte[] data = random(5, 7000);
    Path x = write(tree.resolve("x"), data);
    link(tmp.resolve("outside/x-link"), x);
    Path y = write(tree.resolve("y"), data);
    // y is older: only the outside name can make x the kept one.
    mtime(x, 2_000_000_000L);
    mtime(y, 1_000_000_000L);

    Outcome o = Outcome.main(tmp, tree);

    o.run().assertCleanSuccess();
    long xIno = o.before().ino("tree", "x");
    assertEquals(xIno, o.after().ino("tree", "y"), "y must be linked to x's inode");
    assertEquals(xIno, o.after().ino("outside", "x-link"));
    assertEquals(3, o.after().get("tree", "x").nlink());
    assertEquals(7000, o.run().freedBytes());
  }

  @Test
  void keepsCopyWithOutsideNameOverOneWithMoreLinks() {
    byte[] data = random(6, 6000);
    Path x = write(tree.resolve("x"), data);
    link(tmp.resolve("outside/x-link"), x);
    Path y = write(tree.resolve("y1"), data);
    link(tree.resolve("y2"), y);
    link(tree.resolve("y3"), y);
    mtime(x, 2_000_000_000L);
    mtime(y, 1_000_000_000L);

    Outcome o = Outcome.main(tmp, tree);

    o.run().assertCleanSuccess();
    long xIno = o.before().ino("tree", "x");
    o.after().assertOneInode(rel("tree/x", "tree/y1", "tree/y2", "tree/y3", "outside/x-link"));
    assertEquals(xIno, o.after().ino("tree", "y1"));
    assertEquals(6000, o.run().freedBytes(), "y's inode is gone, so its space is freed");
    assertEquals(3, o.run().linkedNames());
  }

  @Test
  void freesNothingWhenEveryCopyKeepsANameOutsideTree() {
    byte[] data = random(7, 4000);
    Path x = write(tree.resolve("x"), data);
    link(tmp.resolve("outside/x-link"), x);
    Path y = write(tree.resolve("y"), data);
    link(tmp.resolve("outside/y-link"), y);

    Outcome o = Outcome.main(tmp, tree);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/x", "tree/y"));
    o.after().assertDistinctInodes(rel("outside/x-link", "outside/y-link"));
    assertEquals(0, o.run().freedBytes());
    assertEquals(1, o.run().linkedNames());
    assertTrue(o.run().out().contains("Not freed:  1 file with names outside the scanned trees"),
        o.run()::toString);
  }

  @Test
  void countsNameInExcludedDirectoryAsNameOutsideTree() {
    byte[] data = random(8, 2500);
    Path a = write(tree.resolve("a"), data);
    Path b = write(tree.resolve("b"), data);
    link(tree.resolve("cache/b-link"), b);
    mtime(a, 1_000_000_000L);
    mtime(b, 2_000_000_000L);

    Outcome o = Outcome.main(tmp, "-x", "cache", tree);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/a", "tree/b", "tree/cache/b-link"));
    assertEquals(o.before().ino("tree", "b"), o.after().ino("tree", "a"),
        "b keeps a name the scan did not see, so b must be kept");
    assertEquals(2500, o.run().freedBytes());
  }

  /** Four copies of 1234 bytes: rw-a and rw-b of mode 644, ro of 444, exec of 755. */
  private void buildTreeWithOtherPermissions() {
    byte[] data = random(9, 1234);
    mode(write(tree.resolve("rw-a"), data), "rw-r--r--");
    mode(write(tree.resolve("rw-b"), data), "rw-r--r--");
    mode(write(tree.resolve("ro"), data), "r--r--r--");
    mode(write(tree.resolve("exec"), data), "rwxr-xr-x");
  }

  @Test
  void neverMergesFilesWithOtherPermissions() {
    buildTreeWithOtherPermissions();

    Outcome o = Outcome.main(tmp, tree);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/rw-a", "tree/rw-b"));
    o.after().assertDistinctInodes(rel("tree/rw-a", "tree/ro", "tree/exec"));
    assertEquals(0444, o.after().get("tree", "ro").permissions());
    assertEquals(0755, o.after().get("tree", "exec").permissions());
    assertEquals(0644, o.after().get("tree", "rw-b").permissions());
    assertEquals(1234, o.run().freedBytes());
    assertTrue(o.run().out().contains("2 with other permissions, owner or time"),
        o.run()::toString);
  }

  @Test
  void mergesFilesWithOtherPermissionsWhenIgnoringMode() {
    buildTreeWithOtherPermissions();

    Outcome o = Outcome.main(tmp, "-p", tree);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/rw-a", "tree/rw-b", "tree/ro", "tree/exec"));
    assertEquals(3 * 1234, o.run().freedBytes());
    assertEquals(3, o.run().linkedNames());
  }

  @Test
  void mergesFilesWithOtherModificationTimesAndKeepsTheOldestByDefault() {
    byte[] data = random(10, 999);
    Path newer = mtime(write(tree.resolve("newer"), data), 1_600_000_000L);
    Path older = mtime(write(tree.resolve("older"), data), 1_500_000_000L);

    Outcome o = Outcome.main(tmp, tree);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/newer", "tree/older"));
    assertEquals(o.before().ino("tree", "older"), o.after().ino("tree", "newer"));
    assertEquals(1_500_000_000L, Trees.mtimeSeconds(newer));
    assertEquals(1_500_000_000L, Trees.mtimeSeconds(older));
    assertEquals(999, o.run().freedBytes());
  }

  @Test
  void keepsTheNewestCopyWithKeepNewest() {
    byte[] data = random(10, 999);
    mtime(write(tree.resolve("newer"), data), 1_600_000_000L);
    Path older = mtime(write(tree.resolve("older"), data), 1_500_000_000L);

    Outcome o = Outcome.main(tmp, "--keep-newest", tree);

    o.run().assertCleanSuccess();
    assertEquals(o.before().ino("tree", "newer"), o.after().ino("tree", "older"));
    assertEquals(1_600_000_000L, Trees.mtimeSeconds(older));
    assertEquals(999, o.run().freedBytes());
  }

  @Test
  void neverMergesFilesWithOtherModificationTimesWhenRespectingTime() {
    byte[] data = random(11, 2048);
    mtime(write(tree.resolve("same1"), data), 1_500_000_000L);
    mtime(write(tree.resolve("same2"), data), 1_500_000_000L);
    mtime(write(tree.resolve("other"), data), 1_600_000_000L);

    Outcome o = Outcome.main(tmp, "--respect-time", tree);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/same1", "tree/same2"));
    o.after().assertDistinctInodes(rel("tree/same1", "tree/other"));
    assertEquals(2048, o.run().freedBytes());
    assertTrue(o.run().out().contains("1 with other permissions, owner or time"),
        o.run()::toString);
  }

  /** A tree with several kinds of groups, for the dry run and the re-run. */
  private void buildMixedTree() {
    byte[] one = random(20, 3333);
    byte[] two = random(21, 70_000);
    byte[] three = random(22, 12_345);
    byte[] four = random(23, 100);
    // a plain triple
    write(tree.resolve("one/a"), one);
    write(tree.resolve("one/b"), one);
    write(tree.resolve("one/c"), one);
    // pre-linked pair plus a copy
    Path t = write(tree.resolve("two/a"), two);
    link(tree.resolve("two/b"), t);
    write(tree.resolve("two/c"), two);
    // a copy with a name outside the tree
    Path x = write(tree.resolve("three/x"), three);
    link(tmp.resolve("outside/three-x"), x);
    write(tree.resolve("three/y"), three);
    Path z = write(tree.resolve("three/z"), three);
    link(tmp.resolve("outside/three-z"), z);
    // other permissions
    mode(write(tree.resolve("four/a"), four), "rw-r--r--");
    mode(write(tree.resolve("four/b"), four), "rw-r--r--");
    mode(write(tree.resolve("four/c"), four), "rwx------");
    // unique files
    write(tree.resolve("unique1"), random(24, 3333));
    write(tree.resolve("unique2"), random(25, 70_000));
  }

  @Test
  void dryRunChangesNothingAndPredictsTheFreedBytes() {
    buildMixedTree();

    Outcome dry = Outcome.main(tmp, "-n", tree);

    dry.run().assertCleanSuccess();
    dry.before().assertIdenticalTo(dry.after());
    assertTrue(dry.run().out().contains("Dry run: nothing was changed."), dry.run()::toString);
    long expected = 2 * 3333 + 70_000 + 12_345 + 100;
    assertEquals(expected, dry.run().freedBytes(), dry.run()::toString);
    assertEquals(2 + 1 + 2 + 1, dry.run().linkedNames());

    Outcome real = Outcome.main(tmp, tree);

    real.run().assertCleanSuccess();
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
    CommandRun first = CommandRun.main(tree).assertCleanSuccess();
    assertTrue(first.linkedNames() > 0);

    Outcome second = Outcome.main(tmp, tree);

    second.run().assertCleanSuccess();
    second.before().assertIdenticalTo(second.after());
    assertTrue(second.run().out().contains("Linked:     0 names\n"), second.run()::toString);
    assertTrue(second.run().out().contains("Freed:      0 B (0 bytes)\n"), second.run()::toString);
    assertEquals(0, second.run().freedBytes());
  }

  @Test
  void unknownOptionIsAUsageError() {
    write(tree.resolve("a"), "same");
    write(tree.resolve("b"), "same");

    Outcome o = Outcome.main(tmp, "--no-such-option", tree);

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
    write(tree.resolve("a"), "same content");
    write(tree.resolve("b"), "same content");
    Path missing = tmp.resolve("no-such-dir");

    Outcome o = Outcome.main(tmp, missing, tree);

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
    byte[] data = random(30, 500);
    write(tree.resolve("a"), data);
    write(tree.resolve("b"), data);

    Outcome o = Outcome.main(tmp, "-q", tree);

    assertEquals(0, o.run().exitCode());
    assertEquals("", o.run().out());
    assertEquals("", o.run().err());
    o.after().assertOneInode(rel("tree/a", "tree/b"));
    assertEquals(500, o.before().bytesOfInodesGoneIn(o.after()));
  }

  @Test
  void twiceVerboseAlsoWritesTheDebugLogOnStderr() {
    write(tree.resolve("a"), "same");
    write(tree.resolve("b"), "same");

    // a JVM of its own: the logging framework reads its level once, when first used
    CommandRun run = Subprocess.of(Subprocess.linkdupesCommand(Subprocess.testClassPath(),
        List.of("--add-opens", "java.base/sun.nio.fs=ALL-UNNAMED"), "--no-cache", "-n", "-vv",
        tree)).run();

    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.err().contains("after walk: 2 candidate files"), run::toString);
    assertTrue(run.err().contains("after plan: 1 groups"), run::toString);
    assertTrue(run.out().contains("Would link: 1 name\n"), run::toString);
  }

  @Test
  void verboseListsKeptAndLinkedNames() {
    byte[] data = random(31, 500);
    Path a = mtime(write(tree.resolve("a"), data), 1_000_000_000L);
    Path b = mtime(write(tree.resolve("b"), data), 1_100_000_000L);
    Path c = mtime(write(tree.resolve("c"), data), 1_200_000_000L);

    Outcome o = Outcome.main(tmp, "-v", tree);

    o.run().assertCleanSuccess();
    List<String> lines = o.run().out().lines().toList();
    assertEquals(List.of("  keep " + a),
        lines.stream().filter(l -> l.startsWith("  keep ")).toList(), o.run()::toString);
    assertEquals(List.of("  link " + b, "  link " + c),
        lines.stream().filter(l -> l.startsWith("  link ")).sorted().toList(), o.run()::toString);
    o.after().assertOneInode(rel("tree/a", "tree/b", "tree/c"));
    assertEquals(1000, o.run().freedBytes());
  }

  /** For each size, a pair of copies named a{size} and b{size}. */
  private void writePairsOfSizes(int... sizes) {
    for (int size : sizes) {
      byte[] data = random(size, size);
      write(tree.resolve("a" + size), data);
      write(tree.resolve("b" + size), data);
    }
  }

  @Test
  void sizeLimitsChooseTheCandidates() {
    writePairsOfSizes(10, 100, 1000);

    Outcome o = Outcome.main(tmp, "--min-size", "50", "--max-size", "500", tree);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/a100", "tree/b100"));
    o.after().assertDistinctInodes(rel("tree/a10", "tree/b10"));
    o.after().assertDistinctInodes(rel("tree/a1000", "tree/b1000"));
    assertEquals(100, o.run().freedBytes());
  }

  @Test
  void sizeLimitsIncludeTheirBounds() {
    writePairsOfSizes(99, 100, 200, 201);

    Outcome o = Outcome.main(tmp, "-s", "100", "-S", "200", tree);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/a100", "tree/b100"));
    o.after().assertOneInode(rel("tree/a200", "tree/b200"));
    o.after().assertDistinctInodes(rel("tree/a99", "tree/b99"));
    o.after().assertDistinctInodes(rel("tree/a201", "tree/b201"));
    assertEquals(300, o.run().freedBytes());
  }

  @Test
  void excludedDirectoryIsLeftAlone() {
    byte[] data = random(40, 800);
    write(tree.resolve("keep/a"), data);
    write(tree.resolve("keep/b"), data);
    write(tree.resolve("skip/a"), data);
    write(tree.resolve("skip/b"), data);

    Outcome o = Outcome.main(tmp, "-x", "skip", tree);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/keep/a", "tree/keep/b"));
    for (String name : List.of("tree/skip/a", "tree/skip/b")) {
      assertEquals(o.before().get(Path.of(name)), o.after().get(Path.of(name)), name);
    }
    o.after().assertDistinctInodes(rel("tree/keep/a", "tree/skip/a", "tree/skip/b"));
    assertEquals(800, o.run().freedBytes());
  }

  @Test
  void includeConsidersOnlyMatchingNames() {
    byte[] data = random(41, 800);
    write(tree.resolve("a.txt"), data);
    write(tree.resolve("sub/b.txt"), data);
    write(tree.resolve("a.dat"), data);
    write(tree.resolve("sub/b.dat"), data);

    Outcome o = Outcome.main(tmp, "-i", "*.txt", tree);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/a.txt", "tree/sub/b.txt"));
    o.after().assertDistinctInodes(rel("tree/a.txt", "tree/a.dat", "tree/sub/b.dat"));
    assertEquals(1, o.after().get("tree", "a.dat").nlink());
    assertEquals(800, o.run().freedBytes());
  }

  @Test
  void linksDuplicatesAcrossSeveralRoots() {
    byte[] data = random(50, 4096);
    Path one = tmp.resolve("one");
    Path two = tmp.resolve("two");
    write(one.resolve("a"), data);
    write(two.resolve("b"), data);
    write(two.resolve("deeper/c"), data);

    Outcome o = Outcome.main(tmp, "--threads", "1", one, two);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("one/a", "two/b", "two/deeper/c"));
    assertEquals(2 * 4096, o.run().freedBytes());
    assertEquals(2, o.run().linkedNames());
  }

  @Test
  void scansRootGivenTwiceOrNestedOnlyOnce() {
    byte[] data = random(51, 1500);
    write(tree.resolve("a"), data);
    write(tree.resolve("sub/b"), data);
    write(tree.resolve("sub/c"), data);

    Outcome o = Outcome.main(tmp, tree, tree, tree.resolve("sub"), tree.resolve("sub/c"));

    assertEquals(0, o.run().exitCode(), o.run()::toString);
    o.after().assertOneInode(rel("tree/a", "tree/sub/b", "tree/sub/c"));
    assertEquals(3, o.after().get("tree", "a").nlink());
    assertEquals(2 * 1500, o.run().freedBytes());
    assertEquals(2, o.run().linkedNames());
    assertTrue(o.run().out().contains("Scanned:    3 files"), o.run()::toString);
  }

  @Test
  void scansNestedRootGivenFirstOnlyOnce() {
    byte[] data = random(52, 1500);
    write(tree.resolve("a"), data);
    write(tree.resolve("sub/b"), data);
    write(tree.resolve("sub/c"), data);

    Outcome o = Outcome.main(tmp, tree.resolve("sub"), tree);

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
      byte[] data = random(100 + g, size);
      List<Path> names = new ArrayList<>();
      for (int copy = 0; copy <= g % 4 + 1; copy++) {
        String name = "g" + g + "/copy" + copy;
        write(tree.resolve(name), data);
        names.add(Path.of("tree", name));
      }
      groups.add(names);
      expectedFreed += (long) (names.size() - 1) * size;
    }

    Outcome o = Outcome.main(tmp, tree);

    o.run().assertCleanSuccess();
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
