package linkdupes.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import linkdupes.base.Problems;
import linkdupes.base.RunContext;
import linkdupes.base.Tally;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeWalkerTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final Problems problems = new Problems(new PrintStream(errBytes), false);

  @BeforeEach
  void tree() throws Exception {
    Files.createDirectories(dir.resolve("sub/deeper"));
    Files.createDirectories(dir.resolve("cache"));
    Files.writeString(dir.resolve("top.txt"), "1");
    Files.writeString(dir.resolve("sub/a.txt"), "22");
    Files.writeString(dir.resolve("sub/deeper/b.tmp"), "333");
    Files.writeString(dir.resolve("cache/c.txt"), "4444");
    Files.writeString(dir.resolve("empty"), "");
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("top.txt"));
  }

  private ScanResult walk(WalkSettings s, Path... roots) throws Exception {
    return new TreeWalker(s, new RunContext(problems, new Tally())).walk(List.of(roots));
  }

  private static WalkSettings settings(List<String> inc, List<String> exc) {
    return new WalkSettings(false, false, inc, exc, 1, Long.MAX_VALUE, Duration.ZERO);
  }

  private List<String> names(ScanResult r) {
    return IntStream.range(0, r.candidates().rows())
        .mapToObj(i -> dir.relativize(r.candidates().path(i)).toString()).sorted().toList();
  }

  @Test
  void collectsRegularFilesAndLeavesSymlinksAlone() throws Exception {
    ScanResult r = walk(settings(List.of(), List.of()), dir);
    assertEquals(List.of("cache/c.txt", "sub/a.txt", "sub/deeper/b.tmp", "top.txt"), names(r));
    assertEquals(5, r.counts().files());
    assertEquals(1, r.counts().otherEntries());
  }

  @Test
  void aRootGivenTwiceOrInsideAnotherIsWalkedOnce() throws Exception {
    ScanResult r = walk(settings(List.of(), List.of()), dir.resolve("sub"), dir, dir);
    assertEquals(4, r.candidates().rows());
    assertTrue(errBytes.toString().contains("already scanned"), errBytes.toString());
  }

  @Test
  void excludedDirectoriesAreNotEntered() throws Exception {
    ScanResult r = walk(settings(List.of(), List.of("cache", "*.tmp")), dir);
    assertEquals(List.of("sub/a.txt", "top.txt"), names(r));
  }

  @Test
  void globsWithASlashMatchThePathFromTheRoot() throws Exception {
    ScanResult r = walk(settings(List.of("sub/**"), List.of()), dir);
    assertEquals(List.of("sub/a.txt", "sub/deeper/b.tmp"), names(r));
  }

  @Test
  void sizeLimitsSelectCandidates() throws Exception {
    ScanResult r =
        walk(new WalkSettings(false, false, List.of(), List.of(), 2, 3, Duration.ZERO), dir);
    assertEquals(List.of("sub/a.txt", "sub/deeper/b.tmp"), names(r));
  }

  @Test
  void aMissingRootIsAnErrorNamingIt() throws Exception {
    ScanResult r = walk(settings(List.of(), List.of()), dir.resolve("nope"), dir.resolve("sub"));
    assertEquals(2, r.candidates().rows());
    assertEquals(1, problems.errorCount());
    assertTrue(errBytes.toString().contains("cannot scan " + dir.resolve("nope")
        + ": No such file or directory"), errBytes.toString());
  }

  @Test
  void followsSymlinksOnlyWhenAskedAndReportsLoops() throws Exception {
    Files.createSymbolicLink(dir.resolve("sub/loop"), dir);
    ScanResult r = walk(new WalkSettings(true, false, List.of(), List.of(), 1, Long.MAX_VALUE,
        Duration.ZERO),
        dir.resolve("sub"));
    assertTrue(r.counts().symlinkLoops() >= 1, "loop reported");
    assertTrue(r.candidates().rows() > 2, "followed into the linked directory");
    assertEquals(0, problems.errorCount());
  }
}
