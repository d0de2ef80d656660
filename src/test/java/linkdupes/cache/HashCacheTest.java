package linkdupes.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import linkdupes.report.Problems;
import linkdupes.scan.FileStat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashCacheTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final Problems problems = new Problems(new PrintStream(errBytes, true), false);

  private static final FileStat ST = new FileStat(7, 1234, 5000, 111_000_000_123L,
      222_000_000_456L, 0100644, 1000, 1000, 1);
  private static final byte[] PARTIAL = {1, 2, 3, 4, 5, 6, 7, 8};
  private static final byte[] SHA = new byte[32];

  static {
    SHA[0] = 42;
    SHA[31] = 7;
  }

  private HashCache open() {
    HashCache c = HashCache.open(dir.resolve("c.db"), problems);
    assertNotNull(c, errBytes.toString());
    return c;
  }

  private static byte[] path(String p) {
    return p.getBytes(StandardCharsets.UTF_8);
  }

  private static FileStat stat(long dev, long ino, long size, long mtime, long ctime) {
    return new FileStat(dev, ino, size, mtime, ctime, 0100644, 1000, 1000, 1);
  }

  @Test
  void anEntryIsAHitOnlyWhileDeviceInodeSizeMtimeAndCtimeAllMatch() throws Exception {
    try (HashCache c = open()) {
      c.put(ST, PARTIAL, SHA, path("/photos/a.jpg"));
      c.commit();
    }
    long m = ST.mtimeNanos();
    long t = ST.ctimeNanos();
    try (HashCache c = open()) {
      HashCache.Cached[] got = c.get(List.of(ST,
          stat(8, 1234, 5000, m, t),
          stat(7, 1235, 5000, m, t),
          stat(7, 1234, 5001, m, t),
          stat(7, 1234, 5000, m + 1, t),
          stat(7, 1234, 5000, m, t + 1),
          // mode, owner and link count are not part of the key: content does not depend on them
          new FileStat(7, 1234, 5000, m, t, 0100600, 0, 0, 3)));
      assertArrayEquals(PARTIAL, got[0].partial());
      assertArrayEquals(SHA, got[0].sha256());
      for (int i = 1; i <= 5; i++) {
        assertNull(got[i], "a change of key field " + i + " is a miss");
      }
      assertNotNull(got[6]);
      assertEquals(2, c.hits());
      assertEquals(5, c.misses());
    }
  }

  @Test
  void theNewCtimeAfterLinkingKeepsTheEntryValidButOnlyForTheSameSizeAndMtime() throws Exception {
    try (HashCache c = open()) {
      c.put(ST, null, SHA, path("/a"));
      c.linked(ST, ST.ctimeNanos() + 5);
      FileStat rewritten = stat(7, 1234, 5000, ST.mtimeNanos() + 9, ST.ctimeNanos() + 9);
      c.linked(rewritten, rewritten.ctimeNanos()); // another mtime: must not touch the entry
      c.commit();
    }
    try (HashCache c = open()) {
      FileStat after = stat(7, 1234, 5000, ST.mtimeNanos(), ST.ctimeNanos() + 5);
      HashCache.Cached[] got = c.get(List.of(after, ST));
      assertNotNull(got[0]);
      assertNull(got[1], "the old ctime no longer matches");
    }
  }

  @Test
  void pruningForgetsUnseenEntriesUnderTheRootsOnly() throws Exception {
    FileStat a = ST;
    try (HashCache c = open()) {
      c.put(a, null, SHA, path("/photos/2024/a.jpg"));
      c.put(stat(7, 2, 10, 1, 1), null, SHA, path("/photos/2024/b.jpg"));
      c.put(stat(7, 3, 10, 1, 1), null, SHA, path("/photos-old/c.jpg")); // not under /photos
      c.put(stat(7, 4, 10, 1, 1), null, SHA, path("/music/d.mp3"));
      c.commit();
    }
    try (HashCache c = open()) {
      c.get(List.of(a)); // this run saw a only
      assertEquals(1, c.prune(List.of(path("/photos"))));
      c.commit();
    }
    assertEquals(List.of("/music/d.mp3", "/photos-old/c.jpg", "/photos/2024/a.jpg"), paths());
  }

  @Test
  void aRunThatEndsWithoutCommittingLeavesTheCacheAsItWas() throws Exception {
    try (HashCache c = open()) {
      c.put(ST, null, SHA, path("/a"));
      c.commit();
    }
    try (HashCache c = open()) {
      c.put(stat(7, 99, 10, 1, 1), null, SHA, path("/b"));
      c.prune(List.of(path("/"))); // would remove /a, which this run did not see
    } // closed without commit, as when a run is killed
    assertEquals(List.of("/a"), paths());
  }

  @Test
  void aFileThatIsNotADatabaseIsAWarningAndIsLeftAsItWas() throws Exception {
    Path f = Files.write(dir.resolve("c.db"), "not a database, a text file".repeat(200)
        .getBytes(StandardCharsets.UTF_8));
    byte[] before = Files.readAllBytes(f);
    assertNull(HashCache.open(f, problems));
    String err = errBytes.toString();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("linkdupes: not using the cache " + f + ": "), err);
    assertTrue(err.contains("not a database"), err);
    assertArrayEquals(before, Files.readAllBytes(f));
  }

  @Test
  void aCacheOfAnotherSchemaVersionIsNotUsed() throws Exception {
    try (HashCache c = open()) {
      c.commit();
    }
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"));
        Statement st = db.createStatement()) {
      st.executeUpdate("PRAGMA user_version = 99");
    }
    assertNull(HashCache.open(dir.resolve("c.db"), problems));
    assertTrue(errBytes.toString().contains("written by another version of linkdupes (schema 99"),
        errBytes.toString());
  }

  private List<String> paths() throws Exception {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"));
        Statement st = db.createStatement();
        ResultSet r = st.executeQuery("SELECT path FROM files ORDER BY path")) {
      List<String> out = new ArrayList<>();
      while (r.next()) {
        out.add(new String(r.getBytes(1), StandardCharsets.UTF_8));
      }
      return out;
    }
  }
}
