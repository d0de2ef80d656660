package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading a file to compare it is no use of it: every way of reading (small files whole, larger
 * ones side by side, SHA-256 for a JSON report) leaves the access times as they were, so that a
 * nightly run does not make every file it reads look used.
 */
class AccessTimesTest {
  /** Long ago: a read would move it under {@code relatime}, the usual mount option. */
  private static final FileTime LONG_AGO = FileTime.fromMillis(1_500_000_000_000L);

  @org.junit.jupiter.api.io.TempDir Path tmp;

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {1000, 100_000})
  void comparingFilesLeavesTheirAccessTimesAsTheyWere(int size) throws IOException {
    Path probe = Trees.write(tmp.resolve("probe"), Trees.random(1, size));
    setAccessed(probe);
    Files.readAllBytes(probe);
    Assumptions.assumeTrue(!accessed(probe).equals(LONG_AGO),
        "this file system does not record reads (mounted noatime)");
    Map<Path, FileTime> before = new LinkedHashMap<>();
    byte[] bytes = Trees.random(2, size);
    for (String name : new String[] {"a/f", "b/f", "c/f"}) {
      Path p = Trees.write(tmp.resolve("tree").resolve(name), bytes);
      setAccessed(p);
      before.put(p, LONG_AGO);
    }
    // root may keep the access time of a file it does not own too (CAP_FOWNER)
    if (Host.isRoot()) {
      Files.setAttribute(tmp.resolve("tree/c/f"), "unix:uid", 1000);
    }

    for (String format : new String[] {"text", "json"}) {
      CommandRun.main("--no-cache", "-n", "--format", format, tmp.resolve("tree"))
          .assertCleanSuccess();
      Map<Path, FileTime> after = new LinkedHashMap<>();
      for (Path p : before.keySet()) {
        after.put(p, accessed(p));
      }
      assertEquals(before, after, format);
    }
  }

  private static void setAccessed(Path p) throws IOException {
    Files.getFileAttributeView(p, BasicFileAttributeView.class).setTimes(null, LONG_AGO, null);
  }

  private static FileTime accessed(Path p) throws IOException {
    return (FileTime) Files.getAttribute(p, "lastAccessTime");
  }
}
