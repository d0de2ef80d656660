package linkdupes;

import static linkdupes.Trees.mtime;
import static linkdupes.Trees.random;
import static linkdupes.Trees.rel;
import static linkdupes.Trees.symlink;
import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import linkdupes.fs.LinkOps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Output for cron and logs: {@code --summary} prints one line, {@code -q} prints nothing when
 * all went well, and {@code -q --summary} prints the line only when something failed.
 */
class CronOutputTest {
  private static final long T = 1_000_000_000L;
  private static final byte[] DATA = random(80_001, 1000);
  private static final String TIME = "\\d+\\.\\d s";
  /** The space given back on disk: whole blocks, so it depends on the file system. */
  private static final String DISK = "\\d+(\\.\\d)? [KMG]?i?B on disk";

  @TempDir Path tmp;
  TestTree tree;
  Path kept;

  @BeforeEach
  void setUp() {
    tree = TestTree.in(tmp);
    kept = mtime(write(tree.path("a"), DATA), T);
    mtime(write(tree.path("b"), DATA), T + 1);
    mtime(write(tree.path("sub/c"), DATA), T + 2);
    write(tree.path("unique"), random(80_002, 500));
  }

  /** Link operations under which every link to {@code kept} fails as on a full disk. */
  private LinkOps fullDisk() {
    return FakeOps.withCreateLink((link, existing) -> {
      throw new FileSystemException(link.toString(), null, "No space left on device");
    });
  }

  private static void assertLine(String regex, CommandRun run) {
    assertTrue(Pattern.compile(regex + "\n").matcher(run.out()).matches(),
        () -> "stdout is the line /" + regex + "/; " + run);
  }

  @Test
  void summaryOfADryRunIsOneLineSayingWhatWouldBeDone() {
    Outcome o = tree.run("--summary", "--dry-run");

    o.run().assertCleanSuccess();
    o.before().assertIdenticalTo(o.after());
    assertLine("linkdupes: 4 files, 1 group, would link 2 names, "
        + "would free 2\\.0 KiB \\(2000 bytes; " + DISK + "\\), 0 errors, " + TIME, o.run());
  }

  @Test
  void summaryOfARealRunIsOneLineSayingWhatWasDone() {
    Outcome o = tree.run("--summary");

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/a", "tree/b", "tree/sub/c"));
    assertEquals(2000, o.before().bytesOfInodesGoneIn(o.after()));
    assertLine("linkdupes: 4 files, 1 group, 2 names linked, "
        + "freed 2\\.0 KiB \\(2000 bytes; " + DISK + "\\), 0 errors, " + TIME, o.run());
  }

  @Test
  void summarySaysOneInTheSingular() {
    Path two = Trees.mkdirs(tmp.resolve("two"));
    write(two.resolve("x"), DATA);
    write(two.resolve("y"), DATA);

    CommandRun run = CommandRun.main("--summary", two);

    run.assertCleanSuccess();
    assertLine("linkdupes: 2 files, 1 group, 1 name linked, "
        + "freed 1000 B \\(1000 bytes; " + DISK + "\\), 0 errors, " + TIME, run);
  }

  @Test
  void summaryWithVerboseListsTheGroupsBeforeTheLine() {
    CommandRun run = CommandRun.main("--summary", "-v", "-n", tree);

    run.assertCleanSuccess();
    List<String> lines = run.out().lines().toList();
    assertEquals("  keep " + kept, lines.get(1), run::toString);
    assertTrue(lines.get(lines.size() - 1).startsWith("linkdupes: 4 files, 1 group, "),
        run::toString);
    assertFalse(run.out().contains("Scanned:"), run::toString);
  }

  @Test
  void summaryCountsErrors() {
    Outcome o = tree.runWith(fullDisk(), "--summary");

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    o.before().assertIdenticalTo(o.after());
    assertLine("linkdupes: 4 files, 1 group, 0 names linked, "
        + "freed 0 B \\(0 bytes; " + DISK + "\\), "
        + "2 errors, " + TIME, o.run());
    assertEquals(2, o.run().err().lines().filter(l -> l.endsWith(": No space left on device"))
        .count(), o.run()::toString);
  }

  @ParameterizedTest(name = "--summary --format {0}")
  @ValueSource(strings = {"json", "csv"})
  void summaryWithAMachineReadableFormatIsBadUsage(String format) {
    Outcome o = tree.run("--summary", "--format", format);

    assertEquals(2, o.run().exitCode(), o.run()::toString);
    assertEquals("", o.run().out());
    assertEquals(List.of(
            "linkdupes: --summary and --format " + format + " cannot be used together",
            "Try 'linkdupes --help' for more information."),
        o.run().err().lines().toList());
    o.before().assertIdenticalTo(o.after());
  }

  // ---------------------------------------------------------------------------------------
  // -q

  @ParameterizedTest(name = "dry run: {0}")
  @ValueSource(booleans = {true, false})
  void quietPrintsNothingAtAllWhenAllIsFine(boolean dryRun) {
    Outcome o = dryRun ? tree.run("-q", "-n") : tree.run("-q");

    o.run().assertCleanSuccess();
    assertEquals("", o.run().out());
    assertEquals(dryRun ? 0 : 2000, o.before().bytesOfInodesGoneIn(o.after()));
  }

  @Test
  void quietLeavesOutWarnings() {
    symlink(tree.path("sub/up"), "..");
    CommandRun loud = CommandRun.main("-n", "--follow-symlinks", tree);
    assertTrue(loud.err().contains("symbolic link loop"), () -> "premise: a warning; " + loud);
    assertEquals(0, loud.exitCode(), loud::toString);

    CommandRun quiet = CommandRun.main("-q", "-n", "--follow-symlinks", tree);

    quiet.assertCleanSuccess();
    assertEquals("", quiet.out());
  }

  @Test
  void quietPrintsTheErrorsOfARunThatFailed() {
    Outcome o = tree.runWith(fullDisk(), "-q");

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    assertEquals("", o.run().out());
    List<String> lines = o.run().err().lines().toList();
    assertEquals(2, lines.size(), o.run()::toString);
    assertTrue(lines.stream().allMatch(l -> l.startsWith("linkdupes: ")
        && l.endsWith(": No space left on device")), o.run()::toString);
    o.before().assertIdenticalTo(o.after());
  }

  @Test
  void quietSummaryPrintsNothingWhenAllIsFine() {
    Outcome o = tree.run("-q", "--summary");

    o.run().assertCleanSuccess();
    assertEquals("", o.run().out());
    o.after().assertOneInode(rel("tree/a", "tree/b", "tree/sub/c"));
  }

  @Test
  void quietSummaryPrintsTheLineWhenARunFailed() {
    Outcome o = tree.runWith(fullDisk(), "-q", "--summary");

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    assertLine("linkdupes: 4 files, 1 group, 0 names linked, "
        + "freed 0 B \\(0 bytes; " + DISK + "\\), "
        + "2 errors, " + TIME, o.run());
    assertEquals(2, o.run().err().lines().count(), o.run()::toString);
  }
}
