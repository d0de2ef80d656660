package linkdupes;

import static linkdupes.Trees.random;
import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import linkdupes.base.Problems;
import linkdupes.base.Progress;
import linkdupes.base.RunContext;
import linkdupes.base.Tally;
import linkdupes.cli.Cli;
import linkdupes.fs.LinkOps;
import linkdupes.fs.VerifiedFile;
import linkdupes.pipeline.Pipeline;
import linkdupes.pipeline.Summary;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Folders are renamed into each other between the walk and the reads, as a backup rotation
 * does: {@code daily.0/f} (content A) and {@code daily.1/f} (content B) swap places, while
 * {@code keep/f} holds B. A read by path then reads the other file's bytes; only a read that
 * checks the open file is the inode the walk saw can tell. Whatever the run does, no content
 * may leave the disk: A must still be there, under a name of its own.
 *
 * <p>Sizes cover each way of reading: small files compared in memory, larger ones compared
 * side by side, and SHA-256 (with the cache, or for a JSON report).
 */
class VerifiedReadsTest {
  @TempDir Path tmp;
  Path tree;
  Path cache;

  @BeforeEach
  void setUp() {
    tree = Trees.mkdirs(tmp.resolve("tree"));
    cache = tmp.resolve("cache.db");
  }

  /** The reads go through descriptors on this platform: what the rest of the test relies on. */
  @Test
  void readsAreCheckedThroughTheirDescriptors() {
    assertTrue(VerifiedFile.verified(), "not verified: " + VerifiedFile.whyNotVerified());
  }

  /** daily.0/f = A, daily.1/f = B, keep/f = B, all of one size. */
  private byte[][] rotationTree(int size) {
    byte[] a = random(1, size);
    byte[] b = random(2, size);
    write(tree.resolve("daily.0/f"), a);
    write(tree.resolve("daily.1/f"), b);
    write(tree.resolve("keep/f"), b);
    return new byte[][] {a, b};
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {1000, 100_000})
  void aRotationBetweenWalkAndReadsLeavesEveryContentOnDiskWithTheCacheAndAfter(int size)
      throws IOException {
    byte[][] ab = rotationTree(size);
    Summary first = run(this::rotate, () -> {}, "--cache", cache, tree);
    // every name holds what it held once the folders had moved: B, A, B
    assertNamesHold(ab[1], ab[0], ab[1]);
    assertTrue(first.changed() >= 1, "the rotated files are changed during the run");

    // the cache must not hold B's digest under A's inode: a second run, with nothing moving,
    // reads only what it does not know, and must not link A's file to keep/f
    Summary second = run(() -> {}, () -> {}, "--cache", cache, tree);
    assertNamesHold(ab[1], ab[0], ab[1]);
    assertEquals(0, second.changed());
    assertEquals(ino("daily.0/f"), ino("keep/f"),
        "the two files of content B, now daily.0/f and keep/f, are linked");
  }

  @ParameterizedTest(name = "{0} bytes, {1}")
  @org.junit.jupiter.params.provider.CsvSource({
      "1000, text", "100000, text", "1000, json", "100000, json"})
  void aSwapAndSwapBackAroundTheReadsLinksNothingWrong(int size, String format)
      throws IOException {
    byte[][] ab = rotationTree(size);
    // a JSON report needs every group's SHA-256: the files are hashed, not compared
    Summary s = run(this::rotate, this::rotate, "--no-cache", "--format", format, tree);
    assertNamesHold(ab[0], ab[1], ab[1]);
    assertNotEquals(ino("daily.0/f"), ino("keep/f"), "A is not linked to B");
    assertTrue(s.changed() >= 2, "both swapped files were seen to change: " + s.changed());
  }

  /**
   * A file replaced by a FIFO between the walk and the reads: opening a FIFO to read waits for
   * a writer, for ever. The run must not hang: it opens without waiting and finds the name
   * changed.
   */
  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {1000, 100_000})
  void aFifoPutInAFilesPlaceDoesNotHangTheRun(int size) throws IOException {
    Assumptions.assumeTrue(Host.which("mkfifo").isPresent(), "mkfifo is not installed");
    byte[][] ab = rotationTree(size);
    Path f = tree.resolve("daily.1/f");
    Summary s = assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () ->
        run(() -> {
          try {
            Files.delete(f);
            CommandRun r = Host.exec(List.of("mkfifo", f.toString()), 30);
            assertEquals(0, r.exitCode(), r::toString);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }, () -> {}, "--no-cache", tree));
    assertTrue(s.changed() >= 1, "the FIFO is a change: " + s.changed());
    assertArrayEquals(ab[0], Files.readAllBytes(tree.resolve("daily.0/f")));
    assertArrayEquals(ab[1], Files.readAllBytes(tree.resolve("keep/f")));
  }

  /** The folders daily.0 and daily.1 trade places. */
  private void rotate() {
    try {
      Files.move(tree.resolve("daily.0"), tree.resolve("daily.tmp"));
      Files.move(tree.resolve("daily.1"), tree.resolve("daily.0"));
      Files.move(tree.resolve("daily.tmp"), tree.resolve("daily.1"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** daily.0/f, daily.1/f and keep/f hold these bytes, each its own or a shared inode. */
  private void assertNamesHold(byte[] daily0, byte[] daily1, byte[] keep) throws IOException {
    assertArrayEquals(daily0, Files.readAllBytes(tree.resolve("daily.0/f")), "daily.0/f");
    assertArrayEquals(daily1, Files.readAllBytes(tree.resolve("daily.1/f")), "daily.1/f");
    assertArrayEquals(keep, Files.readAllBytes(tree.resolve("keep/f")), "keep/f");
  }

  private Object ino(String name) throws IOException {
    return Files.readAttributes(tree.resolve(name), "unix:ino").get("ino");
  }

  /**
   * Runs the pipeline in process with {@code beforeReads} called when the walk is done and
   * {@code beforeLinks} when linking begins.
   */
  private Summary run(Runnable beforeReads, Runnable beforeLinks, Object... args)
      throws IOException {
    List<String> list = new ArrayList<>();
    for (Object a : args) {
      list.add(a.toString());
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errs = new PrintStream(err, true, StandardCharsets.UTF_8);
    Cli.Parsed parsed = Cli.parse(list.toArray(new String[0]), errs, errs);
    Progress hooks = new Progress() {
      @Override
      public void reading(long toRead, AtomicLong read) {
        beforeReads.run();
      }

      @Override
      public void linking(long groups) {
        beforeLinks.run();
      }
    };
    try {
      return new Pipeline(parsed.options(), LinkOps.SYSTEM,
          new RunContext(new Problems(errs, false), new Tally(), hooks)).run().summary();
    } catch (linkdupes.cache.RunLock.HeldException e) {
      throw new AssertionError(e);
    }
  }
}
