package linkdupes.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import linkdupes.fs.FileStat;
import linkdupes.fs.PathBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTableTest {
  @TempDir Path dir;

  private static FileStat stat(int i) {
    return new FileStat(i % 3, 1000L + i, i * 7L, i * 1_000_000_007L, i * 13L, 0100600 | i % 8,
        i % 5, i % 11, 1 + i % 4);
  }

  @Test
  void rowsBeyondSeveralChunksKeepEveryAttributeAndPath() {
    FileTable t = new FileTable();
    List<Path> paths = new ArrayList<>();
    int n = FileTable.CHUNK * 2 + 1234;
    int d = -1;
    for (int i = 0; i < n; i++) {
      if (i % 1000 == 0) {
        d = t.directory(Path.of("/data/dir" + i / 1000));
      }
      Path p = Path.of("/data/dir" + i / 1000, "file-" + i + ".jpg");
      paths.add(p);
      assertEquals(i, t.add(d, p, i % 2, stat(i)));
    }
    assertEquals(n, t.rows());
    for (int i = 0; i < n; i += 997) {
      assertEquals(paths.get(i), t.path(i));
      assertEquals(stat(i), t.stat(i));
      assertEquals(i % 2, t.root(i));
      assertEquals(stat(i).size(), t.size(i));
      assertEquals(stat(i).dev(), t.dev(i));
      assertEquals(stat(i).nlink(), t.nlink(i));
    }
    assertEquals(paths.get(n - 1), t.path(n - 1));
  }

  @Test
  void aNameThatIsNotUtf8ComesBackWithTheSameBytes() throws Exception {
    Process touch = new ProcessBuilder("sh", "-c", "touch \"$(printf 'bad\\377\\376.txt')\"")
        .directory(dir.toFile()).start();
    assertEquals(0, touch.waitFor());
    Path p;
    try (var s = Files.list(dir)) {
      p = s.findFirst().orElseThrow();
    }
    // the name's text is lossy: going through it names another, missing file
    assertFalse(Files.exists(Path.of(p.toString())));
    FileTable t = new FileTable();
    int row = t.add(t.directory(dir), p, 0, FileStat.of(p));
    assertEquals(p, t.path(row));
    assertTrue(Files.exists(t.path(row)), "the rebuilt path names the same file");
  }

  @Test
  void aRootThatIsARelativeFileNameKeepsItsPath() {
    FileTable t = new FileTable();
    int row = t.add(Path.of("photo.jpg"), 3, stat(1));
    assertEquals(Path.of("photo.jpg"), t.path(row));
    assertEquals(3, t.root(row));
  }

  @Test
  void namesAreStoredAsBytesWhenTheJvmAllowsIt() {
    // the surefire run opens sun.nio.fs as the jar's manifest does; without it names are Paths
    assertTrue(PathBytes.available());
  }
}
