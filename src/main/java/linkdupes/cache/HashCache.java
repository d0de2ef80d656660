package linkdupes.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import linkdupes.report.Problems;
import linkdupes.scan.FileStat;
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
 */
public final class HashCache implements AutoCloseable {
  static final int SCHEMA = 1;

  /** What an earlier run learned of a file that is unchanged since. */
  public record Cached(byte[] partial, byte[] sha256) {}

  private final Path file;
  private final Connection db;
  private static final int PARTIAL = 8;
  private static final int SHA256 = 32;
  private final PreparedStatement addKey;
  private final PreparedStatement lookUp;
  private final PreparedStatement upsert;
  private final PreparedStatement ctime;
  private int pending;
  private long hits;
  private long misses;

  private HashCache(Path file, Connection db) throws SQLException {
    this.file = file;
    this.db = db;
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
    upsert = db.prepareStatement("INSERT OR REPLACE INTO files "
        + "(dev, ino, size, mtime_ns, ctime_ns, partial, sha256, path) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    ctime = db.prepareStatement("UPDATE files SET ctime_ns = ? "
        + "WHERE dev = ? AND ino = ? AND size = ? AND mtime_ns = ?");
  }

  /**
   * Opens (or creates) the cache at {@code file}. When it cannot be used (unreadable, not a
   * database, written by another version of linkdupes, locked), prints one warning and returns
   * null: the run goes on without a cache. The file itself is never removed or replaced.
   */
  public static HashCache open(Path file, Problems problems) {
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
      return new HashCache(file, db);
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

  /**
   * What the cache knows of each file, as it is now: an array parallel to {@code files}, with
   * null where it has no entry or the file changed since. Also notes every file as seen by this
   * run, so that its entry is not pruned.
   */
  public Cached[] get(List<FileStat> files) throws SQLException {
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
    for (Cached c : out) {
      if (c != null) {
        hits++;
      } else {
        misses++;
      }
    }
    return out;
  }

  /** Records what this run learned of a file; {@code path} is a name of it (real path bytes). */
  public void put(FileStat st, byte[] partial, byte[] sha256, byte[] path) throws SQLException {
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
  }

  /**
   * Records the ctime a file has after this run linked names to it, when its size and mtime
   * are still the ones its entry holds: linking changes the ctime, not the content.
   */
  public void linked(FileStat before, long newCtime) throws SQLException {
    ctime.setLong(1, newCtime);
    ctime.setLong(2, before.dev());
    ctime.setLong(3, before.ino());
    ctime.setLong(4, before.size());
    ctime.setLong(5, before.mtimeNanos());
    ctime.addBatch();
    flushSometimes();
  }

  private void flushSometimes() throws SQLException {
    if (++pending >= 4096) {
      flush();
    }
  }

  private void flush() throws SQLException {
    upsert.executeBatch();
    ctime.executeBatch();
    pending = 0;
  }

  /**
   * Removes the entries under {@code roots} (real paths, as bytes) that this run did not see:
   * files deleted, changed to another inode, or no longer sharing a size with another file.
   * Entries under other roots stay. Returns the number removed.
   */
  public long prune(List<byte[]> roots) throws SQLException {
    flush();
    long removed = 0;
    try (PreparedStatement del = db.prepareStatement("DELETE FROM files WHERE "
        + "(path = ? OR (path >= ? AND path < ?)) AND NOT EXISTS "
        + "(SELECT 1 FROM temp.seen s WHERE s.dev = files.dev AND s.ino = files.ino)")) {
      for (byte[] root : roots) {
        byte[] from = root.length > 0 && root[root.length - 1] == '/' ? root
            : Arrays.copyOf(root, root.length + 1);
        from[from.length - 1] = '/';
        byte[] to = from.clone();
        to[to.length - 1] = '/' + 1;
        del.setBytes(1, root);
        del.setBytes(2, from);
        del.setBytes(3, to);
        removed += del.executeUpdate();
      }
    }
    return removed;
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
