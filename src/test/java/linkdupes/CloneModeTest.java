package linkdupes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import linkdupes.fs.Dedupe;
import linkdupes.fs.FileStat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --method clone} and {@code auto} on real file systems in loop-mounted images: every
 * file keeps its inode, names and metadata while duplicates come to share the kept file's
 * blocks, and the dry run says the space the file system then gets back.
 */
class CloneModeTest {
  private static final int BLOCK = 4096;

  @TempDir Path tmp;

  /**
   * A photo library filed three ways, with copies that differ in what a hard link would make
   * shared (mode, owner, time, an extended attribute), one pair already hard-linked, one copy
   * that already shares all its blocks (a reflink), and a file without a twin.
   */
  private static Map<String, byte[]> photos(Path root) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    byte[] a = Trees.random(11, 1_500_000 + 77);
    byte[] b = Trees.random(12, 700_001);
    byte[] c = Trees.random(13, 3 * (1 << 20));
    files.put("by-date/2024/IMG_1.jpg", a);
    files.put("by-person/alice/IMG_1.jpg", a);
    files.put("by-place/kyoto/IMG_1.jpg", a);
    files.put("by-date/2024/IMG_2.jpg", b);
    files.put("by-person/bob/IMG_2.jpg", b);
    files.put("by-date/2024/IMG_3.jpg", c);
    files.put("by-place/paris/IMG_3.jpg", c);
    files.put("by-date/2024/unique.jpg", Trees.random(14, 400_000));
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Trees.write(root.resolve(e.getKey()), e.getValue());
    }
    Path alice = root.resolve("by-person/alice/IMG_1.jpg");
    Trees.mode(alice, "rw-------");
    Files.setAttribute(root.resolve("by-person/bob/IMG_2.jpg"), "unix:uid", 1000);
    Trees.mtime(root.resolve("by-place/kyoto/IMG_1.jpg"), 1_600_000_000L);
    Files.getFileAttributeView(root.resolve("by-place/paris/IMG_3.jpg"),
        UserDefinedFileAttributeView.class).write("user.tag", ByteBuffer.wrap(new byte[] {1}));
    Trees.link(root.resolve("albums/IMG_3.jpg"), root.resolve("by-date/2024/IMG_3.jpg"));
    files.put("albums/IMG_3.jpg", c);
    LoopFileSystem.copyShared(root.resolve("by-date/2024/IMG_2.jpg"),
        root.resolve("by-place/kyoto/IMG_2.jpg"));
    files.put("by-place/kyoto/IMG_2.jpg", b);
    return files;
  }

  /** Everything of every file that cloning must leave alone: its stat, xattrs and bytes. */
  private static Map<String, String> metadata(Path root, Iterable<String> names)
      throws IOException {
    Map<String, String> all = new TreeMap<>();
    for (String n : names) {
      Path p = root.resolve(n);
      UserDefinedFileAttributeView x =
          Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
      all.put(n, FileStat.of(p) + " xattrs=" + x.list() + " sha256=" + TreeListing.sha256(p));
    }
    return all;
  }

  private static LoopFileSystem mount(String kind, Path dir) {
    return kind.equals("btrfs") ? LoopFileSystem.btrfs(dir) : LoopFileSystem.xfs(dir);
  }

  @ParameterizedTest
  @ValueSource(strings = {"btrfs", "xfs"})
  void clonesAPhotoTreeKeepingEveryFileItsOwnAndFreesWhatTheDryRunSaid(String kind)
      throws IOException {
    Assumptions.assumeTrue(Dedupe.available(), Dedupe::whyNot);
    try (LoopFileSystem fs = mount(kind, tmp)) {
      Path root = Trees.mkdirs(fs.root().resolve("photos"));
      Map<String, byte[]> files = photos(root);
      fs.sync();
      Map<String, String> before = metadata(root, files.keySet());

      CommandRun dry = CommandRun.main("--no-cache", "--method", "clone", "-n", "-v", root);
      dry.assertCleanSuccess();
      assertEquals(before, metadata(root, files.keySet()), "a dry run changes nothing");
      // 2 copies of a, 1 of b (the reflink shares all already), 1 of c (its two names are one
      // file): each of a different mode, owner, time or attribute
      assertEquals(4, dry.clonedFiles(), dry::toString);
      assertTrue(!dry.out().contains("by-place/kyoto/IMG_2.jpg"), dry::toString);
      long said = dry.diskFreedBytes();
      assertEquals(2 * roundUp(1_500_077) + roundUp(700_001) + 3 * (1 << 20), said,
          dry::toString);
      long free = fs.freeBytes();

      CommandRun run = CommandRun.main("--no-cache", "--method", "clone", root);

      run.assertCleanSuccess();
      DedupeCallsTest.assertFreedAsSaid(said, fs.freeBytes() - free);
      assertEquals(before, metadata(root, files.keySet()),
          "every file keeps its inode, links, mode, owner, times, attributes and bytes");
      for (String name : files.keySet()) {
        assertArrayEquals(files.get(name), Files.readAllBytes(root.resolve(name)), name);
      }
      assertSharesAll(root, "by-date/2024/IMG_1.jpg", "by-person/alice/IMG_1.jpg",
          "by-place/kyoto/IMG_1.jpg");
      assertSharesAll(root, "by-date/2024/IMG_2.jpg", "by-person/bob/IMG_2.jpg");
      assertSharesAll(root, "by-date/2024/IMG_3.jpg", "by-place/paris/IMG_3.jpg");

      CommandRun again = CommandRun.main("--no-cache", "--method", "clone", root);
      again.assertCleanSuccess();
      assertEquals(0, again.clonedFiles(), again::toString);
      assertEquals(0, again.diskFreedBytes(), again::toString);
    }
  }

  private static void assertSharesAll(Path root, String kept, String... others)
      throws IOException {
    Path k = root.resolve(kept);
    List<Dedupe.Extent> keptExtents = Dedupe.extents(k, FileStat.of(k));
    for (String o : others) {
      Path p = root.resolve(o);
      List<Dedupe.Extent> extents = Dedupe.extents(p, FileStat.of(p));
      assertTrue(Dedupe.sharesAll(extents, keptExtents), () -> o + ": " + extents
          + " against " + keptExtents);
    }
  }

  @Test
  void autoClonesOnBtrfsAndHardLinksOnExt4WithOneLineForIt() throws IOException {
    Assumptions.assumeTrue(Dedupe.available(), Dedupe::whyNot);
    try (LoopFileSystem btrfs = LoopFileSystem.btrfs(Trees.mkdirs(tmp.resolve("b")));
        LoopFileSystem ext4 = LoopFileSystem.ext4(Trees.mkdirs(tmp.resolve("e")))) {
      byte[] bytes = Trees.random(21, 200_000);
      Path b1 = Trees.write(btrfs.root().resolve("one"), bytes);
      Path b2 = LoopFileSystem.copyUnshared(b1, btrfs.root().resolve("two"));
      Path e1 = Trees.write(ext4.root().resolve("one"), bytes);
      Path e2 = Trees.write(ext4.root().resolve("two"), bytes);
      // one copy on each: a pair neither cloned nor linked, and no group of one
      byte[] solo = Trees.random(22, 100_000);
      Trees.write(btrfs.root().resolve("solo"), solo);
      Trees.write(ext4.root().resolve("solo"), solo);
      btrfs.sync();
      long b2Ino = Trees.ino(b2);

      CommandRun run = CommandRun.main("--no-cache", "--method", "auto", btrfs.root(),
          ext4.root());

      assertEquals(0, run.exitCode(), run::toString);
      assertEquals(1, run.clonedFiles(), run::toString);
      assertEquals(1, run.linkedNames(), run::toString);
      assertTrue(run.out().matches("(?s).*\\nDuplicates:\\s+2 groups\\n.*"), run::toString);
      assertTrue(hasRow(run, "Clones on", btrfs.root() + " \\([^)]*btrfs\\)")
          && hasRow(run, "Links on", ext4.root() + " \\([^)]*ext4\\)"), run::toString);
      assertTrue(run.out().contains("1 on another device"), run::toString);
      assertEquals(b2Ino, Trees.ino(b2), "the clone keeps its inode");
      assertNotEquals(Trees.ino(b1), Trees.ino(b2));
      assertEquals(Trees.ino(e1), Trees.ino(e2), "ext4's copies are hard-linked");
      List<String> lines = run.err().lines().toList();
      assertEquals(1, lines.size(), run::toString);
      assertTrue(lines.get(0).contains("hard-linking on " + ext4.root() + " (")
          && lines.get(0).contains("ext4"), run::toString);
      assertSharesAll(btrfs.root(), "one", "two");
    }
  }

  @Test
  void cloneOnExt4IsRefusedInOneLineNamingTheMountAndNothingChanges() throws IOException {
    Assumptions.assumeTrue(Dedupe.available(), Dedupe::whyNot);
    try (LoopFileSystem ext4 = LoopFileSystem.ext4(tmp)) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Trees.write(Trees.mkdirs(ext4.root().resolve("d" + i)).resolve("f"),
            Trees.random(i % 2, 50_000));
        names.add("d" + i + "/f");
      }
      Map<String, String> before = metadata(ext4.root(), names);

      CommandRun run = CommandRun.main("--no-cache", "--method", "clone", ext4.root());

      assertEquals(1, run.exitCode(), run::toString);
      List<String> lines = run.err().lines().toList();
      assertEquals(1, lines.size(), run::toString);
      assertTrue(lines.get(0).startsWith("linkdupes: cannot clone on " + ext4.root() + " (")
          && lines.get(0).contains("ext4"), run::toString);
      assertEquals(0, run.clonedFiles(), run::toString);
      assertEquals(before, metadata(ext4.root(), names));
    }
  }

  /** The nightly case: a second run over the cloned tree reads no byte and clones nothing. */
  @Test
  void withTheCacheASecondRunReadsNothingAndClonesNothing() throws IOException {
    Assumptions.assumeTrue(Dedupe.available(), Dedupe::whyNot);
    Path cache = tmp.resolve("cache").resolve("cache.db");
    try (LoopFileSystem fs = LoopFileSystem.btrfs(Trees.mkdirs(tmp.resolve("img")))) {
      Path a = Trees.write(fs.root().resolve("a/one.jpg"), Trees.random(41, 300_000));
      LoopFileSystem.copyUnshared(a, Trees.mkdirs(fs.root().resolve("b")).resolve("one.jpg"));
      fs.sync();

      CommandRun first = CommandRun.main("--cache", cache, "-v", "--progress", "--method",
          "clone", fs.root());
      CommandRun second = CommandRun.main("--cache", cache, "-v", "--method", "clone",
          fs.root());

      assertEquals(0, first.exitCode(), first::toString);
      assertTrue(first.err().contains("Cloning"), "the last stage's name: " + first);
      assertFalse(first.err().contains("Linking"), first::toString);
      assertEquals(1, first.clonedFiles(), first::toString);
      // their first and last blocks only: the kernel compares the rest as it shares it
      assertEquals(4 * BLOCK, first.bytesRead(), first::toString);
      second.assertCleanSuccess();
      assertEquals(0, second.bytesRead(), second::toString);
      assertEquals(0, second.clonedFiles(), second::toString);
    }
  }

  /**
   * A copy rewritten with other bytes of its size after the run read it, just before its blocks
   * are shared: it is left with the writer's bytes, named as changed, and shares nothing with
   * the kept file; the other copy is cloned.
   */
  @Test
  void aCopyChangedBetweenTheReadAndTheCloneKeepsItsNewBytes() throws IOException {
    Assumptions.assumeTrue(Dedupe.available(), Dedupe::whyNot);
    try (LoopFileSystem fs = LoopFileSystem.btrfs(tmp)) {
      byte[] bytes = Trees.random(61, 300_000);
      Path a = Trees.write(fs.root().resolve("a"), bytes);
      Path b = LoopFileSystem.copyUnshared(a, fs.root().resolve("b"));
      Path c = LoopFileSystem.copyUnshared(a, fs.root().resolve("c"));
      fs.sync();
      byte[] written = Trees.random(62, 300_000);
      FakeOps rewriting = new FakeOps() {
        @Override
        public Dedupe.Outcome share(Dedupe.Source kept, Path duplicate, FileStat expected)
            throws IOException {
          if (duplicate.endsWith("b")) {
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(b.toFile(), "rw")) {
              f.write(written); // in place: the same inode, another modification time
            }
          }
          return super.share(kept, duplicate, expected);
        }
      };

      CommandRun run = CommandRun.withOps(rewriting, "--no-cache", "--method", "clone",
          fs.root());

      assertEquals(0, run.exitCode(), run::toString);
      assertEquals(List.of("linkdupes: skipping " + b + ": changed during the run"),
          run.err().lines().toList());
      assertEquals(1, run.clonedFiles(), run::toString);
      assertArrayEquals(written, Files.readAllBytes(b));
      assertArrayEquals(bytes, Files.readAllBytes(a));
      assertArrayEquals(bytes, Files.readAllBytes(c));
      fs.sync();
      List<Dedupe.Extent> extents = Dedupe.extents(b, FileStat.of(b));
      assertEquals(roundUp(300_000), Dedupe.bytesFreed(extents), extents::toString);
      assertSharesAll(fs.root(), "a", "c");
    }
  }

  /**
   * Files of one size with equal first and last blocks are read no further by a clone: the
   * kernel compares them whole as it shares. One with other bytes between is then left as it
   * was, with no word (it is no duplicate, and nothing changed), even as the file kept first:
   * the others share the blocks of one of them instead. The dry run reads them all and says
   * what the run then does.
   */
  @Test
  void theKernelTellsApartFilesThatDifferOnlyBetweenTheirEnds() throws IOException {
    Assumptions.assumeTrue(Dedupe.available(), Dedupe::whyNot);
    try (LoopFileSystem fs = LoopFileSystem.btrfs(tmp)) {
      int size = 1 << 20;
      byte[] bytes = Trees.random(71, size);
      byte[] other = bytes.clone();
      other[size / 2] ^= 1;
      Path decoy = Trees.write(fs.root().resolve("a-decoy"), other);
      Path one = Trees.write(fs.root().resolve("b-one"), bytes);
      Path two = LoopFileSystem.copyUnshared(one, fs.root().resolve("c-two"));
      Path three = LoopFileSystem.copyUnshared(one, fs.root().resolve("d-three"));
      // written first, the lowest inode number: the file a clone keeps
      fs.sync();
      Map<String, String> before = metadata(fs.root(), List.of("a-decoy", "b-one", "c-two",
          "d-three"));

      CommandRun dry = CommandRun.main("--no-cache", "--method", "clone", "-n", "-v", fs.root());
      CommandRun run = CommandRun.main("--no-cache", "--method", "clone", "-v", fs.root());

      dry.assertCleanSuccess();
      assertEquals(2, dry.clonedFiles(), dry::toString);
      assertTrue(dry.bytesRead() >= 3L * size, "all of the duplicates: " + dry);
      run.assertCleanSuccess();
      assertEquals(2, run.clonedFiles(), run::toString);
      assertEquals(dry.diskFreedBytes(), run.diskFreedBytes(), run::toString);
      assertEquals(4 * 2 * BLOCK, run.bytesRead(), "the ends only: " + run);
      assertTrue(run.out().contains("  keep " + decoy + "\n  keep " + one
          + "  (other bytes than the file above)\n  clone " + two + "\n  clone " + three
          + "\n"), run::toString);
      assertEquals(before, metadata(fs.root(), List.of("a-decoy", "b-one", "c-two",
          "d-three")), "every file keeps its stat, attributes and bytes");
      assertSharesAll(fs.root(), "b-one", "c-two", "d-three");
      fs.sync();
      List<Dedupe.Extent> extents = Dedupe.extents(decoy, FileStat.of(decoy));
      assertEquals(roundUp(size), Dedupe.bytesFreed(extents), "shares nothing: " + extents);
    }
  }

  /** An immutable file refuses (EPERM): it is named with the reason, the rest is cloned. */
  @Test
  void anImmutableCopyIsNamedAndTheOthersAreCloned() throws IOException {
    Assumptions.assumeTrue(Dedupe.available(), Dedupe::whyNot);
    Assumptions.assumeTrue(Host.which("chattr").isPresent(), "chattr is not installed");
    try (LoopFileSystem fs = LoopFileSystem.btrfs(tmp)) {
      Path a = Trees.write(fs.root().resolve("a"), Trees.random(51, 300_000));
      Path b = LoopFileSystem.copyUnshared(a, fs.root().resolve("b"));
      Path c = LoopFileSystem.copyUnshared(a, fs.root().resolve("c"));
      fs.sync();
      CommandRun chattr = Host.exec(List.of("chattr", "+i", b.toString()), 30);
      Assumptions.assumeTrue(chattr.exitCode() == 0, () -> "chattr +i failed: " + chattr);
      try {
        FileStat before = FileStat.of(b);

        CommandRun run = CommandRun.main("--no-cache", "--method", "clone", fs.root());

        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(List.of("linkdupes: cannot clone " + b + ": Operation not permitted"),
            run.err().lines().toList());
        assertEquals(1, run.clonedFiles(), run::toString);
        assertEquals(before, FileStat.of(b));
        assertSharesAll(fs.root(), "a", "c");
      } finally {
        Host.exec(List.of("chattr", "-i", b.toString()), 30);
      }
    }
  }

  @Test
  void theJsonReportSaysTheMethodOfEachGroup() throws IOException {
    Assumptions.assumeTrue(Dedupe.available(), Dedupe::whyNot);
    try (LoopFileSystem fs = LoopFileSystem.btrfs(tmp)) {
      Path a = Trees.write(fs.root().resolve("a"), Trees.random(31, 100_000));
      LoopFileSystem.copyUnshared(a, fs.root().resolve("b"));
      fs.sync();

      CommandRun run = CommandRun.main("--no-cache", "--method", "clone", "-n", "--format",
          "json", fs.root());

      run.assertCleanSuccess();
      assertTrue(run.out().contains("\"method\":\"clone\""), run::toString);
      assertTrue(run.out().contains("\"filesCloned\":1"), run::toString);
      assertTrue(run.out().contains("\"diskBytesFreed\":" + roundUp(100_000)), run::toString);
      try (Stream<String> rows = CommandRun.main("--no-cache", "--method", "clone", "-n",
          "--format", "csv", fs.root()).out().lines()) {
        assertTrue(rows.skip(1).allMatch(r -> r.endsWith(",clone")), "csv rows end in clone");
      }
    }
  }

  /** A row of the text summary: its label, then (after the padding) text matching a regex. */
  private static boolean hasRow(CommandRun run, String label, String regex) {
    return run.out().matches("(?s).*\\n" + label + ":\\s+" + regex + "\\n.*");
  }

  private static long roundUp(long n) {
    return (n + BLOCK - 1) / BLOCK * BLOCK;
  }
}
