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
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import linkdupes.base.Problems;
import linkdupes.fs.Attributes;
import linkdupes.fs.FileStat;
import linkdupes.hash.Digests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestStoreTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final Problems problems = new Problems(new PrintStream(errBytes, true), false);

  private static final FileStat ST = new FileStat(7, 1234, 5000, 111_000_000_123L,
      222_000_000_456L, 0100644, 1000, 1000, 1);
  private static final byte[] PARTIAL = {1, 2, 3, 4, 5, 6, 7, 8};
  private static final byte[] SHA = new byte[32];
  /** An entry written by hand, with the columns of schema 1. */
  private static final String INSERT = "INSERT INTO files "
      + "(dev, ino, size, mtime_ns, ctime_ns, partial, sha256, path) VALUES ";

  static {
    SHA[0] = 42;
    SHA[31] = 7;
  }

  /** Both ways of looking up: in the entries read when opened, and in the database. */
  static final int READ_WHOLE = DigestStore.PRELOAD_AT_MOST;
  static final int IN_THE_DATABASE = -1;

  private int preload = READ_WHOLE;

  /** As a run opens the store, reading a small cache whole. */
  private DigestStore openStore(Path file) {
    return DigestStore.open(file, problems, new AtomicBoolean());
  }

  /** Reading the cache whole when it has at most {@code preload} entries. */
  private DigestStore openStore(Path file, int preload) {
    return DigestStore.open(file, problems, preload, 0, new AtomicBoolean());
  }

  private DigestStore open() {
    DigestStore c = openStore(dir.resolve("c.db"), preload);
    assertNotNull(c, errBytes.toString());
    if (preload == IN_THE_DATABASE) {
      assertEquals(-1, c.preloaded());
    } else {
      assertTrue(c.preloaded() >= 0);
    }
    return c;
  }

  private static byte[] path(String p) {
    return p.getBytes(StandardCharsets.UTF_8);
  }

  private static FileStat stat(long dev, long ino, long size, long mtime, long ctime) {
    return new FileStat(dev, ino, size, mtime, ctime, 0100644, 1000, 1000, 1);
  }

  @ParameterizedTest
  @ValueSource(ints = {READ_WHOLE, IN_THE_DATABASE})
  void anEntryIsAHitOnlyWhileDeviceInodeSizeMtimeAndCtimeAllMatch(int preload) throws Exception {
    this.preload = preload;
    try (DigestStore c = open()) {
      c.put(ST, PARTIAL, SHA, path("/photos/a.jpg"));
      c.commit();
    }
    long m = ST.mtimeNanos();
    long t = ST.ctimeNanos();
    try (DigestStore c = open()) {
      Digests.Entry[] got = c.get(List.of(ST,
          stat(8, 1234, 5000, m, t),
          stat(7, 1235, 5000, m, t),
          stat(7, 1234, 5001, m, t),
          stat(7, 1234, 5000, m + 1, t),
          stat(7, 1234, 5000, m, t + 1),
          // mode, owner and link count are not part of the key: content does not depend on them
          new FileStat(7, 1234, 5000, m, t, 0100600, 0, 0, 3)));
      assertArrayEquals(PARTIAL, got[0].endsKey());
      assertArrayEquals(SHA, got[0].sha256());
      for (int i = 1; i <= 5; i++) {
        assertNull(got[i], "a change of key field " + i + " is a miss");
      }
      assertNotNull(got[6]);
      assertEquals(2, c.hits());
      assertEquals(5, c.misses());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {READ_WHOLE, IN_THE_DATABASE})
  void theNewCtimeAfterLinkingKeepsTheEntryValidButOnlyForTheSameSizeAndMtime(int preload)
      throws Exception {
    this.preload = preload;
    try (DigestStore c = open()) {
      c.put(ST, null, SHA, path("/a"));
      c.linked(ST, ST.ctimeNanos() + 5);
      FileStat rewritten = stat(7, 1234, 5000, ST.mtimeNanos() + 9, ST.ctimeNanos() + 9);
      c.linked(rewritten, rewritten.ctimeNanos()); // another mtime: must not touch the entry
      c.commit();
    }
    try (DigestStore c = open()) {
      FileStat after = stat(7, 1234, 5000, ST.mtimeNanos(), ST.ctimeNanos() + 5);
      Digests.Entry[] got = c.get(List.of(after, ST));
      assertNotNull(got[0]);
      assertNull(got[1], "the old ctime no longer matches");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {READ_WHOLE, IN_THE_DATABASE})
  void pruningForgetsUnseenEntriesUnderTheRootsOnly(int preload) throws Exception {
    this.preload = preload;
    FileStat a = ST;
    try (DigestStore c = open()) {
      c.put(a, null, SHA, path("/photos/2024/a.jpg"));
      c.put(stat(7, 2, 10, 1, 1), null, SHA, path("/photos/2024/b.jpg"));
      c.put(stat(7, 3, 10, 1, 1), null, SHA, path("/photos-old/c.jpg")); // not under /photos
      c.put(stat(7, 4, 10, 1, 1), null, SHA, path("/music/d.mp3"));
      c.commit();
    }
    try (DigestStore c = open()) {
      c.get(List.of(a)); // this run saw a only
      assertEquals(1, c.prune(List.of(path("/photos"))));
      c.commit();
    }
    assertEquals(List.of("/music/d.mp3", "/photos-old/c.jpg", "/photos/2024/a.jpg"), paths());
  }

  @Test
  void joinedInOnePassWritesAreFoundAndPruningForgetsWhatTheRunDidNotLookUp() throws Exception {
    FileStat seen = ST;
    FileStat notLookedUp = stat(7, 2, 10, 1, 1);
    FileStat changed = stat(7, 5, 10, 1, 1);
    try (DigestStore c = openStore(dir.resolve("c.db"), IN_THE_DATABASE)) {
      c.put(seen, null, SHA, path("/photos/a.jpg"));
      c.put(notLookedUp, null, SHA, path("/photos/b.jpg"));
      c.put(stat(7, 3, 10, 1, 1), null, SHA, path("/photos/gone.jpg")); // no candidate
      c.put(stat(9, 3, 10, 1, 1), null, SHA, path("/photos/usb/gone.jpg")); // nor its device
      c.put(stat(7, 4, 10, 1, 1), null, SHA, path("/music/d.mp3")); // another root's
      c.put(changed, null, SHA, path("/photos/e.jpg"));
      c.commit();
    }
    FileStat changedSince = stat(7, 5, 10, 2, 2);
    List<byte[]> roots = List.of(path("/photos"));
    try (DigestStore c = JoinedStore.read(
        (SqliteStore) openStore(dir.resolve("c.db"), IN_THE_DATABASE),
        of(List.of(seen, notLookedUp, changedSince)), roots)) {
      Digests.Entry[] got = c.get(List.of(seen, changedSince));
      assertArrayEquals(SHA, got[0].sha256());
      assertNull(got[1], "changed since: a miss");
      Attributes.Found found = new Attributes.Found(9, 4096);
      c.attributes(seen, found);
      assertEquals(found, c.get(List.of(seen))[0].attributes(), "what the run wrote since");
      assertEquals(3, c.prune(roots), "b, gone and usb/gone");
      c.commit();
    }
    assertEquals(List.of("/music/d.mp3", "/photos/a.jpg", "/photos/e.jpg"), paths());
  }

  @ParameterizedTest
  @ValueSource(ints = {READ_WHOLE, IN_THE_DATABASE})
  void aRunThatEndsWithoutCommittingLeavesTheCacheAsItWas(int preload) throws Exception {
    this.preload = preload;
    try (DigestStore c = open()) {
      c.put(ST, null, SHA, path("/a"));
      c.commit();
    }
    try (DigestStore c = open()) {
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
    assertNull(openStore(f));
    String err = errBytes.toString();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("linkdupes: not using the cache " + f + ": "), err);
    assertTrue(err.contains("not a database"), err);
    assertArrayEquals(before, Files.readAllBytes(f));
  }

  @Test
  void aCacheOfAnotherSchemaVersionIsNotUsed() throws Exception {
    try (DigestStore c = open()) {
      c.commit();
    }
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"));
        Statement st = db.createStatement()) {
      st.executeUpdate("PRAGMA user_version = 99");
    }
    assertNull(openStore(dir.resolve("c.db")));
    assertTrue(errBytes.toString().contains("written by another version of linkdupes (schema 99"),
        errBytes.toString());
  }

  @Test
  void aCacheOfSchemaOneIsUpgradedInPlaceAndItsEntriesKept() throws Exception {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"));
        Statement st = db.createStatement()) {
      st.executeUpdate("CREATE TABLE files (dev INTEGER NOT NULL, ino INTEGER NOT NULL, "
          + "size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, "
          + "partial BLOB, sha256 BLOB, path BLOB NOT NULL, PRIMARY KEY (dev, ino)) "
          + "WITHOUT ROWID");
      st.executeUpdate("CREATE INDEX files_path ON files (path)");
      st.executeUpdate(INSERT + "(7, 1234, 5000, 111000000123, 222000000456, NULL, x'"
          + "2a".repeat(32) + "', x'2f61')");
      st.executeUpdate("PRAGMA user_version = 1");
    }
    Attributes.Found found = new Attributes.Found(-5, 8192);
    for (int way : new int[] {READ_WHOLE, IN_THE_DATABASE}) {
      preload = way;
      try (DigestStore c = open()) {
        Digests.Entry e = c.get(List.of(ST))[0];
        assertEquals(0x2a, e.sha256()[31], "the entry of schema 1, kept");
        assertNull(e.attributes(), "not read yet");
      }
    }
    try (DigestStore c = open()) {
      c.attributes(ST, found);
      c.commit();
    }
    try (DigestStore c = open()) {
      assertEquals(found, c.get(List.of(ST))[0].attributes());
    }
    assertEquals("", errBytes.toString());
  }

  @ParameterizedTest
  @ValueSource(ints = {READ_WHOLE, IN_THE_DATABASE})
  void attributesAreKeptWithTheEntryAndOnlyForItsKey(int preload) throws Exception {
    this.preload = preload;
    Attributes.Found found = new Attributes.Found(Long.MIN_VALUE + 3, 4096);
    FileStat other = stat(7, 2, 10, 1, 1);
    FileStat otherChanged = stat(7, 2, 10, 1, 2);
    try (DigestStore c = open()) {
      c.put(ST, PARTIAL, null, path("/a"), found);
      c.put(other, PARTIAL, null, path("/b"));
      c.attributes(otherChanged, found); // another ctime: not this entry's
      c.commit();
    }
    try (DigestStore c = open()) {
      Digests.Entry[] got = c.get(List.of(ST, other));
      assertEquals(found, got[0].attributes());
      assertNull(got[1].attributes());
      c.put(ST, PARTIAL, SHA, path("/a")); // what it knew before is replaced
      c.commit();
    }
    try (DigestStore c = open()) {
      assertNull(c.get(List.of(ST))[0].attributes());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {READ_WHOLE, IN_THE_DATABASE})
  void writesHeldAndMadeInTheOrderOfInodesKeepTheLastWriteOfEachInode(int preload)
      throws Exception {
    this.preload = preload;
    // more than one batch of writes held, in no order, and a second write of every third
    // inode, some of them held in the same batch as the first
    int n = SqliteStore.WRITE_BATCH + 5000;
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    java.util.Collections.shuffle(order, new Random(15));
    byte[] first = new byte[32];
    byte[] last = new byte[32];
    first[0] = 1;
    last[0] = 2;
    try (DigestStore c = open()) {
      for (int i : order) {
        c.put(stat(7, i + 1, 10, 1, 1), null, first, path("/" + i));
      }
      for (int i : order) {
        if (i % 3 == 0) {
          c.put(stat(7, i + 1, 10, 1, 1), null, last, path("/" + i));
        }
      }
      c.commit();
    }
    List<FileStat> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(stat(7, i + 1, 10, 1, 1));
    }
    try (DigestStore c = open()) {
      Digests.Entry[] got = c.get(all);
      for (int i = 0; i < n; i++) {
        assertNotNull(got[i], "inode " + (i + 1));
        assertEquals(i % 3 == 0 ? 2 : 1, got[i].sha256()[0], "inode " + (i + 1));
      }
    }
  }

  @Test
  void aSystemPropertySetsTheLimit() throws Exception {
    try (DigestStore c = openStore(dir.resolve("c.db"))) {
      assertEquals(0, c.preloaded(), "by default a small cache is read whole");
    }
    System.setProperty(DigestStore.PRELOAD_PROPERTY, "-1");
    try (DigestStore c = openStore(dir.resolve("c.db"))) {
      assertEquals(-1, c.preloaded());
    } finally {
      System.clearProperty(DigestStore.PRELOAD_PROPERTY);
    }
  }

  @Test
  void whenTheRunNeedsTheCacheBeforeItIsReadTheRestIsLookedUpInTheDatabase() throws Exception {
    try (DigestStore c = open()) {
      for (int ino = 1; ino <= 6; ino++) {
        c.put(stat(7, ino, 10, 1, 1), PARTIAL, null, path("/r/" + ino));
      }
      c.commit();
    }
    List<FileStat> keys = new ArrayList<>();
    for (int ino = 1; ino <= 7; ino++) {
      keys.add(stat(7, ino, 10, 1, 1));
    }
    for (int read : new int[] {0, 3}) {
      try (DigestStore c = DigestStore.open(dir.resolve("c.db"), problems, READ_WHOLE, read,
          new AtomicBoolean(true))) {
        assertEquals(read, c.preloaded(), "read up to the inode of the last entry read");
        Digests.Entry[] got = c.get(keys.subList(1, 7)); // all but inode 1, and a new one
        for (int i = 0; i < 5; i++) {
          assertArrayEquals(PARTIAL, got[i].endsKey(), "inode " + (i + 2) + " after " + read);
        }
        assertNull(got[5]);
        assertEquals(1, c.prune(List.of(path("/r"))), "inode 1, whether read or not");
      } // not committed
    }
    try (DigestStore c = DigestStore.open(dir.resolve("c.db"), problems, READ_WHOLE, 3,
        new AtomicBoolean(true))) {
      c.get(List.of(keys.get(0), keys.get(4)));
      assertEquals(4, c.prune(List.of(path("/r/"))), "2 and 3 read, 4 and 6 not");
      c.commit();
    }
    assertEquals(List.of("/r/1", "/r/5"), paths());
    assertEquals("", errBytes.toString());
  }

  @Test
  void aCacheOfMoreEntriesThanTheLimitIsLookedUpInTheDatabase() throws Exception {
    try (DigestStore c = open()) {
      for (int ino = 1; ino <= 3; ino++) {
        c.put(stat(7, ino, 10, 1, 1), PARTIAL, null, path("/a/" + ino));
      }
      c.commit();
    }
    try (DigestStore c = openStore(dir.resolve("c.db"), 3)) {
      assertEquals(3, c.preloaded());
      assertArrayEquals(PARTIAL, c.get(List.of(stat(7, 2, 10, 1, 1)))[0].endsKey());
    }
    try (DigestStore c = openStore(dir.resolve("c.db"), 2)) {
      assertEquals(-1, c.preloaded());
      assertArrayEquals(PARTIAL, c.get(List.of(stat(7, 2, 10, 1, 1)))[0].endsKey());
    }
    assertEquals("", errBytes.toString());
  }

  @Test
  void aNewCacheMissesEveryLookUpAndKeepsAllTheRunWrotePastTheLimitOfOneReadWhole()
      throws Exception {
    List<String> written = new ArrayList<>();
    try (DigestStore c = openStore(dir.resolve("c.db"), 2)) {
      assertEquals(0, c.preloaded());
      for (int ino = 1; ino <= 5; ino++) { // as a run goes: looked up, read, then written
        FileStat st = stat(7, ino, 10, 1, 1);
        assertNull(c.get(List.of(st))[0]);
        c.put(st, PARTIAL, SHA, path("/r/" + ino));
        written.add("/r/" + ino);
      }
      assertEquals(0, c.hits());
      assertEquals(5, c.misses());
      assertEquals(0, c.prune(List.of(path("/r"))), "all were this run's: none pruned");
      c.commit();
    }
    assertEquals(written, paths());
    try (DigestStore c = openStore(dir.resolve("c.db"), 2)) {
      List<FileStat> all = new ArrayList<>();
      for (int ino = 1; ino <= 5; ino++) {
        all.add(stat(7, ino, 10, 1, 1));
      }
      for (Digests.Entry e : c.get(all)) {
        assertArrayEquals(SHA, e.sha256());
      }
      assertEquals(5, c.hits());
    }
    assertEquals("", errBytes.toString());
  }

  @ParameterizedTest
  @ValueSource(ints = {READ_WHOLE, IN_THE_DATABASE})
  void whatTheRunRecordedIsWhatALaterLookUpFinds(int preload) throws Exception {
    this.preload = preload;
    FileStat other = stat(7, 5, 10, 1, 1);
    try (DigestStore c = open()) {
      c.put(ST, PARTIAL, null, path("/a"));
      c.put(other, PARTIAL, null, path("/b"));
      c.commit();
    }
    try (DigestStore c = open()) {
      FileStat fresh = stat(7, 6, 10, 1, 1);
      assertNull(c.get(List.of(fresh))[0]);
      c.put(ST, PARTIAL, SHA, path("/a")); // read in full
      c.put(fresh, null, SHA, path("/c"));
      FileStat relinked = stat(7, 5, 10, 1, 9);
      c.linked(relinked, relinked.ctimeNanos());
      Digests.Entry[] got = c.get(List.of(ST, fresh, relinked, other));
      assertArrayEquals(SHA, got[0].sha256(), "the digest recorded by this run");
      assertArrayEquals(SHA, got[1].sha256());
      assertNull(got[1].endsKey());
      assertArrayEquals(PARTIAL, got[2].endsKey(), "the ctime recorded by this run");
      assertNull(got[3], "the ctime it had before");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {READ_WHOLE, IN_THE_DATABASE})
  void anEntryPutButNotLookedUpIsPrunedAsAnyUnseenOne(int preload) throws Exception {
    this.preload = preload;
    try (DigestStore c = open()) {
      c.put(ST, null, SHA, path("/r/a"));
      c.commit();
    }
    try (DigestStore c = open()) {
      FileStat seen = stat(7, 2, 10, 1, 1);
      c.get(List.of(seen));
      c.put(seen, null, SHA, path("/r/seen"));
      c.put(stat(7, 3, 10, 1, 1), null, SHA, path("/r/unseen"));
      c.put(stat(7, 4, 10, 1, 1), null, SHA, path("/elsewhere/unseen"));
      assertEquals(2, c.prune(List.of(path("/r"))));
      assertNull(c.get(List.of(ST))[0], "pruned");
      c.commit();
    }
    assertEquals(List.of("/elsewhere/unseen", "/r/seen"), paths());
  }

  @Test
  void entriesOfUnexpectedTypesAreAnsweredAsSqliteComparesThem() throws Exception {
    try (DigestStore c = open()) {
      c.put(ST, PARTIAL, SHA, path("/a"));
      c.commit();
    }
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"));
        Statement st = db.createStatement()) {
      // a partial key of another length, a size that is text: never a hit
      st.executeUpdate(INSERT + "(7, 2, 10, 1, 1, x'0102', NULL, x'2f62')");
      st.executeUpdate(INSERT + "(7, 3, '10', 1, 1, NULL, NULL, x'2f63')");
      st.executeUpdate(INSERT + "(7, 4, 10, 1, 1.5, NULL, NULL, x'2f64')");
      st.executeUpdate(INSERT + "(7, 5, 10, 1, 1, NULL, NULL, x'2f65')");
    }
    List<FileStat> keys = List.of(ST, stat(7, 2, 10, 1, 1), stat(7, 3, 10, 1, 1),
        stat(7, 4, 10, 1, 1), stat(7, 5, 10, 1, 1));
    for (int way : new int[] {READ_WHOLE, IN_THE_DATABASE}) {
      preload = way;
      try (DigestStore c = open()) {
        Digests.Entry[] got = c.get(keys);
        assertArrayEquals(SHA, got[0].sha256());
        assertNull(got[1]);
        // '10' was stored as the integer 10 (the column's affinity); 1.5 is no integer
        assertNotNull(got[2]);
        assertNull(got[3]);
        assertNotNull(got[4], "an entry with neither digest is still an entry");
        assertNull(got[4].endsKey());
        assertNull(got[4].sha256());
      }
    }
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"));
        Statement st = db.createStatement()) {
      st.executeUpdate(INSERT + "('seven', 6, 10, 1, 1, NULL, NULL, x'2f66')");
    }
    try (DigestStore c = openStore(dir.resolve("c.db"), READ_WHOLE)) {
      assertEquals(-1, c.preloaded(), "an inode that is not two integers: not read whole");
      assertArrayEquals(SHA, c.get(List.of(ST))[0].sha256());
    }
    assertEquals("", errBytes.toString());
  }

  /**
   * The same runs, with random keys and changes, on five copies of one cache: one read whole,
   * one looked up in the database, one read whole that holds no more inodes than it read (it
   * moves what it knows to the database at the first new one), one of which half was read
   * when the run needed it, and one joined in one pass with some of the files looked up
   * (as known, changed since, new). Every answer, count and the databases they leave are the
   * same.
   */
  @Test
  void bothWaysOfLookingUpGiveTheSameAnswers() throws Exception {
    for (long seed = 1; seed <= 30; seed++) {
      Random random = new Random(seed);
      Path base = dir.resolve("base-" + seed + ".db");
      List<FileStat> known = new ArrayList<>();
      try (DigestStore c = openStore(base, IN_THE_DATABASE)) {
        int n = random.nextInt(60);
        for (int i = 0; i < n; i++) {
          FileStat st = randomStat(random);
          known.add(st);
          c.put(st, random.nextBoolean() ? digest(random, 8) : null,
              random.nextBoolean() ? digest(random, 32) : null, randomPath(random));
        }
        c.commit();
      }
      Path whole = Files.copy(base, dir.resolve("whole-" + seed + ".db"));
      Path asked = Files.copy(base, dir.resolve("asked-" + seed + ".db"));
      Path moved = Files.copy(base, dir.resolve("moved-" + seed + ".db"));
      Path half = Files.copy(base, dir.resolve("half-" + seed + ".db"));
      Path joined = Files.copy(base, dir.resolve("joined-" + seed + ".db"));
      int rows = rows(base).size();
      List<byte[]> roots = random.nextBoolean() ? List.of(path("/r1"))
          : List.of(path("/r1"), path("/r2/"));
      // the candidates of the join: some as known, some changed since, some new
      List<FileStat> candidates = new ArrayList<>();
      for (int i = random.nextInt(50); i > 0; i--) {
        candidates.add(known.isEmpty() || random.nextInt(4) == 0 ? randomStat(random)
            : random.nextBoolean() ? known.get(random.nextInt(known.size()))
            : near(known.get(random.nextInt(known.size())), random));
      }
      if (random.nextInt(3) == 0) {
        candidates.removeIf(c -> c.dev() != 0); // entries of devices with no candidate
      }
      try (DigestStore a = openStore(whole, READ_WHOLE);
          DigestStore b = openStore(asked, IN_THE_DATABASE);
          DigestStore m = openStore(moved, rows);
          DigestStore h = DigestStore.open(half, problems, READ_WHOLE, rows / 2,
              new AtomicBoolean(true));
          DigestStore j = JoinedStore.read((SqliteStore) openStore(joined, IN_THE_DATABASE),
              of(candidates), roots)) {
        assertTrue(a.preloaded() >= 0);
        assertEquals(-1, b.preloaded());
        assertEquals(rows, m.preloaded());
        assertEquals(rows / 2, h.preloaded());
        for (int op = 0; op < 40; op++) {
          String what = "seed " + seed + ", operation " + op;
          int kind = random.nextInt(10);
          if (kind < 5) {
            List<FileStat> batch = new ArrayList<>();
            int n = random.nextInt(30);
            for (int i = 0; i < n; i++) {
              batch.add(known.isEmpty() || random.nextInt(4) == 0 ? randomStat(random)
                  : near(known.get(random.nextInt(known.size())), random));
            }
            if (random.nextBoolean() && !candidates.isEmpty()) {
              batch.add(candidates.get(random.nextInt(candidates.size())));
            }
            Digests.Entry[] fromB = b.get(batch);
            assertSame(a.get(batch), fromB, what);
            assertSame(m.get(batch), fromB, what);
            assertSame(h.get(batch), fromB, what);
            assertSame(j.get(batch), fromB, what);
          } else if (kind < 8) {
            FileStat st = known.isEmpty() || random.nextBoolean() ? randomStat(random)
                : near(known.get(random.nextInt(known.size())), random);
            known.add(st);
            byte[] partial = random.nextBoolean() ? digest(random, 8) : null;
            byte[] sha = random.nextBoolean() ? digest(random, 32) : null;
            byte[] p = randomPath(random);
            Attributes.Found found = random.nextBoolean() ? null
                : new Attributes.Found(random.nextLong(), random.nextInt(3) * 4096);
            a.put(st, partial, sha, p, found);
            b.put(st, partial, sha, p, found);
            m.put(st, partial, sha, p, found);
            h.put(st, partial, sha, p, found);
            j.put(st, partial, sha, p, found);
          } else if (kind == 8) {
            FileStat st = known.isEmpty() ? randomStat(random)
                : near(known.get(random.nextInt(known.size())), random);
            Attributes.Found found = new Attributes.Found(random.nextLong(), 4096);
            a.attributes(st, found);
            b.attributes(st, found);
            m.attributes(st, found);
            h.attributes(st, found);
            j.attributes(st, found);
          } else {
            FileStat st = known.isEmpty() ? randomStat(random)
                : near(known.get(random.nextInt(known.size())), random);
            long ctime = st.ctimeNanos() + random.nextInt(3);
            a.linked(st, ctime);
            b.linked(st, ctime);
            m.linked(st, ctime);
            h.linked(st, ctime);
            j.linked(st, ctime);
            known.add(stat(st.dev(), st.ino(), st.size(), st.mtimeNanos(), ctime));
          }
        }
        long pruned = b.prune(roots);
        assertEquals(pruned, a.prune(roots), "seed " + seed);
        assertEquals(pruned, m.prune(roots), "seed " + seed);
        assertEquals(pruned, h.prune(roots), "seed " + seed);
        assertEquals(pruned, j.prune(roots), "seed " + seed);
        List<FileStat> all = new ArrayList<>(known);
        Digests.Entry[] fromB = b.get(all);
        assertSame(a.get(all), fromB, "after pruning, seed " + seed);
        assertSame(m.get(all), fromB, "after pruning, seed " + seed);
        assertSame(h.get(all), fromB, "after pruning, seed " + seed);
        assertSame(j.get(all), fromB, "after pruning, seed " + seed);
        assertEquals(b.hits(), a.hits());
        assertEquals(b.misses(), a.misses());
        assertEquals(b.hits(), m.hits());
        assertEquals(b.hits(), h.hits());
        assertEquals(b.misses(), h.misses());
        assertEquals(b.hits(), j.hits());
        assertEquals(b.misses(), j.misses());
        a.commit();
        b.commit();
        m.commit();
        h.commit();
        j.commit();
      }
      assertEquals(rows(asked), rows(whole), "seed " + seed);
      assertEquals(rows(asked), rows(moved), "seed " + seed);
      assertEquals(rows(asked), rows(half), "seed " + seed);
      assertEquals(rows(asked), rows(joined), "seed " + seed);
    }
    assertEquals("", errBytes.toString());
  }

  /** The files of {@code stats} as candidates of a join, by their index in the list. */
  private static Candidates of(List<FileStat> stats) {
    return new Candidates() {
      @Override
      public int count() {
        return stats.size();
      }

      @Override
      public int[] indexes() {
        return java.util.stream.IntStream.range(0, stats.size()).toArray();
      }

      @Override
      public long dev(int i) {
        return stats.get(i).dev();
      }

      @Override
      public long ino(int i) {
        return stats.get(i).ino();
      }

      @Override
      public long size(int i) {
        return stats.get(i).size();
      }

      @Override
      public long mtimeNanos(int i) {
        return stats.get(i).mtimeNanos();
      }

      @Override
      public long ctimeNanos(int i) {
        return stats.get(i).ctimeNanos();
      }
    };
  }

  private static void assertSame(Digests.Entry[] a, Digests.Entry[] b, String what) {
    assertEquals(b.length, a.length, what);
    for (int i = 0; i < a.length; i++) {
      assertEquals(b[i] == null, a[i] == null, what + ", key " + i);
      if (a[i] != null) {
        assertArrayEquals(b[i].endsKey(), a[i].endsKey(), what + ", key " + i);
        assertArrayEquals(b[i].sha256(), a[i].sha256(), what + ", key " + i);
        assertEquals(b[i].attributes(), a[i].attributes(), what + ", key " + i);
      }
    }
  }

  /** Few distinct values, so that keys meet: two devices, 20 inodes, times near each other. */
  private static FileStat randomStat(Random r) {
    return stat(r.nextInt(2), r.nextInt(20), r.nextInt(3) * 4096, r.nextInt(3) - 1L,
        Long.MAX_VALUE - r.nextInt(3));
  }

  /** The same key, or one with one field changed. */
  private static FileStat near(FileStat s, Random r) {
    long[] f = {s.dev(), s.ino(), s.size(), s.mtimeNanos(), s.ctimeNanos()};
    if (r.nextBoolean()) {
      f[r.nextInt(5)] += r.nextBoolean() ? 1 : -1;
    }
    return stat(f[0], f[1], f[2], f[3], f[4]);
  }

  private static byte[] digest(Random r, int length) {
    byte[] d = new byte[length];
    r.nextBytes(d);
    return d;
  }

  private static byte[] randomPath(Random r) {
    String[] under = {"/r1/", "/r1", "/r10/", "/r2/", "/other/"};
    return path(under[r.nextInt(under.length)] + r.nextInt(5));
  }

  private static List<String> rows(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet r = st.executeQuery("SELECT dev, ino, size, mtime_ns, ctime_ns, "
            + "hex(partial), hex(sha256), hex(path), attrs, blocks FROM files "
            + "ORDER BY dev, ino")) {
      List<String> out = new ArrayList<>();
      while (r.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
          row.append(r.getString(i)).append(' ');
        }
        out.add(row.toString());
      }
      return out;
    }
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
