package linkdupes.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import linkdupes.base.Problems;
import linkdupes.base.RunContext;
import linkdupes.base.Tally;
import linkdupes.fs.FileStat;
import linkdupes.group.ContentGroup;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.group.TestInodes;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContentReaderTest {
  @TempDir Path dir;

  private final Tally tally = new Tally();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final Problems problems = new Problems(new PrintStream(errBytes), false);

  private final RunContext run = new RunContext(problems, tally);

  /** What the two reading stages found, as the pipeline takes a batch through them. */
  private record Read(List<ContentGroup> same, Digests learned) {
    List<List<Inode>> groups() {
      return same.stream().map(ContentGroup::inodes).toList();
    }
  }

  private static Read read(ContentReader r, List<List<Inode>> groups) {
    ContentReader.Found ends = r.byEnds(groups, Digests.NONE);
    ContentReader.Found whole = r.byContent(ends.open(), Digests.NONE);
    List<ContentGroup> same = new ArrayList<>(ends.same());
    same.addAll(whole.same());
    Digests learned = new Digests();
    for (Digests d : List.of(ends.learned(), whole.learned())) {
      for (List<Inode> g : groups) {
        for (Inode i : g) {
          if (d.get(i) != null) {
            learned.put(i, d.get(i));
          }
        }
      }
    }
    return new Read(same, learned);
  }

  private Inode inode(Path p) throws Exception {
    return TestInodes.of(FileStat.of(p), new Name(p, 0));
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4096, 8191, 8192, 8193, 100_000, 3 << 20})
  void theSha256IsTheDigestOfEveryByte(int size) throws Exception {
    byte[] data = random(size, size);
    Path p = Files.write(dir.resolve("f"), data);
    try (ContentReader h = new ContentReader(1, false, run)) {
      assertArrayEquals(DigestUtils.sha256(data), new Digester(tally).sha256(p, FileStat.of(p), null));
    }
  }

  @Test
  void theEndsKeyTellsApartFilesThatDifferInTheFirstOrLastBlock() throws Exception {
    byte[] data = random(200_000, 1);
    Path a = Files.write(dir.resolve("a"), data);
    data[10] ^= 1;
    Path head = Files.write(dir.resolve("head"), data);
    data[10] ^= 1;
    data[data.length - 10] ^= 1;
    Path tail = Files.write(dir.resolve("tail"), data);
    try (ContentReader h = new ContentReader(1, false, run)) {
      ContentReader.Found groups =
          h.byEnds(List.of(List.of(inode(a), inode(head), inode(tail))), Digests.NONE);
      assertTrue(groups.open().isEmpty() && groups.same().isEmpty());
    }
    assertEquals(3 * 2 * ContentReader.BLOCK, tally.bytesRead.get(),
        "only the two blocks are read");
  }

  @Test
  void filesThatDifferOnlyInTheMiddleAreToldApartByTheFullDigest() throws Exception {
    byte[] data = random(300_000, 2);
    Path a = Files.write(dir.resolve("a"), data);
    Path b = Files.write(dir.resolve("b"), data);
    data[150_000] ^= 1;
    Path middle = Files.write(dir.resolve("middle"), data);
    try (ContentReader h = new ContentReader(2, false, run)) {
      List<List<Inode>> partial = h.byEnds(List.of(List.of(inode(a), inode(b), inode(middle))),
          Digests.NONE).open();
      assertEquals(1, partial.size());
      assertEquals(3, partial.get(0).size());
      List<List<Inode>> full = h.byContent(partial, Digests.NONE).same().stream()
          .map(ContentGroup::inodes).toList();
      assertEquals(1, full.size());
      assertEquals(List.of(a, b), full.get(0).stream().map(i -> i.firstName().path()).toList());
    }
  }

  @Test
  void readsEachInodeInFullAtMostOnce() throws Exception {
    int size = 1 << 20;
    byte[] data = random(size, 3);
    List<Inode> inodes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      inodes.add(inode(Files.write(dir.resolve("f" + i), data)));
    }
    try (ContentReader h = new ContentReader(2, false, run)) {
      List<List<Inode>> full = read(h, List.of(inodes)).groups();
      assertEquals(1, full.size());
    }
    assertEquals(4L * size + 4L * 2 * ContentReader.BLOCK, tally.bytesRead.get());
  }

  @Test
  void smallFilesAreSettledByThePartialRead() throws Exception {
    byte[] data = random(5000, 4);
    Inode a = inode(Files.write(dir.resolve("a"), data));
    Inode b = inode(Files.write(dir.resolve("b"), data));
    data[4999] ^= 1;
    Inode c = inode(Files.write(dir.resolve("c"), data));
    try (ContentReader h = new ContentReader(1, false, run)) {
      List<List<Inode>> full = read(h, List.of(List.of(a, b, c))).groups();
      assertEquals(List.of(List.of(a, b)), full);
    }
    assertEquals(3 * 5000, tally.bytesRead.get(), "each read once, in full");
  }

  /**
   * 300 different contents of 8,000 bytes fill more than a thread's own arena (1 MiB): the
   * group goes on in a larger buffer, and copies of files read before the move still find them.
   */
  @Test
  void copiesFoundAfterTheArenaOverflowsJoinTheFilesReadBefore() throws Exception {
    int size = 8000;
    List<Inode> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      all.add(inode(Files.write(dir.resolve("f" + i), random(size, 1000 + i))));
    }
    Inode copyOfFirst = inode(Files.write(dir.resolve("c0"), random(size, 1000)));
    Inode copyOfMiddle = inode(Files.write(dir.resolve("c150"), random(size, 1150)));
    Inode copyOfLast = inode(Files.write(dir.resolve("c299"), random(size, 1299)));
    all.add(copyOfMiddle);
    all.add(copyOfFirst);
    all.add(copyOfLast);
    try (ContentReader h = new ContentReader(1, false, run)) {
      Read read = read(h, List.of(all));
      assertEquals(List.of(List.of(all.get(0), copyOfFirst), List.of(all.get(150), copyOfMiddle),
          List.of(all.get(299), copyOfLast)), read.groups());
      assertNull(read.learned().sha256(all.get(0)), "compared byte by byte in memory");
      assertNull(read.same().get(0).sha256());
    }
    assertEquals(303L * size, tally.bytesRead.get(), "each file read once, in full");
    assertEquals("", errBytes.toString());
  }

  /** Groups of 360 KB (a thread's own arena) and 1.6 MB (the shared heap budget). */
  @ParameterizedTest
  @CsvSource({"120, 3000, 0", "120, 3000, 1024", "200, 8000, 0"})
  void manySmallFilesOfOneSizeAreReadOnceAndComparedExactly(int count, int size, long limit)
      throws Exception {
    long inMemory = limit == 0 ? SmallFiles.IN_MEMORY : limit;
    byte[] data = random(size, 9);
    List<Inode> same = new ArrayList<>();
    List<Inode> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (i >= 70) {
        data[i] ^= 1; // every later file differs from all the others
      }
      Inode x = inode(Files.write(dir.resolve("f" + i), data));
      all.add(x);
      if (i < 70) {
        same.add(x);
      }
    }
    Read read;
    try (ContentReader h = new ContentReader(2, inMemory, false, run)) {
      read = read(h, List.of(all));
      assertEquals(List.of(same), read.groups());
    }
    assertEquals((long) count * size, tally.bytesRead.get(), "each file read once, in full");
    if (inMemory < (long) count * size) {
      assertArrayEquals(DigestUtils.sha256(Files.readAllBytes(dir.resolve("f0"))),
          read.learned().sha256(same.get(0)), "too many to hold in memory: compared by SHA-256");
      assertArrayEquals(read.learned().sha256(same.get(0)), read.same().get(0).sha256());
    } else {
      assertNull(read.learned().sha256(same.get(0)), "held in memory and compared byte by byte");
    }
  }

  @Test
  void aFileThatShrankSinceTheScanIsSkippedAsChanged() throws Exception {
    byte[] data = random(100_000, 5);
    Inode a = inode(Files.write(dir.resolve("a"), data));
    Inode b = inode(Files.write(dir.resolve("b"), data));
    Files.write(dir.resolve("b"), new byte[10]);
    try (ContentReader h = new ContentReader(1, false, run)) {
      assertTrue(read(h, List.of(List.of(a, b))).groups().isEmpty());
    }
    assertEquals(1, tally.changed.get());
    assertEquals(0, problems.errorCount());
    assertTrue(errBytes.toString().contains("changed during the run"));
  }

  @Test
  void anUnreadableFileIsAnErrorNamingThePath() throws Exception {
    byte[] data = random(100_000, 6);
    Inode a = inode(Files.write(dir.resolve("a"), data));
    Inode b = inode(Files.write(dir.resolve("b"), data));
    Files.delete(dir.resolve("b"));
    Files.createDirectory(dir.resolve("b"));
    try (ContentReader h = new ContentReader(1, false, run)) {
      ContentReader.Found ends = h.byEnds(List.of(List.of(a, b)), Digests.NONE);
      assertTrue(ends.open().isEmpty() && ends.same().isEmpty());
    }
    assertFalse(errBytes.toString().isEmpty());
    assertTrue(errBytes.toString().contains(dir.resolve("b").toString()), errBytes.toString());
  }

  @Test
  void aFileStopsBeingReadOnceNoOtherFileSharesItsBytes() throws Exception {
    int size = 1 << 20;
    byte[] data = random(size, 7);
    Inode a = inode(Files.write(dir.resolve("a"), data));
    Inode b = inode(Files.write(dir.resolve("b"), data));
    data[10_000] ^= 1;
    Inode c = inode(Files.write(dir.resolve("c"), data));
    try (ContentReader h = new ContentReader(1, false, run)) {
      List<List<Inode>> same = read(h, List.of(List.of(a, b, c))).groups();
      assertEquals(List.of(List.of(a, b)), same);
    }
    long chunk = LockstepComparer.CHUNK;
    assertEquals(3L * 2 * ContentReader.BLOCK + 3 * chunk + 2 * (size - chunk),
        tally.bytesRead.get(),
        "c is read up to the chunk where it differs, a and b once in full");
  }

  @Test
  void groupsTooLargeToCompareSideBySideAreSplitByDigest() throws Exception {
    byte[] data = random(20_000, 8);
    List<Inode> inodes = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      inodes.add(inode(Files.write(dir.resolve("same" + i), data)));
    }
    data[10_000] ^= 1;
    Inode odd1 = inode(Files.write(dir.resolve("odd1"), data));
    Inode odd2 = inode(Files.write(dir.resolve("odd2"), data));
    data[10_001] ^= 1;
    Inode alone = inode(Files.write(dir.resolve("alone"), data));
    List<Inode> group = new ArrayList<>(inodes);
    group.addAll(List.of(odd1, odd2, alone));
    try (ContentReader h = new ContentReader(2, false, run)) {
      Read read = read(h, List.of(group));
      List<List<Inode>> parts = read.groups();
      assertEquals(2, parts.size());
      assertTrue(parts.contains(inodes));
      assertTrue(parts.contains(List.of(odd1, odd2)));
      assertArrayEquals(DigestUtils.sha256(data), read.learned().sha256(alone),
          "hashed, not compared");
    }
  }
}
