package linkdupes;

import static linkdupes.Trees.mtime;
import static linkdupes.Trees.random;
import static linkdupes.Trees.rel;
import static linkdupes.Trees.symlink;
import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import linkdupes.link.LinkOps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Output for cron and logs: {@code -q} prints nothing when all went well. */
class CronOutputTest {
  private static final long T = 1_000_000_000L;
  private static final byte[] DATA = random(80_001, 1000);

  @TempDir Path tmp;
  Path tree;

  @BeforeEach
  void setUp() {
    tree = Trees.mkdirs(tmp.resolve("tree"));
    mtime(write(tree.resolve("a"), DATA), T);
    mtime(write(tree.resolve("b"), DATA), T + 1);
    mtime(write(tree.resolve("sub/c"), DATA), T + 2);
    write(tree.resolve("unique"), random(80_002, 500));
  }

  /** Link operations under which every link fails as on a full disk. */
  private LinkOps fullDisk() {
    return FakeOps.withCreateLink((link, existing) -> {
      throw new FileSystemException(link.toString(), null, "No space left on device");
    });
  }

  @ParameterizedTest(name = "dry run: {0}")
  @ValueSource(booleans = {true, false})
  void quietPrintsNothingAtAllWhenAllIsFine(boolean dryRun) {
    Outcome o = dryRun ? Outcome.main(tmp, "-q", "-n", tree) : Outcome.main(tmp, "-q", tree);

    o.run().assertCleanSuccess();
    assertEquals("", o.run().out());
    assertEquals(dryRun ? 0 : 2000, o.before().bytesOfInodesGoneIn(o.after()));
  }

  @Test
  void quietLeavesOutWarnings() {
    symlink(tree.resolve("sub/up"), "..");
    CommandRun loud = CommandRun.main("-n", "--follow-symlinks", tree);
    assertTrue(loud.err().contains("symbolic link loop"), () -> "premise: a warning; " + loud);
    assertEquals(0, loud.exitCode(), loud::toString);

    CommandRun quiet = CommandRun.main("-q", "-n", "--follow-symlinks", tree);

    quiet.assertCleanSuccess();
    assertEquals("", quiet.out());
  }

  @Test
  void quietPrintsTheErrorsOfARunThatFailed() {
    Outcome o = Outcome.of(tmp, () -> CommandRun.withOps(fullDisk(), "-q", tree));

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    assertEquals("", o.run().out());
    List<String> lines = o.run().err().lines().toList();
    assertEquals(2, lines.size(), o.run()::toString);
    assertTrue(lines.stream().allMatch(l -> l.startsWith("linkdupes: ")
        && l.endsWith(": No space left on device")), o.run()::toString);
    o.before().assertIdenticalTo(o.after());
  }
}
