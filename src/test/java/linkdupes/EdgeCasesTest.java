package linkdupes;

import static linkdupes.Trees.link;
import static linkdupes.Trees.mtime;
import static linkdupes.Trees.random;
import static linkdupes.Trees.rel;
import static linkdupes.Trees.symlink;
import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import linkdupes.fs.LinkOps;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Odd trees and failing file systems: symlinks, FIFOs, odd names, near-twins, full disks. */
class EdgeCasesTest {
  @TempDir Path tmp;
  TestTree tree;

  @BeforeEach
  void setUp() {
    tree = TestTree.in(tmp);
  }

  @Test
  void neverFollowsNorReplacesSymlinks() {
    byte[] data = random(1, 2000);
    write(tree.path("real"), data);
    write(tree.path("copy"), data);
    write(tmp.resolve("outside/ext"), data);
    symlink(tree.path("link-to-real"), "real");
    symlink(tree.path("abs-link-to-copy"), tree.path("copy").toString());
    symlink(tree.path("link-to-outside"), "../outside/ext");
    symlink(tree.path("dir/loop"), "..");
    symlink(tree.path("dangling"), "no-such-file");
    symlink(tree.path("self"), "self");

    Outcome o = tree.run();

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/real", "tree/copy"));
    for (String s : List.of("tree/link-to-real", "tree/abs-link-to-copy", "tree/link-to-outside",
        "tree/dir/loop", "tree/dangling", "tree/self")) {
      TreeListing.Entry before = o.before().get(Path.of(s));
      TreeListing.Entry after = o.after().get(Path.of(s));
      assertEquals(TreeListing.Type.SYMLINK, after.type(), s);
      assertEquals(before.target(), after.target(), s);
      assertEquals(before.ino(), after.ino(), s + " must be the same symlink, not a new one");
    }
    TreeListing.Entry ext = o.after().get("outside", "ext");
    assertEquals(o.before().get("outside", "ext"), ext, "the file behind a symlink is untouched");
    assertEquals(1, ext.nlink());
    assertEquals(2000, o.run().freedBytes());
    assertTrue(o.run().out().contains("Scanned:    2 files"), o.run()::toString);
  }

  @Test
  void symlinkGivenAsRootIsNotLinkedOver() {
    byte[] data = random(2, 2000);
    write(tree.path("a"), data);
    write(tmp.resolve("other/b"), data);
    Path link = symlink(tmp.resolve("link-to-a"), "tree/a");

    Outcome o = Outcome.main(tmp, link, tmp.resolve("other"));

    o.run().assertCleanSuccess();
    assertEquals(TreeListing.Type.SYMLINK, o.after().get("link-to-a").type());
    assertEquals(o.before().get("link-to-a"), o.after().get("link-to-a"));
    o.after().assertOneInode(rel("tree/a", "other/b"));
  }

  @Test
  void leavesFifoAloneWithoutHanging() {
    Assumptions.assumeTrue(Trees.canRun("mkfifo"), "mkfifo is not installed");
    tree.copies(3, 100, "a", "b");
    Trees.mkfifo(tree.path("fifo"));
    Trees.mkfifo(Trees.mkdirs(tree.path("sub")).resolve("fifo2"));

    Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> tree.run());

    o.run().assertCleanSuccess();
    assertEquals(TreeListing.Type.OTHER, o.after().get("tree", "fifo").type());
    assertEquals(o.before().get("tree", "fifo"), o.after().get("tree", "fifo"));
    assertEquals(o.before().get("tree", "sub", "fifo2"), o.after().get("tree", "sub", "fifo2"));
    o.after().assertOneInode(rel("tree/a", "tree/b"));
    assertEquals(100, o.run().freedBytes());
  }

  @Test
  void fifoGivenAsRootDoesNotHang() {
    Assumptions.assumeTrue(Trees.canRun("mkfifo"), "mkfifo is not installed");
    tree.copies(4, 100, "a", "b");
    Path fifo = Trees.mkfifo(tmp.resolve("fifo"));

    Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> tree.run(fifo));

    o.run().assertCleanSuccess();
    assertEquals(o.before().get("fifo"), o.after().get("fifo"));
    o.after().assertOneInode(rel("tree/a", "tree/b"));
  }

  @Test
  void linksNamesWithSpacesNewlinesAndInvalidUtf8() {
    byte[] data = random(5, 3000);
    write(tree.path("plain.txt"), data);
    write(tree.path("with  two spaces .txt"), data);
    write(tree.path("new\nline.txt"), data);
    write(tree.path("back\\slash\ttab.txt"), data);
    // Names that are not valid UTF-8 cannot be written from a Java String: bash makes them.
    write(tmp.resolve("data.bin"), data);
    Trees.bash(tree.root(), "cp ../data.bin $'bad-\\xff\\xfe.txt'"
        + " && mkdir $'dir-\\xc3\\x28'"
        + " && cp ../data.bin $'dir-\\xc3\\x28/bad-\\x80-copy.txt'");

    List<Path> bad = Trees.childrenContaining(tree.root(), "bad-");
    List<Path> badDir = Trees.childrenContaining(tree.root(), "dir-");
    assertEquals(1, bad.size(), bad::toString);
    assertEquals(1, badDir.size(), badDir::toString);
    List<Path> badNested = Trees.childrenContaining(badDir.get(0), "bad-");
    assertEquals(1, badNested.size());
    assertTrue(bad.get(0).getFileName().toString().contains("\uFFFD"),
        "the name must really hold invalid UTF-8");

    Outcome o = tree.run("-v");

    o.run().assertCleanSuccess();
    List<Path> all = new ArrayList<>(rel("tree/plain.txt", "tree/with  two spaces .txt",
        "tree/new\nline.txt", "tree/back\\slash\ttab.txt"));
    all.add(tmp.relativize(bad.get(0)));
    all.add(tmp.relativize(badNested.get(0)));
    o.after().assertOneInode(all);
    assertEquals(5 * 3000, o.run().freedBytes());
    assertEquals(5, o.run().linkedNames());
    // The report escapes control characters, so a name cannot break a line.
    assertTrue(o.run().out().contains("new\\nline.txt"), o.run()::toString);
    assertTrue(o.run().out().contains("back\\\\slash\\ttab.txt"), o.run()::toString);
    assertFalse(o.run().out().lines().anyMatch(l -> l.startsWith("line.txt")), o.run()::toString);
  }

  @Test
  void linksFilesWithLongNamesInDeepFolders() {
    byte[] data = random(6, 3000);
    String longName = "n".repeat(246) + ".txt";
    assertEquals(250, longName.length());
    Path deep = tree.root();
    for (int i = 0; i < 40; i++) {
      deep = deep.resolve("d" + i);
    }
    write(tree.path(longName), data);
    write(deep.resolve(longName), data);
    write(deep.resolve("short"), data);
    write(tree.path("x"), data);
    // the long name sorts last and is newest, so it is replaced, not kept
    mtime(tree.path("x"), 1_000_000_000L);

    Outcome o = tree.run();

    o.run().assertCleanSuccess();
    o.after().assertOneInode(List.of(Path.of("tree", longName),
        tmp.relativize(deep.resolve(longName)), tmp.relativize(deep.resolve("short")),
        Path.of("tree", "x")));
    assertEquals(o.before().ino("tree", "x"), o.after().ino("tree", longName));
    assertEquals(3 * 3000, o.run().freedBytes());
  }

  /**
   * Twins of a 512 KiB file with one byte changed at the given offset: for each, the first or
   * the last 64 KiB (and the first and last 4 KiB) are equal, so only a full read tells them
   * apart.
   */
  @ParameterizedTest(name = "differs at offset {0}")
  @ValueSource(ints = {4096, 8191, 65_536, 65_537, 262_144, 524_288 - 65_537, 524_288 - 4097})
  void neverMergesFilesThatShareSizeAndEndsButDifferInBetween(int offset) {
    int size = 512 * 1024;
    byte[] data = random(7, size);
    byte[] twin = data.clone();
    twin[offset] ^= 0x01;
    write(tree.path("a"), data);
    write(tree.path("b"), data);
    write(tree.path("twin"), twin);

    Outcome o = tree.run();

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/a", "tree/b"));
    o.after().assertDistinctInodes(rel("tree/a", "tree/twin"));
    assertEquals(1, o.after().get("tree", "twin").nlink());
    assertEquals(size, o.run().freedBytes());
  }

  @Test
  void neverMergesTwoFilesThatShareOnlyTheirFirst64KiB() {
    int size = 300_000;
    byte[] a = random(8, size);
    byte[] b = a.clone();
    System.arraycopy(random(9, size - 65_536), 0, b, 65_536, size - 65_536);
    assertNeverMerged(a, b);
  }

  @Test
  void neverMergesTwoFilesThatShareOnlyTheirLast64KiB() {
    int size = 300_000;
    byte[] a = random(10, size);
    byte[] b = a.clone();
    System.arraycopy(random(11, size - 65_536), 0, b, 0, size - 65_536);
    assertNeverMerged(a, b);
  }

  /** Runs on a tree of the files {@code a} and {@code b}, and checks that it changed nothing. */
  private void assertNeverMerged(byte[] a, byte[] b) {
    write(tree.path("a"), a);
    write(tree.path("b"), b);

    Outcome o = tree.run();

    o.run().assertCleanSuccess();
    o.before().assertIdenticalTo(o.after());
    assertEquals(0, o.run().freedBytes());
  }

  @Test
  void mergesLargePairButNotTwinDifferingInLastByte() {
    int size = 8 << 20;
    byte[] data = random(12, size);
    byte[] twin = data.clone();
    twin[size - 1] ^= (byte) 0x80;
    write(tree.path("big-a"), data);
    write(tree.path("big-b"), data);
    write(tree.path("big-twin"), twin);

    Outcome o = tree.run();

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/big-a", "tree/big-b"));
    o.after().assertDistinctInodes(rel("tree/big-a", "tree/big-twin"));
    assertEquals(size, o.run().freedBytes());
    assertTrue(o.run().out().contains("Freed:      8.0 MiB (8388608 bytes)"), o.run()::toString);
  }

  @Test
  void reportsFullDiskAndKeepsEveryName() {
    tree.copies(13, 1000, "a", "b", "sub/c");
    AtomicInteger attempts = new AtomicInteger();
    LinkOps full = FakeOps.withCreateLink((link, existing) -> {
      attempts.incrementAndGet();
      throw new FileSystemException(link.toString(), null, "No space left on device");
    });

    Outcome o = tree.runWith(full);

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    assertTrue(attempts.get() >= 2, "createLink must have been tried");
    o.before().assertIdenticalTo(o.after());
    List<String> errors = o.run().err().lines().filter(l -> l.contains("No space left on device"))
        .toList();
    assertEquals(2, errors.size(), o.run()::toString);
    long named = Arrays.asList(tree.path("a"), tree.path("b"), tree.path("sub/c"))
        .stream().filter(p -> errors.stream().anyMatch(l -> l.contains(p + ":"))).count();
    assertEquals(2, named, "each error names the duplicate's path\n" + o.run());
    assertEquals(0, o.run().freedBytes());
    assertEquals(0, o.run().linkedNames());
  }

  @Test
  void removesTemporaryNameWhenRenameFails() {
    tree.copies(14, 1000, "a", "b");
    AtomicInteger renames = new AtomicInteger();
    LinkOps readOnly = new FakeOps() {
      @Override
      public void rename(java.nio.file.SecureDirectoryStream<Path> dir, Path source, Path target)
          throws java.io.IOException {
        renames.incrementAndGet();
        throw new FileSystemException(source.toString(), target.toString(),
            "Operation not permitted");
      }
    };

    Outcome o = tree.runWith(readOnly);

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    assertEquals(1, renames.get());
    o.before().assertIdenticalTo(o.after());
    assertTrue(o.run().err().contains("Operation not permitted"), o.run()::toString);
    assertEquals(0, o.run().freedBytes());
  }

  @Test
  void splitsDuplicatesOverSeveralInodesAtTheLinkLimit() {
    byte[] data = random(15, 777);
    List<Path> names = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      write(tree.path("f" + i), data);
      mtime(tree.path("f" + i), 1_000_000_000L + i);
      names.add(Path.of("tree", "f" + i));
    }

    Outcome o = tree.runWith(FakeOps.linkLimit(3));

    o.run().assertCleanSuccess();
    Map<Long, Integer> perInode = o.after().namesPerInode(names);
    assertTrue(perInode.values().stream().allMatch(n -> n <= 3), perInode::toString);
    for (List<TreeListing.Entry> entries : o.after().filesByInode().values()) {
      assertTrue(entries.get(0).nlink() <= 3, entries::toString);
    }
    assertEquals(4, perInode.size(), "ceil(10 / 3) inodes\n" + o.after());
    assertEquals(6 * 777, o.run().freedBytes());
  }

  @Test
  void splitsPreLinkedDuplicatesAtTheLinkLimitWithoutLosingNames() {
    byte[] data = random(16, 555);
    Path k = mtime(write(tree.path("k1"), data), 1_000_000_000L);
    link(tree.path("k2"), k);
    Path d = mtime(write(tree.path("d1"), data), 1_100_000_000L);
    link(tree.path("d2"), d);
    mtime(write(tree.path("e"), data), 1_200_000_000L);

    Outcome o = tree.runWith(FakeOps.linkLimit(3));

    o.run().assertCleanSuccess();
    List<Path> names = rel("tree/k1", "tree/k2", "tree/d1", "tree/d2", "tree/e");
    Map<Long, Integer> perInode = o.after().namesPerInode(names);
    assertTrue(perInode.values().stream().allMatch(n -> n <= 3), perInode::toString);
    assertEquals(2, perInode.size(), "five names need two inodes of at most 3 links\n" + o.after());
    assertEquals(555, o.run().freedBytes());
  }

  @Test
  void skipsDuplicateThatChangesWhileBeingLinked() {
    Path a = mtime(write(tree.path("a"), "same bytes"), 1_000_000_000L);
    Path b = mtime(write(tree.path("b"), "same bytes"), 1_100_000_000L);
    LinkOps racing = FakeOps.beforeFirstLink((link, existing) -> {
      Files.writeString(b, "NEW! bytes"); // a writer changes the duplicate: same size, new time
    });

    CommandRun run = CommandRun.withOps(racing, tree.root());
    TreeListing after = TreeListing.of(tmp);

    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.err().contains("changed during the run"), run::toString);
    after.assertDistinctInodes(rel("tree/a", "tree/b"));
    assertEquals("NEW! bytes", read(b), "the writer's bytes must survive");
    assertEquals("same bytes", read(a));
    after.assertNoTemporaryNames();
    assertEquals(0, run.freedBytes());
  }

  @Test
  void stopsGroupWhenKeptFileIsReplacedWhileLinking() {
    Path a = mtime(write(tree.path("a"), "same bytes"), 1_000_000_000L);
    Path b = mtime(write(tree.path("b"), "same bytes"), 1_100_000_000L);
    LinkOps racing = FakeOps.beforeFirstLink((link, existing) -> {
      Path fresh = write(tmp.resolve("fresh"), "NEW! bytes");
      Files.move(fresh, existing, StandardCopyOption.ATOMIC_MOVE);
    });

    CommandRun run = CommandRun.withOps(racing, tree.root());
    TreeListing after = TreeListing.of(tmp);

    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.err().contains("changed during the run"), run::toString);
    assertEquals("same bytes", read(b), "b must keep its own bytes");
    assertEquals("NEW! bytes", read(a));
    after.assertDistinctInodes(rel("tree/a", "tree/b"));
    after.assertNoTemporaryNames();
    assertEquals(0, run.freedBytes());
  }

  @Test
  void neverLinksDuplicateToKeptFileRewrittenJustBeforeLinking() {
    Path a = mtime(write(tree.path("a"), "same bytes"), 1_000_000_000L);
    Path b = mtime(write(tree.path("b"), "same bytes"), 1_100_000_000L);
    LinkOps racing = FakeOps.beforeFirstLink((link, existing) -> {
      Files.writeString(existing, "NEW! bytes"); // a writer rewrites the kept file in place
    });

    CommandRun run = CommandRun.withOps(racing, tree.root());
    TreeListing after = TreeListing.of(tmp);

    assertEquals("NEW! bytes", read(a));
    assertEquals("same bytes", read(b), "b must keep its own bytes\n" + run);
    after.assertDistinctInodes(rel("tree/a", "tree/b"));
    assertTrue(run.err().contains("changed during the run"), run::toString);
    after.assertNoTemporaryNames();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
