package linkdupes.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import linkdupes.base.Problems;
import linkdupes.fs.FileStat;
import org.sqlite.SQLiteConfig;

/**
 * Digests of files read by earlier runs, in an SQLite database, so a nightly run over a tree
 * that barely changed reads only what changed.
 *
 * <p>An entry is keyed by what tells that a file's content is unchanged: device, inode, size,
 * modification time and status-change time (in nanoseconds). Any difference is a miss, and the
 * file is read again; the ctime changes on every write, even one that restores the mtime. An
 * entry holds the key of the first and last 4 KiB ({@code partial}) and the SHA-256 of the
 * whole content, where they were computed, and the path the file was read through, so that
 * entries under the roots of a run that no longer exist there can be pruned without touching
 * the entries of other roots.
 *
 * <p>Schema version 1 ({@code PRAGMA user_version}):
 *
 * <pre>
 * CREATE TABLE files (
 *   dev INTEGER NOT NULL, ino INTEGER NOT NULL,      -- the inode
 *   size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
 *   partial BLOB,                                     -- 8 bytes: CRC-32C and CRC-32 of the
 *                                                     -- first and last 4 KiB, or NULL
 *   sha256 BLOB,                                      -- 32 bytes, or NULL
 *   path BLOB NOT NULL,                               -- a name of it, as the system's bytes
 *   PRIMARY KEY (dev, ino)) WITHOUT ROWID;
 * CREATE INDEX files_path ON files (path);
 * </pre>
 *
 * <p>Every change of a run is one transaction, committed at its end: a run that is killed
 * leaves the database as it was.
 *
 * <p>A cache of at most {@link #PRELOAD_AT_MOST} entries is read whole when opened (on the
 * thread that opens it, while the tree is walked): look-ups are then answered from memory, and
 * only entries written by this run are looked up in the database again. A larger cache is
 * looked up in the database, a batch of files at a time; so are the files past the last entry
 * read when the run needed the cache before it was read whole.
 */
public final class HashCache implements AutoCloseable {
  static final int SCHEMA = 1;

  /**
   * The most entries read whole when the cache is opened: about 100 bytes each in memory,
   * 50 MiB at most.
   */
  public static final int PRELOAD_AT_MOST = 1 << 19;

  /** A system property that sets another limit than {@link #PRELOAD_AT_MOST}; -1 for none. */
  public static final String PRELOAD_PROPERTY = "linkdupes.cache.preload";

  /** What an earlier run learned of a file that is unchanged since. */
  public record Cached(byte[] partial, byte[] sha256) {}

  private final Path file;
  private final Connection db;
  private static final int PARTIAL = Preloaded.PARTIAL;
  private static final int SHA256 = Preloaded.SHA256;
  /** The entries read when opened, or null: every look-up asks the database. */
  private Preloaded known;
  /** The most inodes {@link #known} holds before what it knows is moved to the database. */
  private final int knownAtMost;
  private final int preloaded;
  /** Made on the first look-up in the database. */
  private PreparedStatement addKey;
  private PreparedStatement lookUp;
  private final PreparedStatement upsert;
  private final PreparedStatement ctime;
  /** Records batched and not yet written: entries put, ctimes updated (one kind at a time). */
  private int pending;
  private boolean pendingPuts;
  private long hits;
  private long misses;

  private HashCache(Path file, Connection db, Preloaded known, int knownAtMost)
      throws SQLException {
    this.file = file;
    this.db = db;
    this.known = known;
    this.knownAtMost = knownAtMost;
    this.preloaded = known == null ? -1 : known.loaded();
    upsert = db.prepareStatement("INSERT OR REPLACE INTO files "
        + "(dev, ino, size, mtime_ns, ctime_ns, partial, sha256, path) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    ctime = db.prepareStatement("UPDATE files SET ctime_ns = ? "
        + "WHERE dev = ? AND ino = ? AND size = ? AND mtime_ns = ?");
  }

  private void prepareLookUps() throws SQLException {
    try (Statement st = db.createStatement()) {
      // the inodes of this run: those of the batch being looked up, and all seen so far
      st.executeUpdate("PRAGMA temp_store = MEMORY");
      st.executeUpdate("CREATE TEMP TABLE batch (i INTEGER PRIMARY KEY, dev INTEGER NOT NULL, "
          + "ino INTEGER NOT NULL, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER)");
      st.executeUpdate("CREATE TEMP TABLE seen (dev INTEGER NOT NULL, ino INTEGER NOT NULL, "
          + "PRIMARY KEY (dev, ino)) WITHOUT ROWID");
    }
    addKey = db.prepareStatement("INSERT INTO temp.batch (i, dev, ino, size, mtime_ns, ctime_ns) "
        + "VALUES (?, ?, ?, ?, ?, ?)");
    lookUp = db.prepareStatement("SELECT b.i, ifnull(f.partial, x'') || ifnull(f.sha256, x'') "
        + "FROM temp.batch b JOIN files f ON f.dev = b.dev AND f.ino = b.ino "
        + "AND f.size = b.size AND f.mtime_ns = b.mtime_ns AND f.ctime_ns = b.ctime_ns "
        + "WHERE length(ifnull(f.partial, x'')) IN (0, 8) "
        + "AND length(ifnull(f.sha256, x'')) IN (0, 32)");
  }

  /**
   * Opens (or creates) the cache at {@code file}. When it cannot be used (unreadable, not a
   * database, written by another version of linkdupes, locked), prints one warning and returns
   * null: the run goes on without a cache. The file itself is never removed or replaced.
   */
  public static HashCache open(Path file, Problems problems) {
    return open(file, problems, new AtomicBoolean());
  }

  /**
   * As {@link #open(Path, Problems)}; once {@code needed} is set, reading the cache whole stops,
   * and the database answers for the files past the last entry read.
   */
  public static HashCache open(Path file, Problems problems, AtomicBoolean needed) {
    return open(file, problems, Integer.getInteger(PRELOAD_PROPERTY, PRELOAD_AT_MOST), 0,
        needed);
  }

  /** As {@link #open(Path, Problems)}, reading the cache whole if it has at most so many. */
  static HashCache open(Path file, Problems problems, int preloadAtMost) {
    return open(file, problems, preloadAtMost, 0, new AtomicBoolean());
  }

  /** As {@link #open(Path, Problems, AtomicBoolean)}, reading at least so many entries. */
  static HashCache open(Path file, Problems problems, int preloadAtMost, int atLeast,
      AtomicBoolean needed) {
    Connection db = null;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      NativeLibrary.prepare(file);
      SQLiteConfig config = new SQLiteConfig();
      config.setBusyTimeout(2000);
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      db = config.createConnection("jdbc:sqlite:" + file);
      db.setAutoCommit(false);
      int version;
      try (Statement st = db.createStatement();
          ResultSet r = st.executeQuery("PRAGMA user_version")) {
        version = r.next() ? r.getInt(1) : 0;
      }
      if (version == 0) {
        create(db);
      } else if (version != SCHEMA) {
        db.close();
        problems.warning("not using the cache " + file + ": written by another version of "
            + "linkdupes (schema " + version + ", this one reads " + SCHEMA + ")");
        return null;
      }
      return new HashCache(file, db,
          Preloaded.read(db, preloadAtMost, atLeast, needed), preloadAtMost);
    } catch (SQLException | IOException | RuntimeException e) {
      if (db != null) {
        try {
          db.close();
        } catch (SQLException ignored) {
          // already failing; the warning says why
        }
      }
      problems.warning("not using the cache " + file + ": " + reason(e));
      return null;
    }
  }

  private static void create(Connection db) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.executeUpdate("CREATE TABLE IF NOT EXISTS files ("
          + "dev INTEGER NOT NULL, ino INTEGER NOT NULL, size INTEGER NOT NULL, "
          + "mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, partial BLOB, sha256 BLOB, "
          + "path BLOB NOT NULL, PRIMARY KEY (dev, ino)) WITHOUT ROWID");
      st.executeUpdate("CREATE INDEX IF NOT EXISTS files_path ON files (path)");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA);
    }
    db.commit();
  }

  private static String reason(Exception e) {
    String m = e.getMessage();
    if (e instanceof SQLException && m != null) {
      // "[SQLITE_NOTADB] File opened that is not a database file (file is not a database)"
      int close = m.indexOf(']');
      m = close >= 0 ? m.substring(close + 1).trim() : m;
    }
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      m = fse.getReason();
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }

  public Path file() {
    return file;
  }

  /** The number of entries read when the cache was opened, or -1 if it was not read whole. */
  public int preloaded() {
    return preloaded;
  }

  /**
   * What the cache knows of each file, as it is now: an array parallel to {@code files}, with
   * null where it has no entry or the file changed since. Also notes every file as seen by this
   * run, so that its entry is not pruned.
   */
  public Cached[] get(List<FileStat> files) throws SQLException {
    Cached[] out = known == null ? ask(files) : recall(files);
    spillIfLarge();
    for (Cached c : out) {
      if (c != null) {
        hits++;
      } else {
        misses++;
      }
    }
    return out;
  }

  /** Looks {@code files} up in the entries read when opened; asks the database of those changed. */
  private Cached[] recall(List<FileStat> files) throws SQLException {
    Cached[] out = new Cached[files.size()];
    List<FileStat> changed = null;
    int[] at = null;
    for (int i = 0; i < out.length; i++) {
      FileStat st = files.get(i);
      Cached c = known.recall(st.dev(), st.ino(), st.size(), st.mtimeNanos(), st.ctimeNanos());
      if (c != Preloaded.ASK) {
        out[i] = c;
      } else {
        if (changed == null) {
          changed = new ArrayList<>();
          at = new int[files.size()];
        }
        at[changed.size()] = i;
        changed.add(st);
      }
    }
    if (changed != null) {
      Cached[] asked = ask(changed);
      for (int j = 0; j < asked.length; j++) {
        out[at[j]] = asked[j];
      }
    }
    return out;
  }

  /** Looks {@code files} up in the database, and notes them as seen there. */
  private Cached[] ask(List<FileStat> files) throws SQLException {
    if (lookUp == null) {
      prepareLookUps();
    }
    flush(); // what this run recorded is what a look-up finds
    Cached[] out = new Cached[files.size()];
    for (int i = 0; i < files.size(); i++) {
      FileStat st = files.get(i);
      addKey.setInt(1, i);
      addKey.setLong(2, st.dev());
      addKey.setLong(3, st.ino());
      addKey.setLong(4, st.size());
      addKey.setLong(5, st.mtimeNanos());
      addKey.setLong(6, st.ctimeNanos());
      addKey.addBatch();
    }
    addKey.executeBatch(); // one call: the driver loops in native code
    // the key is compared by SQLite, and both digests come back as one value: fewer calls
    try (ResultSet r = lookUp.executeQuery()) {
      while (r.next()) {
        byte[] both = r.getBytes(2);
        int n = both == null ? 0 : both.length;
        byte[] partial = n == PARTIAL || n == PARTIAL + SHA256 ? Arrays.copyOf(both, PARTIAL)
            : null;
        byte[] sha = n == SHA256 || n == PARTIAL + SHA256
            ? Arrays.copyOfRange(both, n - SHA256, n) : null;
        out[r.getInt(1)] = new Cached(partial, sha);
      }
    }
    try (Statement st = db.createStatement()) {
      st.executeUpdate("INSERT OR IGNORE INTO temp.seen SELECT dev, ino FROM temp.batch");
      st.executeUpdate("DELETE FROM temp.batch");
    }
    return out;
  }

  /** Records what this run learned of a file; {@code path} is a name of it (real path bytes). */
  public void put(FileStat st, byte[] partial, byte[] sha256, byte[] path) throws SQLException {
    if (pending > 0 && !pendingPuts) {
      flush(); // in the order they were made
    }
    pendingPuts = true;
    if (known != null && known.covers(st.dev(), st.ino())) {
      int e = known.find(st.dev(), st.ino());
      known.changed(e >= 0 ? e : known.add(st.dev(), st.ino()));
    }
    upsert.setLong(1, st.dev());
    upsert.setLong(2, st.ino());
    upsert.setLong(3, st.size());
    upsert.setLong(4, st.mtimeNanos());
    upsert.setLong(5, st.ctimeNanos());
    upsert.setBytes(6, partial);
    upsert.setBytes(7, sha256);
    upsert.setBytes(8, path);
    upsert.addBatch();
    flushSometimes();
    spillIfLarge();
  }

  /**
   * Records the ctime a file has after this run linked names to it, when its size and mtime
   * are still the ones its entry holds: linking changes the ctime, not the content.
   */
  public void linked(FileStat before, long newCtime) throws SQLException {
    if (pending > 0 && pendingPuts) {
      flush();
    }
    pendingPuts = false;
    if (known != null && known.covers(before.dev(), before.ino())) {
      int e = known.find(before.dev(), before.ino());
      if (e >= 0) {
        known.changed(e); // or not, if its size or mtime changed: the database tells
      } // else it has no entry for this one to update
    }
    ctime.setLong(1, newCtime);
    ctime.setLong(2, before.dev());
    ctime.setLong(3, before.ino());
    ctime.setLong(4, before.size());
    ctime.setLong(5, before.mtimeNanos());
    ctime.addBatch();
    flushSometimes();
  }

  /**
   * Moves what {@link #known} holds to the database once it holds more inodes than an entry
   * read whole may (a first run over a large tree): the inodes seen go to {@code temp.seen},
   * and every later look-up asks the database.
   */
  private void spillIfLarge() throws SQLException {
    if (known == null || known.entries() <= knownAtMost) {
      return;
    }
    if (lookUp == null) {
      prepareLookUps();
    }
    try (PreparedStatement seen = db.prepareStatement(
        "INSERT OR IGNORE INTO temp.seen (dev, ino) VALUES (?, ?)")) {
      int batched = 0;
      for (int e = 0; e < known.entries(); e++) {
        if (known.isSeen(e)) {
          seen.setLong(1, known.dev(e));
          seen.setLong(2, known.ino(e));
          seen.addBatch();
          if (++batched == 4096) {
            seen.executeBatch();
            batched = 0;
          }
        }
      }
      seen.executeBatch();
    }
    known = null;
  }

  private void flushSometimes() throws SQLException {
    if (++pending >= 4096) {
      flush();
    }
  }

  private void flush() throws SQLException {
    if (pending == 0) {
      return;
    }
    if (pendingPuts) {
      upsert.executeBatch();
    } else {
      ctime.executeBatch();
    }
    pending = 0;
  }

  /**
   * Removes the entries under {@code roots} (real paths, as bytes) that this run did not see:
   * files deleted, changed to another inode, or no longer sharing a size with another file.
   * Entries under other roots stay. Returns the number removed.
   */
  public long prune(List<byte[]> roots) throws SQLException {
    flush();
    if (known != null) {
      return pruneKnown(roots);
    }
    if (lookUp == null) {
      prepareLookUps(); // nothing looked up: nothing seen
    }
    long removed = 0;
    try (PreparedStatement del = db.prepareStatement("DELETE FROM files WHERE "
        + "(path = ? OR (path >= ? AND path < ?)) AND NOT EXISTS "
        + "(SELECT 1 FROM temp.seen s WHERE s.dev = files.dev AND s.ino = files.ino)")) {
      for (byte[] root : roots) {
        byte[][] under = under(root);
        del.setBytes(1, root);
        del.setBytes(2, under[0]);
        del.setBytes(3, under[1]);
        removed += del.executeUpdate();
      }
    }
    return removed;
  }

  /** The bounds of the paths under {@code root}: from its name and '/' to its name and '0'. */
  private static byte[][] under(byte[] root) {
    byte[] from = root.length > 0 && root[root.length - 1] == '/' ? root.clone()
        : Arrays.copyOf(root, root.length + 1);
    from[from.length - 1] = '/';
    byte[] to = from.clone();
    to[to.length - 1] = '/' + 1;
    return new byte[][] {from, to};
  }

  /**
   * Prunes by the entries read when opened: those this run did not look up are removed, each
   * by its inode, if its path is under a root. Usually there are none, and nothing is asked.
   */
  private long pruneKnown(List<byte[]> roots) throws SQLException {
    long removed = 0;
    if (!known.complete()) {
      removed += pruneUnread(roots);
    }
    if (known.unseen() == 0) {
      return removed;
    }
    PreparedStatement del = null;
    try {
      int batched = 0;
      for (byte[] root : roots) {
        byte[][] under = under(root);
        for (int e = 0; e < known.entries(); e++) {
          if (known.isSeen(e)) {
            continue;
          }
          if (del == null) {
            del = db.prepareStatement("DELETE FROM files WHERE dev = ? AND ino = ? "
                + "AND (path = ? OR (path >= ? AND path < ?))");
          }
          del.setLong(1, known.dev(e));
          del.setLong(2, known.ino(e));
          del.setBytes(3, root);
          del.setBytes(4, under[0]);
          del.setBytes(5, under[1]);
          del.addBatch();
          if (++batched == 4096) {
            removed += sum(del.executeBatch());
            batched = 0;
          }
        }
      }
      if (del != null) {
        removed += sum(del.executeBatch());
      }
    } finally {
      if (del != null) {
        del.close();
      }
    }
    for (int e = 0; e < known.entries(); e++) {
      if (!known.isSeen(e)) {
        known.changed(e); // removed, or not: the database tells
      }
    }
    return removed;
  }

  /** Prunes the entries past the last one read, as {@link #prune} does all in the database. */
  private long pruneUnread(List<byte[]> roots) throws SQLException {
    if (lookUp == null) {
      prepareLookUps(); // nothing looked up there: nothing seen
    }
    long[] last = known.loaded() == 0 ? null : known.lastRead();
    long removed = 0;
    try (PreparedStatement del = db.prepareStatement("DELETE FROM files WHERE "
        + (last == null ? "" : "(dev, ino) > (?, ?) AND ")
        + "(path = ? OR (path >= ? AND path < ?)) AND NOT EXISTS "
        + "(SELECT 1 FROM temp.seen s WHERE s.dev = files.dev AND s.ino = files.ino)")) {
      for (byte[] root : roots) {
        int i = 1;
        if (last != null) {
          del.setLong(i++, last[0]);
          del.setLong(i++, last[1]);
        }
        byte[][] under = under(root);
        del.setBytes(i++, root);
        del.setBytes(i++, under[0]);
        del.setBytes(i, under[1]);
        removed += del.executeUpdate();
      }
    }
    return removed;
  }

  private static long sum(int[] counts) {
    long n = 0;
    for (int c : counts) {
      n += Math.max(0, c);
    }
    return n;
  }

  /** Writes everything this run recorded, in one transaction. */
  public void commit() throws SQLException {
    flush();
    db.commit();
  }

  public long hits() {
    return hits;
  }

  public long misses() {
    return misses;
  }

  @Override
  public void close() {
    try {
      db.close(); // anything not committed is rolled back
    } catch (SQLException e) {
      // nothing was lost: the database stays as the last commit left it
    }
  }
}
