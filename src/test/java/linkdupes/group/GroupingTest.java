package linkdupes.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import linkdupes.report.Problems;
import linkdupes.report.Tally;
import linkdupes.scan.FileStat;
import linkdupes.scan.FoundFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupingTest {
  @TempDir Path dir;

  private final Problems problems = new Problems(new PrintStream(new ByteArrayOutputStream()), true);

  @Test
  void dropsFilesWhoseSizeNoOtherFileHas() {
    List<List<FoundFile>> groups = Grouping.bySize(List.of(
        new FoundFile(Path.of("a"), 0, 10),
        new FoundFile(Path.of("b"), 0, 20),
        new FoundFile(Path.of("c"), 0, 10)));
    assertEquals(1, groups.size());
    assertEquals(List.of(Path.of("a"), Path.of("c")),
        groups.get(0).stream().map(FoundFile::path).toList());
  }

  @Test
  void regroupingKeepsOnlyPartsWithTwoOrMoreInodes() {
    Inode a = inode(1);
    Inode b = inode(2);
    Inode c = inode(3);
    List<List<Inode>> out = Grouping.regroup(List.of(List.of(a, b, c)),
        i -> i.stat().ino() == 2 ? "odd" : "even");
    assertEquals(List.of(List.of(a, c)), out);
  }

  @Test
  void regroupingDropsInodesWithoutAKey() {
    Inode a = inode(1);
    Inode b = inode(2);
    assertTrue(Grouping.regroup(List.of(List.of(a, b)), i -> i == a ? null : "k").isEmpty());
  }

  @Test
  void namesOfOneInodeAreOneCandidate() throws Exception {
    Path a = Files.writeString(dir.resolve("a"), "same");
    Path b = Files.createLink(dir.resolve("b"), a);
    Path c = Files.writeString(dir.resolve("c"), "same");
    List<FoundFile> found = List.of(new FoundFile(a, 0, 4), new FoundFile(b, 0, 4),
        new FoundFile(c, 0, 4));
    List<List<Inode>> groups = Grouping.byInode(Grouping.bySize(found), false, problems, new Tally());
    assertEquals(1, groups.size());
    assertEquals(2, groups.get(0).size());
    assertEquals(List.of(a, b), groups.get(0).get(0).names().stream().map(Name::path).toList());
  }

  @Test
  void aGroupOfOneInodeIsNotWorthWork() throws Exception {
    Path a = Files.writeString(dir.resolve("a"), "same");
    Path b = Files.createLink(dir.resolve("b"), a);
    List<FoundFile> found = List.of(new FoundFile(a, 0, 4), new FoundFile(b, 0, 4));
    assertTrue(Grouping.byInode(Grouping.bySize(found), false, problems, new Tally()).isEmpty());
  }

  @Test
  void aFileGoneOrResizedSinceTheWalkCountsAsChanged() throws Exception {
    Path a = Files.writeString(dir.resolve("a"), "same");
    Path c = Files.writeString(dir.resolve("c"), "same but longer now");
    List<FoundFile> found = List.of(new FoundFile(a, 0, 4), new FoundFile(c, 0, 4),
        new FoundFile(dir.resolve("gone"), 0, 4));
    Tally tally = new Tally();
    assertTrue(Grouping.byInode(Grouping.bySize(found), false, problems, tally).isEmpty());
    assertEquals(2, tally.changed.get());
  }

  private static Inode inode(long ino) {
    return new Inode(new FileStat(1, ino, 10, 0, 0, 0100644, 0, 0, 1));
  }
}
