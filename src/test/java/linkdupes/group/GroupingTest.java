package linkdupes.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import linkdupes.base.Problems;
import linkdupes.base.RunContext;
import linkdupes.base.Tally;
import linkdupes.fs.FileStat;
import linkdupes.scan.FileTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupingTest {
  @TempDir Path dir;

  private final Problems problems =
      new Problems(new PrintStream(new ByteArrayOutputStream()), true);
  private final RunContext run = new RunContext(problems, new Tally());

  @Test
  void dropsFilesWhoseSizeNoOtherFileHas() {
    FileTable table = new FileTable();
    table.add(Path.of("a"), 0, stat(1, 10));
    table.add(Path.of("b"), 0, stat(2, 20));
    table.add(Path.of("c"), 0, stat(3, 10));
    List<int[]> groups = Grouping.bySize(table);
    assertEquals(1, groups.size());
    assertEquals(List.of(Path.of("a"), Path.of("c")),
        Arrays.stream(groups.get(0)).mapToObj(table::path).toList());
  }

  @Test
  void sizeGroupsAreInSizeOrderAndKeepWalkOrderWithin() {
    FileTable table = new FileTable();
    long[] sizes = {30, 10, 20, 10, 30, 20, 10};
    for (int i = 0; i < sizes.length; i++) {
      table.add(Path.of("f" + i), 0, stat(i, sizes[i]));
    }
    List<int[]> groups = Grouping.bySize(table);
    assertEquals(List.of(List.of(1, 3, 6), List.of(2, 5), List.of(0, 4)),
        groups.stream().map(g -> Arrays.stream(g).boxed().toList()).toList());
  }

  @Test
  void regroupingKeepsOnlyPartsWithTwoOrMoreInodes() {
    Inode a = inode(1);
    Inode b = inode(2);
    Inode c = inode(3);
    List<List<Inode>> out = Grouping.regroup(List.of(List.of(a, b, c)),
        List.of("even", "odd", "even"));
    assertEquals(List.of(List.of(a, c)), out);
  }

  @Test
  void regroupingDropsInodesWithoutAKey() {
    Inode a = inode(1);
    Inode b = inode(2);
    assertTrue(Grouping.regroup(List.of(List.of(a, b)), Arrays.asList(null, "k")).isEmpty());
  }

  @Test
  void namesOfOneInodeAreOneCandidate() throws Exception {
    Path a = Files.writeString(dir.resolve("a"), "same");
    Path b = Files.createLink(dir.resolve("b"), a);
    Path c = Files.writeString(dir.resolve("c"), "same");
    FileTable found = table(a, b, c);
    List<List<Inode>> groups =
        Grouping.byInode(found, Grouping.bySize(found), false, run);
    assertEquals(1, groups.size());
    assertEquals(2, groups.get(0).size());
    assertEquals(List.of(a, b), groups.get(0).get(0).names().stream().map(Name::path).toList());
  }

  @Test
  void inodesAreFoundAlikeInSmallAndLargeGroups() {
    // small groups search their inodes, larger ones use a map: same inodes, same order
    for (int files : new int[] {3, 16, 17, 40}) {
      FileTable table = new FileTable();
      for (int i = 0; i < files; i++) {
        // inode i % 5 on device 1, and every fourth file on device 2 with the same number
        table.add(Path.of("f" + i), 0,
            new FileStat(i % 4 == 0 ? 2 : 1, i % 5, 10, 0, 0, 0100644, 0, 0, 1));
      }
      List<List<Inode>> groups =
          Grouping.byInode(table, Grouping.bySize(table), false, run);
      java.util.Map<String, List<String>> expected = new java.util.LinkedHashMap<>();
      for (int i = 0; i < files; i++) {
        expected.computeIfAbsent((i % 4 == 0 ? 2 : 1) + ":" + i % 5,
            k -> new java.util.ArrayList<>()).add("f" + i);
      }
      assertEquals(1, groups.size(), files + " files");
      assertEquals(List.copyOf(expected.values()), groups.get(0).stream()
          .map(n -> n.names().stream().map(x -> x.path().toString()).toList()).toList(),
          files + " files");
    }
  }

  @Test
  void aLargeGroupOfManyInodesKeepsEachInodesNames() {
    // 3,000 files of 1,200 inodes numbered 65,536 apart on two devices (long runs of equal low
    // bits), then of 1,000 inodes with one number on 1,000 devices (random, so some share a
    // slot): the index probes past other inodes, and past inodes that differ only in device
    checkLargeGroup(i -> (i / 7) % 2 + 1, i -> (long) (i % 600) << 16, 1200);
    long[] devices = new java.util.Random(42).longs(1000, 1, Long.MAX_VALUE).toArray();
    checkLargeGroup(i -> devices[i % 1000], i -> 7L, 1000);
  }

  private void checkLargeGroup(java.util.function.IntToLongFunction dev,
      java.util.function.IntToLongFunction ino, int inodes) {
    FileTable table = new FileTable();
    java.util.Map<String, List<String>> expected = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 3000; i++) {
      long d = dev.applyAsLong(i);
      long n = ino.applyAsLong(i);
      table.add(Path.of("f" + i), 0, new FileStat(d, n, 10, 0, 0, 0100644, 0, 0, 1));
      expected.computeIfAbsent(d + ":" + n, k -> new java.util.ArrayList<>()).add("f" + i);
    }
    List<List<Inode>> groups =
        Grouping.byInode(table, Grouping.bySize(table), false, run);
    assertEquals(1, groups.size());
    assertEquals(inodes, expected.size());
    assertEquals(inodes, groups.get(0).size(), "inodes found"); // a short message first
    assertEquals(List.copyOf(expected.values()), groups.get(0).stream()
        .map(n -> n.names().stream().map(x -> x.path().toString()).toList()).toList());
  }

  @Test
  void aGroupOfOneInodeIsNotWorthWork() throws Exception {
    Path a = Files.writeString(dir.resolve("a"), "same");
    Path b = Files.createLink(dir.resolve("b"), a);
    FileTable found = table(a, b);
    assertTrue(Grouping.byInode(found, Grouping.bySize(found), false, run)
        .isEmpty());
  }

  @Test
  void followingSymlinksTakesEachFileOnceByItsRealPath() throws Exception {
    Path a = Files.writeString(dir.resolve("a"), "same");
    Path viaLink = Files.createSymbolicLink(dir.resolve("l"), a);
    Path c = Files.writeString(dir.resolve("c"), "same");
    FileTable found = table(a, viaLink, c);
    List<List<Inode>> groups =
        Grouping.byInode(found, Grouping.bySize(found), true,
            run);
    assertEquals(1, groups.size());
    assertEquals(List.of(List.of(a.toRealPath()), List.of(c.toRealPath())),
        groups.get(0).stream().map(i -> i.names().stream().map(Name::path).toList()).toList());
  }

  @Test
  void aFileGoneOrResizedSinceTheWalkCountsAsChangedWhenStatedAgain() throws Exception {
    Path a = Files.writeString(dir.resolve("a"), "same");
    Path c = Files.writeString(dir.resolve("c"), "same");
    Path gone = Files.writeString(dir.resolve("gone"), "same");
    FileTable found = table(a, c, gone);
    Files.writeString(c, "same but longer now");
    Files.delete(gone);
    Tally tally = new Tally();
    assertTrue(Grouping.byInode(found, Grouping.bySize(found), true,
        new RunContext(problems, tally)).isEmpty());
    assertEquals(2, tally.changed.get());
  }

  /** A table of files as the walk sees them, each stat'ed now. */
  private static FileTable table(Path... files) throws Exception {
    FileTable table = new FileTable();
    for (Path f : files) {
      table.add(f, 0, FileStat.of(f.toRealPath()));
    }
    return table;
  }

  private static FileStat stat(long ino, long size) {
    return new FileStat(1, ino, size, 0, 0, 0100644, 0, 0, 1);
  }

  private static Inode inode(long ino) {
    return TestInodes.of(new FileStat(1, ino, 10, 0, 0, 0100644, 0, 0, 1));
  }
}
