package linkdupes.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import linkdupes.fs.PathBytes;
import org.sqlite.SQLiteConfig;

/**
 * The cache read for what it knows of one file, without its lock and without changing it:
 * the name a run last read it through. A lead, never an answer: the caller checks the name.
 */
public final class CacheRecords implements AutoCloseable {
  private final Connection db;
  private final PreparedStatement byInode;

  private CacheRecords(Connection db) throws SQLException {
    this.db = db;
    byInode = db.prepareStatement("SELECT path FROM files WHERE dev = ? AND ino = ?");
  }

  /**
   * The cache at {@code file} opened read-only; null where there is none, it cannot be read,
   * or a run would refuse it (another user's, or writable by others: see {@link PrivateFolder}).
   */
  public static CacheRecords open(Path file) {
    Connection db = null;
    try {
      if (file == null || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          || PrivateFolder.refusal(file) != null) {
        return null;
      }
      SQLiteConfig config = new SQLiteConfig();
      config.setReadOnly(true);
      config.setBusyTimeout(2000);
      db = PrivateDatabase.open(file, config, false);
      return new CacheRecords(db);
    } catch (SQLException | IOException | RuntimeException e) {
      PrivateDatabase.closeQuietly(db);
      return null; // another version's cache, or not a database: the walk answers instead
    }
  }

  /** The name the cache has for the inode, or null. */
  public Path nameOf(long dev, long ino) {
    try {
      byInode.setLong(1, dev);
      byInode.setLong(2, ino);
      try (ResultSet r = byInode.executeQuery()) {
        return r.next() ? PathBytes.path(r.getBytes(1)) : null;
      }
    } catch (SQLException e) {
      return null;
    }
  }

  @Override
  public void close() {
    PrivateDatabase.closeQuietly(db);
  }
}
