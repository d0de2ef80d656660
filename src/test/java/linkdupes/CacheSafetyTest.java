package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No one but the user running linkdupes can steer it through its cache: a cache folder that
 * another user owns or can write, a lock or a database that is a symlink, another program's
 * database, a path that is not a file. Each gives one warning and a run without the cache that
 * still links, and leaves what was there as it was.
 */
class CacheSafetyTest {
  @TempDir Path dir;
  Path tree;

  @BeforeEach
  void setUp() {
    tree = Trees.mkdirs(dir.resolve("tree"));
    Trees.write(tree.resolve("a"), "the same bytes in two files");
    Trees.write(tree.resolve("b"), "the same bytes in two files");
  }

  /** Runs with the cache at {@code cache}: it must warn that it is not used, and still link. */
  private void assertRefusedAndRunWithout(Path cache, String why) throws Exception {
    CommandRun r = CommandRun.main("--cache", cache, tree);
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("not using the cache " + cache + ": "), r.err());
    assertTrue(r.err().contains(why), r.err());
    assertEquals(Files.readAttributes(tree.resolve("a"), "unix:ino").get("ino"),
        Files.readAttributes(tree.resolve("b"), "unix:ino").get("ino"), "linked without it");
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      List<String> names = new ArrayList<>();
      s.forEach(p -> names.add(p.getFileName().toString()));
      return names;
    }
  }

  @Test
  void aCacheFolderOfAnotherUserIsNotUsed() throws Exception {
    Assumptions.assumeTrue(Host.isRoot(), "needs root to give a folder to nobody");
    Path folder = Files.createDirectory(dir.resolve("theirs"));
    UserPrincipalLookupService users = folder.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(folder, users.lookupPrincipalByName("nobody"));
    assertRefusedAndRunWithout(folder.resolve("cache.db"), "belongs to another user");
    assertEquals(List.of(), names(folder), "nothing written into their folder");
  }

  @Test
  void aCacheFolderOthersCanWriteIsNotUsed() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxr-x"));
    assertRefusedAndRunWithout(folder.resolve("cache.db"), "is writable by other users");
    assertEquals(List.of(), names(folder));
  }

  @Test
  void aFolderAboveTheCacheThatOthersCanWriteIsNotUsed() throws Exception {
    Path above = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(above, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path folder = Files.createDirectory(above.resolve("mine"));
    assertRefusedAndRunWithout(folder.resolve("cache.db"), "open is writable by other users");
  }

  @Test
  void aNewCacheIsPrivate() throws Exception {
    Path cache = dir.resolve("new/folder/cache.db");
    CommandRun r = CommandRun.main("--cache", cache, tree);
    assertEquals("", r.err());
    assertEquals("rwx------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(cache.getParent())));
    assertEquals("rwx------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("new"))));
    for (Path f : List.of(cache, cache.resolveSibling("cache.db.lock"))) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
          f.toString());
    }
  }

  @Test
  void aLockThatIsASymlinkTruncatesNothing() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("cache"));
    Path precious = Trees.write(dir.resolve("precious"), "root's own file");
    Files.createSymbolicLink(folder.resolve("cache.db.lock"), precious);
    assertRefusedAndRunWithout(folder.resolve("cache.db"), "is not a regular file");
    assertEquals("root's own file", Files.readString(precious));
  }

  @Test
  void aDatabaseThatIsASymlinkIsNotWritten() throws Exception {
    Path other = otherProgramsDatabase(dir.resolve("other.db"));
    Path folder = Files.createDirectory(dir.resolve("cache"));
    Files.createSymbolicLink(folder.resolve("cache.db"), other);
    assertRefusedAndRunWithout(folder.resolve("cache.db"), "is not a regular file");
    assertEquals(List.of("notes"), tables(other), "no table added to the other database");
  }

  @Test
  void anotherProgramsDatabaseIsNotWritten() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("cache"));
    Path other = otherProgramsDatabase(folder.resolve("cache.db"));
    assertRefusedAndRunWithout(other, "a database of another program");
    assertEquals(List.of("notes"), tables(other));
  }

  @Test
  void aDeviceIsNoCache() throws Exception {
    Assumptions.assumeTrue(Host.isRoot(), "as root, /dev is a folder of the user's own");
    Path lock = Path.of("/dev/null.lock");
    if (Files.isRegularFile(lock, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(lock); // left by an earlier version, or by a failed run of this test
    }
    assertRefusedAndRunWithout(Path.of("/dev/null"), "is not a regular file");
    assertFalse(Files.exists(Path.of("/dev/null.lock"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(Path.of("/dev/native"), LinkOption.NOFOLLOW_LINKS));
  }

  private static Path otherProgramsDatabase(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE notes (text TEXT)");
      st.executeUpdate("INSERT INTO notes VALUES ('keep me')");
    }
    return file;
  }

  private static List<String> tables(Path db) throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet r = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      while (r.next()) {
        names.add(r.getString(1));
      }
    }
    return names;
  }
}
