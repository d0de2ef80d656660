package linkdupes;

import static linkdupes.Trees.mtime;
import static linkdupes.Trees.random;
import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import linkdupes.fs.LinkOps;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tree changes between hashing and linking. Every change is injected by a {@link LinkOps}
 * whose first {@code createLink} call (made for the first duplicate of the group) changes other
 * names that were hashed but not yet linked, then does the real call: the change lands exactly
 * in the window between the last read of those names and their linking.
 */
class ChangingTreeTest {
  private static final int SIZE = 10_000;
  private static final byte[] DATA = random(4711, SIZE);
  private static final byte[] EXTRA = "appended by a writer".getBytes();
  private static final byte[] OTHER = random(4712, SIZE);

  /** Modification times decide the order: k is kept, then d1, d2, d3, d4 are linked in turn. */
  private static final long T_KEPT = 1_000_000_000L;

  @TempDir Path tmp;
  Path tree;

  @BeforeEach
  void setUp() {
    tree = Trees.mkdirs(tmp.resolve("tree"));
  }

  // ---------------------------------------------------------------------------------------
  // A duplicate changes after it was hashed and before it is linked.
  // ---------------------------------------------------------------------------------------

  /** A change made to a duplicate that was hashed and not linked yet. */
  enum Change {
    APPENDED("appended to") {
      @Override
      void apply(Path file) throws IOException {
        Files.write(file, EXTRA, StandardOpenOption.APPEND);
      }

      @Override
      void assertResult(Path rel, TreeListing before, TreeListing after, long keptIno) {
        assertFileHolds(after, rel, concat(DATA, EXTRA));
        assertEquals(before.get(rel).ino(), after.get(rel).ino(), "the writer's inode stays");
      }
    },
    REWRITTEN_WITH_NEW_MTIME("rewritten in place: same size, other bytes, another mtime") {
      @Override
      void apply(Path file) throws IOException {
        FileTime old = Files.getLastModifiedTime(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.write(java.nio.ByteBuffer.wrap(OTHER), 0);
        }
        // a coarse clock could give the rewrite the old time: set one that surely differs
        Files.setLastModifiedTime(file, FileTime.fromMillis(old.toMillis() + 3_600_000L));
        assertEquals(SIZE, Files.size(file));
      }

      @Override
      void assertResult(Path rel, TreeListing before, TreeListing after, long keptIno) {
        assertFileHolds(after, rel, OTHER);
        assertEquals(before.get(rel).ino(), after.get(rel).ino(), "the writer's inode stays");
      }
    },
    TRUNCATED("truncated") {
      @Override
      void apply(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(SIZE / 3);
        }
      }

      @Override
      void assertResult(Path rel, TreeListing before, TreeListing after, long keptIno) {
        assertFileHolds(after, rel, Arrays.copyOf(DATA, SIZE / 3));
        assertEquals(before.get(rel).ino(), after.get(rel).ino(), "the writer's inode stays");
      }
    },
    RENAMED_AWAY("renamed away") {
      @Override
      void apply(Path file) throws IOException {
        Files.move(file, renamed(file));
      }

      @Override
      void assertResult(Path rel, TreeListing before, TreeListing after, long keptIno) {
        assertFalse(after.entries().containsKey(rel), () -> rel + " was renamed away\n" + after);
        Path moved = renamed(rel);
        assertFileHolds(after, moved, DATA);
        assertEquals(before.get(rel).ino(), after.get(moved).ino(),
            "the renamed file is the very file that was hashed, and it was not replaced");
        assertEquals(1, after.get(moved).nlink());
      }

      @Override
      Set<Path> newNames(Path rel) {
        return Set.of(renamed(rel));
      }
    },
    DELETED("deleted") {
      @Override
      void apply(Path file) throws IOException {
        Files.delete(file);
      }

      @Override
      void assertResult(Path rel, TreeListing before, TreeListing after, long keptIno) {
        assertFalse(after.entries().containsKey(rel),
            () -> rel + " was deleted and must not come back\n" + after);
      }
    },
    REPLACED_BY_SYMLINK("replaced by a symlink to the kept file") {
      @Override
      void apply(Path file) throws IOException {
        Files.delete(file);
        Files.createSymbolicLink(file, keptOf(file));
      }

      @Override
      void assertResult(Path rel, TreeListing before, TreeListing after, long keptIno) {
        TreeListing.Entry e = after.get(rel);
        assertEquals(TreeListing.Type.SYMLINK, e.type(), () -> "still a symlink: " + e);
        assertTrue(e.target().endsWith(Path.of("tree", "k")), e::toString);
      }
    },
    REPLACED_BY_DIRECTORY("replaced by a directory") {
      @Override
      void apply(Path file) throws IOException {
        Files.delete(file);
        Files.createDirectory(file);
        Files.write(file.resolve("inside"), DATA);
      }

      @Override
      void assertResult(Path rel, TreeListing before, TreeListing after, long keptIno) {
        assertEquals(TreeListing.Type.DIRECTORY, after.get(rel).type(), () -> after.toString());
        assertFileHolds(after, rel.resolve("inside"), DATA);
        assertEquals(1, after.get(rel.resolve("inside")).nlink(),
            "a file created after the scan is not linked");
      }

      @Override
      Set<Path> newNames(Path rel) {
        return Set.of(rel.resolve("inside"));
      }
    };

    private final String description;

    Change(String description) {
      this.description = description;
    }

    abstract void apply(Path file) throws IOException;

    /** What the changed name (relative to the listed directory) must hold after the run. */
    abstract void assertResult(Path rel, TreeListing before, TreeListing after, long keptIno);

    /** Names the change creates, relative like {@code rel}. */
    Set<Path> newNames(Path rel) {
      return Set.of();
    }

    static Path renamed(Path file) {
      return file.resolveSibling(file.getFileName() + "-renamed");
    }

    /** The kept file of the test tree (the file {@code k} in the directory {@code tree}). */
    static Path keptOf(Path file) {
      Path p = file;
      while (!p.getFileName().toString().equals("tree")) {
        p = p.getParent();
      }
      return p.resolve("k");
    }

    @Override
    public String toString() {
      return description;
    }
  }

  /**
   * k is kept; d1 is linked first and its link changes d2 (in a directory not opened yet) and
   * d3 (in d1's directory, already opened); d4 is untouched and linked last.
   */
  @ParameterizedTest(name = "a duplicate {0} between hashing and linking is skipped")
  @EnumSource(Change.class)
  void duplicateChangedBetweenHashingAndLinkingIsSkippedAndKeepsItsNewState(Change change) {
    Path k = mtime(write(tree.resolve("k"), DATA), T_KEPT);
    Path d1 = mtime(write(tree.resolve("d1"), DATA), T_KEPT + 1000);
    Path d2 = mtime(write(tree.resolve("a/d2"), DATA), T_KEPT + 2000);
    Path d3 = mtime(write(tree.resolve("d3"), DATA), T_KEPT + 3000);
    Path d4 = mtime(write(tree.resolve("b/d4"), DATA), T_KEPT + 4000);
    List<Path> changed = List.of(d2, d3);

    List<String> seenAtChange = new ArrayList<>();
    LinkOps racing = FakeOps.beforeFirstLink((link, existing) -> {
      seenAtChange.add(link.getParent() + " " + existing);
      for (Path c : changed) {
        // not linked yet: still its own single-named file with the hashed bytes
        seenAtChange.add(c + " nlink=" + Trees.nlink(c) + " same=" + isData(c));
        change.apply(c);
      }
    });

    TreeListing before = TreeListing.of(tmp);
    CommandRun run = CommandRun.withOps(racing, tree);
    TreeListing after = TreeListing.of(tmp);

    assertEquals(List.of(tree + " " + k, d2 + " nlink=1 same=true", d3 + " nlink=1 same=true"),
        seenAtChange, "the change must land after d1's link began and before d2, d3 were linked");
    assertEquals(0, run.exitCode(), run::toString);
    long keptIno = before.ino("tree", "k");

    // untouched names: k kept, d1 and d4 linked to it, all holding the original bytes
    assertFileHolds(after, rel(k), DATA);
    assertEquals(keptIno, after.ino("tree", "k"));
    assertEquals(keptIno, after.get(rel(d1)).ino(), () -> "d1 is linked\n" + run + after);
    assertEquals(keptIno, after.get(rel(d4)).ino(), () -> "d4 is linked\n" + run + after);
    assertFileHolds(after, rel(d1), DATA);
    assertFileHolds(after, rel(d4), DATA);

    // the changed names: never linked over, they keep exactly what the writer left
    for (Path c : changed) {
      change.assertResult(rel(c), before, after, keptIno);
      TreeListing.Entry e = after.entries().get(rel(c));
      if (e != null && e.type() == TreeListing.Type.FILE) {
        assertNotEquals(keptIno, e.ino(), () -> c + " must not be linked to the kept file");
      }
      assertTrue(run.err().contains("skipping " + c + ": changed during the run"),
          () -> "the change of " + c + " is reported\n" + run);
    }

    // nothing else appeared, vanished or changed
    Set<Path> changedRel = Set.of(rel(d2), rel(d3));
    List<Path> expectedNew = new ArrayList<>();
    changed.forEach(c -> expectedNew.addAll(change.newNames(rel(c))));
    for (Map.Entry<Path, TreeListing.Entry> e : before.entries().entrySet()) {
      if (!changedRel.contains(e.getKey())) {
        TreeListing.Entry now = after.entries().get(e.getKey());
        assertTrue(now != null && now.content().equals(e.getValue().content()),
            () -> "untouched name " + e.getKey() + " must keep its bytes\n" + after);
      }
    }
    for (Path p : after.entries().keySet()) {
      assertTrue(before.entries().containsKey(p) || expectedNew.contains(p),
          () -> "unexpected new name " + p + "\n" + after);
    }
    after.assertNoTemporaryNames();

    assertEquals(2, run.linkedNames(), run::toString);
    assertEquals(2L * SIZE, run.freedBytes(), run::toString);
    assertTrue(skippedRow(run).contains("2 changed during the run"), run::toString);
  }

  /**
   * The README's stated limit: a rewrite that keeps the size and the nanosecond modification
   * time cannot be seen. The test shows what then happens, and fails only if the outcome is
   * neither "skipped as changed" nor that documented limit.
   */
  @Test
  void rewriteKeepingSizeAndNanosecondMtimeIsTheDocumentedBlindSpot() throws IOException {
    Path k = mtime(write(tree.resolve("k"), DATA), T_KEPT);
    Path d1 = mtime(write(tree.resolve("d1"), DATA), T_KEPT + 1000);
    Path d2 = write(tree.resolve("a/d2"), DATA);
    // a time with nanoseconds, as a real write gives
    Files.setLastModifiedTime(d2, FileTime.from(java.time.Instant.ofEpochSecond(T_KEPT + 2000,
        123_456_789)));
    FileTime hashedTime = Files.getLastModifiedTime(d2, LinkOption.NOFOLLOW_LINKS);
    List<FileTime> restored = new ArrayList<>();
    LinkOps racing = FakeOps.beforeFirstLink((link, existing) -> {
      try (FileChannel ch = FileChannel.open(d2, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(OTHER), 0);
      }
      Files.setLastModifiedTime(d2, hashedTime);
      restored.add(Files.getLastModifiedTime(d2, LinkOption.NOFOLLOW_LINKS));
    });

    TreeListing before = TreeListing.of(tmp);
    CommandRun run = CommandRun.withOps(racing, tree);
    TreeListing after = TreeListing.of(tmp);

    assertEquals(List.of(hashedTime), restored, "the writer restored the exact nanosecond time");
    assertEquals(0, run.exitCode(), run::toString);
    long keptIno = before.ino("tree", "k");
    assertEquals(keptIno, after.get(rel(d1)).ino(), () -> "d1 is linked\n" + run);
    assertFileHolds(after, rel(k), DATA);
    after.assertNoTemporaryNames();
    if (run.err().contains("skipping " + d2 + ": changed during the run")) {
      // the rewrite was seen after all (e.g. by its ctime): treated like every other change
      assertFileHolds(after, rel(d2), OTHER);
      assertNotEquals(keptIno, after.get(rel(d2)).ino());
    } else {
      // The documented limit: d2 is linked over and the writer's bytes lose this name.
      // surefire runs in the project directory and sets basedir to it
      Path readmePath = Path.of(System.getProperty("basedir", ""), "README.md");
      Assumptions.assumeTrue(Files.isReadable(readmePath),
          "d2 was linked over; README.md is not found to check that this is its stated limit");
      String readme = Files.readString(readmePath).replaceAll("\\s+", " ");
      assertTrue(readme.contains("a rewrite that keeps both the size and the nanosecond"
          + " modification time"),
          "linking over such a rewrite must be the limit the README states");
      assertEquals(keptIno, after.get(rel(d2)).ino(), () -> run + "\n" + after);
      assertFileHolds(after, rel(d2), DATA);
      assertEquals(2, run.linkedNames(), run::toString);
    }
  }

  // ---------------------------------------------------------------------------------------
  // The kept file changes after the first temporary link to it was made.
  // ---------------------------------------------------------------------------------------

  enum KeptChange {
    APPENDED("appended to in place") {
      @Override
      void apply(Path kept, Path scratch) throws IOException {
        Files.write(kept, EXTRA, StandardOpenOption.APPEND);
      }

      @Override
      byte[] newBytes() {
        return concat(DATA, EXTRA);
      }
    },
    REWRITTEN("rewritten in place with the same size and another mtime") {
      @Override
      void apply(Path kept, Path scratch) throws IOException {
        FileTime old = Files.getLastModifiedTime(kept);
        try (FileChannel ch = FileChannel.open(kept, StandardOpenOption.WRITE)) {
          ch.write(java.nio.ByteBuffer.wrap(OTHER), 0);
        }
        Files.setLastModifiedTime(kept, FileTime.fromMillis(old.toMillis() + 3_600_000L));
      }

      @Override
      byte[] newBytes() {
        return OTHER;
      }
    },
    REPLACED("replaced by a new file renamed over it") {
      @Override
      void apply(Path kept, Path scratch) throws IOException {
        Files.write(scratch, OTHER);
        Files.move(scratch, kept, StandardCopyOption.ATOMIC_MOVE);
      }

      @Override
      byte[] newBytes() {
        return OTHER;
      }
    };

    private final String description;

    KeptChange(String description) {
      this.description = description;
    }

    abstract void apply(Path kept, Path scratch) throws IOException;

    abstract byte[] newBytes();

    @Override
    public String toString() {
      return description;
    }
  }

  @ParameterizedTest(name = "no duplicate is linked to the kept file''s new content when it is {0}")
  @EnumSource(KeptChange.class)
  void keptFileChangedAfterTheFirstLinkIsNeverLinkedToInItsNewContent(KeptChange change) {
    Path k = mtime(write(tree.resolve("k"), DATA), T_KEPT);
    List<Path> dups = List.of(
        mtime(write(tree.resolve("d1"), DATA), T_KEPT + 1000),
        mtime(write(tree.resolve("a/d2"), DATA), T_KEPT + 2000),
        mtime(write(tree.resolve("d3"), DATA), T_KEPT + 3000),
        mtime(write(tree.resolve("b/d4"), DATA), T_KEPT + 4000));
    FakeOps.FirstLink racing = FakeOps.afterFirstLink((link, existing) -> {
      assertEquals(k, existing);
      change.apply(k, tmp.resolve("scratch"));
    });

    TreeListing before = TreeListing.of(tmp);
    CommandRun run = CommandRun.withOps(racing, tree);
    TreeListing after = TreeListing.of(tmp);

    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(racing.calls() >= 1, "createLink was called");
    assertFileHolds(after, rel(k), change.newBytes());
    long newKeptIno = after.ino("tree", "k");
    for (Path d : dups) {
      assertFileHolds(after, rel(d), DATA);
      assertNotEquals(newKeptIno, after.get(rel(d)).ino(),
          () -> d + " must not be a name of the changed kept file\n" + run + after);
    }
    // duplicates after the first are left exactly as they were
    for (Path d : dups.subList(1, dups.size())) {
      assertEquals(before.get(rel(d)), after.get(rel(d)), () -> d + " untouched\n" + run);
    }
    assertTrue(run.err().contains("skipping " + k + ": changed during the run"), run::toString);
    // every name of the group left unlinked is counted as skipped
    assertTrue(skippedRow(run).contains((dups.size() - run.linkedNames())
        + " changed during the run"), run::toString);
    after.assertNoTemporaryNames();
    assertEquals(List.of(), after.entries().keySet().stream()
        .filter(p -> !before.entries().containsKey(p)).toList(), "no new names");
  }

  // ---------------------------------------------------------------------------------------
  // A duplicate's directory is swapped for a symlink to a directory outside the root.
  // ---------------------------------------------------------------------------------------

  /** The tree's {@code sub}, the outside directory the symlink points to, and the moved one. */
  private record Swap(Path sub, Path outside, Path moved) {
    /** Moves the real directory away (out of the root) and puts a symlink in its place. */
    void run() throws IOException {
      Files.move(sub, moved, StandardCopyOption.ATOMIC_MOVE);
      Files.createSymbolicLink(sub, outside);
    }
  }

  private Swap swapWithOutsideHolding(String... names) {
    Path outside = Trees.mkdirs(tmp.resolve("outside"));
    for (String n : names) {
      mtime(write(outside.resolve(n), DATA), T_KEPT + 500);
    }
    return new Swap(tree.resolve("sub"), outside, tmp.resolve("moved-sub"));
  }

  enum Opened {
    NOT_YET("not opened yet"), ALREADY("already opened for an earlier duplicate");

    private final String description;

    Opened(String description) {
      this.description = description;
    }

    @Override
    public String toString() {
      return description;
    }
  }

  /**
   * The swap happens in the first createLink call, made for a duplicate in another directory
   * ({@code NOT_YET}) or, after the real call, for an earlier duplicate in the very directory
   * that is then swapped ({@code ALREADY}: the linker holds it open).
   */
  @ParameterizedTest(name = "a directory {0} and swapped for a symlink to outside is not followed")
  @EnumSource(Opened.class)
  void directorySwappedForSymlinkToOutsideBetweenHashingAndLinkingIsNotFollowed(Opened opened)
      throws IOException {
    mtime(write(tree.resolve("k"), DATA), T_KEPT);
    Path first = opened == Opened.NOT_YET ? tree.resolve("d1") : tree.resolve("sub/d1");
    mtime(write(first, DATA), T_KEPT + 1000);
    mtime(write(tree.resolve("sub/d2"), DATA), T_KEPT + 2000);
    Swap swap = swapWithOutsideHolding("d1", "d2");
    TreeListing outsideBefore = TreeListing.of(swap.outside());
    LinkOps racing = FakeOps.afterFirstLink((link, existing) -> {
      assertEquals(first.getParent(), link.getParent());
      swap.run();
    });

    TreeListing before = TreeListing.of(tree);
    CommandRun run = CommandRun.withOps(racing, tree);

    assertEquals(0, run.exitCode(), run::toString);
    outsideBefore.assertIdenticalTo(TreeListing.of(swap.outside()));
    assertTrue(Files.isSymbolicLink(swap.sub()));
    assertEquals(swap.outside(), Files.readSymbolicLink(swap.sub()));
    long keptIno = before.ino("k");
    TreeListing moved = TreeListing.of(swap.moved());
    // d2 is skipped, or linked only in the real directory, where it now lives
    assertFileHolds(moved, Path.of("d2"), DATA);
    if (moved.ino("d2") != keptIno) {
      assertEquals(before.ino("sub", "d2"), moved.ino("d2"));
      assertTrue(run.err().contains("skipping " + tree.resolve("sub/d2")
          + ": changed during the run"), run::toString);
    }
    assertEquals(keptIno, opened == Opened.NOT_YET ? TreeListing.of(tree).ino("d1")
        : moved.ino("d1"), () -> "the first duplicate was linked before the swap\n" + run);
    moved.assertNoTemporaryNames();
    TreeListing.of(tmp).assertNoTemporaryNames();
  }

  /**
   * The swap happens in the very instant before the temporary link is made, after every
   * check: made by path, the link would land in the outside directory (a stray name there).
   * Made with linkat(2) in the opened directory, it lands in the real one, now moved, where the
   * duplicate is then replaced; nothing outside changes.
   */
  @Test
  void directorySwappedJustBeforeTheLinkGetsNoNameOutside() throws IOException {
    Assumptions.assumeTrue(linkdupes.fs.VerifiedFile.verified(), "no linkat here");
    mtime(write(tree.resolve("k"), DATA), T_KEPT);
    mtime(write(tree.resolve("sub/d1"), DATA), T_KEPT + 1000);
    Swap swap = swapWithOutsideHolding("d1");
    TreeListing outsideBefore = TreeListing.of(swap.outside());
    LinkOps racing = new FakeOps() {
      @Override
      public void createLinkIn(java.nio.file.SecureDirectoryStream<Path> dir, Path link,
          Path existing) throws IOException {
        swap.run();
        LinkOps.SYSTEM.createLinkIn(dir, link, existing);
      }
    };

    TreeListing before = TreeListing.of(tree);
    CommandRun run = CommandRun.withOps(racing, tree);

    assertEquals(0, run.exitCode(), run::toString);
    outsideBefore.assertIdenticalTo(TreeListing.of(swap.outside()));
    TreeListing moved = TreeListing.of(swap.moved());
    assertFileHolds(moved, Path.of("d1"), DATA);
    assertEquals(before.ino("k"), moved.ino("d1"), "linked in the real directory");
    moved.assertNoTemporaryNames();
    TreeListing.of(tmp).assertNoTemporaryNames();
  }

  /** The swap happens inside createLink, after the temporary link was made, before the rename. */
  @Test
  void directorySwappedBetweenTemporaryLinkAndRenameIsNeverRenamedOverOutside() throws IOException {
    mtime(write(tree.resolve("k"), DATA), T_KEPT);
    mtime(write(tree.resolve("sub/d1"), DATA), T_KEPT + 1000);
    Swap swap = swapWithOutsideHolding("d1");
    TreeListing outsideBefore = TreeListing.of(swap.outside());
    List<Path> temporaries = new ArrayList<>();
    LinkOps racing = FakeOps.afterFirstLink((link, existing) -> {
      temporaries.add(link);
      swap.run();
    });

    TreeListing before = TreeListing.of(tree);
    CommandRun run = CommandRun.withOps(racing, tree);

    assertEquals(List.of(swap.sub()), temporaries.stream().map(Path::getParent).toList());
    outsideBefore.assertIdenticalTo(TreeListing.of(swap.outside()));
    TreeListing moved = TreeListing.of(swap.moved());
    assertFileHolds(moved, Path.of("d1"), DATA);
    moved.assertNoTemporaryNames();
    TreeListing.of(tmp).assertNoTemporaryNames();
    if (moved.ino("d1") == before.ino("k")) {
      // renamed relative to the directory it opened, which is the real one, now moved
      assertEquals(0, run.exitCode(), run::toString);
      assertEquals(1, run.linkedNames(), run::toString);
    } else {
      assertEquals(before.ino("sub", "d1"), moved.ino("d1"));
      assertTrue(run.err().contains(tree.resolve("sub/d1").toString()), run::toString);
    }
  }

  /**
   * The swap happens in the last moment: inside createLink for the duplicate in the swapped
   * directory, before the real call, after every check the linker made.
   */
  @Test
  void directorySwappedJustBeforeTheTemporaryLinkGetsNoNewNameOutside() throws IOException {
    mtime(write(tree.resolve("k"), DATA), T_KEPT);
    mtime(write(tree.resolve("sub/d1"), DATA), T_KEPT + 1000);
    Swap swap = swapWithOutsideHolding("d1");
    TreeListing outsideBefore = TreeListing.of(swap.outside());
    LinkOps racing = FakeOps.beforeFirstLink((link, existing) -> swap.run());

    TreeListing before = TreeListing.of(tree);
    CommandRun run = CommandRun.withOps(racing, tree);

    TreeListing outsideAfter = TreeListing.of(swap.outside());
    assertEquals(outsideBefore.entries().keySet(), outsideAfter.entries().keySet(),
        () -> "no new name may appear outside the root\n" + run + "\n" + outsideAfter);
    outsideBefore.assertIdenticalTo(outsideAfter);
    TreeListing moved = TreeListing.of(swap.moved());
    assertFileHolds(moved, Path.of("d1"), DATA);
    assertEquals(before.ino("sub", "d1"), moved.ino("d1"));
    TreeListing.of(tmp).assertNoTemporaryNames();
  }

  // ---------------------------------------------------------------------------------------

  private Path rel(Path p) {
    return tmp.relativize(p);
  }

  private static String skippedRow(CommandRun run) {
    return run.out().lines().filter(l -> l.startsWith("Skipped:")).findFirst()
        .orElseGet(() -> fail("no Skipped: row\n" + run));
  }

  static void assertFileHolds(TreeListing listing, Path rel, byte[] expected) {
    TreeListing.Entry e = listing.get(rel);
    assertEquals(TreeListing.Type.FILE, e.type(), e::toString);
    assertEquals(TreeListing.sha256(expected), e.sha256(), () -> rel + " holds other bytes: " + e);
  }

  private static boolean isData(Path p) {
    try {
      return Arrays.equals(DATA, Files.readAllBytes(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
