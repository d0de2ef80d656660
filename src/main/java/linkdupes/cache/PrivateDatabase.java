package linkdupes.cache;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import org.sqlite.SQLiteConfig;

/**
 * What the cache and the journal, each an SQLite file of the user's own, do alike: the file
 * made 0600 before SQLite opens it (never through a symlink), the driver's native library
 * chosen, the schema's version read, a failure said in the words that matter.
 */
public final class PrivateDatabase {
  private PrivateDatabase() {}

  /**
   * Opens {@code file} with {@code config}, without autocommit; with {@code create}, makes it
   * first (0600) where it is missing, so that SQLite opens a file only its owner can read.
   */
  public static Connection open(Path file, SQLiteConfig config, boolean create)
      throws IOException, SQLException {
    if (create && !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PrivateFolder.FILE).close();
    }
    NativeLibrary.prepare(file);
    Connection db = config.createConnection("jdbc:sqlite:" + file);
    db.setAutoCommit(false);
    return db;
  }

  /** The schema's version, 0 for a database that never had one. */
  public static int version(Connection db) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet r = st.executeQuery("PRAGMA user_version")) {
      return r.next() ? r.getInt(1) : 0;
    }
  }

  /** True when the database holds nothing yet: a new file, not another program's. */
  public static boolean isEmpty(Connection db) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet r = st.executeQuery("SELECT count(*) FROM sqlite_master")) {
      return r.next() && r.getInt(1) == 0;
    }
  }

  /** The reason of a failure without the driver's decoration. */
  public static String reason(Throwable e) {
    String m = e.getMessage();
    if (e instanceof SQLException && m != null) {
      // "[SQLITE_NOTADB] File opened that is not a database file (file is not a database)"
      int close = m.indexOf(']');
      m = close >= 0 ? m.substring(close + 1).trim() : m;
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      m = fse.getReason();
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /** Closes {@code db} (null: nothing), when a failure is already being said. */
  public static void closeQuietly(Connection db) {
    if (db != null) {
      try {
        db.close();
      } catch (SQLException ignored) {
        // already failing; the caller says why
      }
    }
  }
}
