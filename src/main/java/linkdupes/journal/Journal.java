package linkdupes.journal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import linkdupes.cache.NativeLibrary;
import linkdupes.cache.PrivateFolder;
import linkdupes.fs.FileMeta;
import linkdupes.fs.FileStat;
import linkdupes.fs.PathBytes;
import org.sqlite.SQLiteConfig;

/**
 * What runs changed, kept so that they can be taken back: an SQLite database beside the cache
 * ({@code journal.db}), under the cache's rules (a folder of the user's own, no one else can
 * write or read it, never through a symlink). Every name a run is about to replace is written
 * and committed before the first is replaced, with what it was (inode, mode, owner, times,
 * extended attributes) and what it is to become; what was done is marked as the run ends. A
 * killed run's names are told apart by looking at them ({@link Entry#group}).
 *
 * <p>Written ahead (write-ahead log, commits not forced to the disk): a commit is one write,
 * and survives the process being killed at any instant.
 */
public final class Journal implements AutoCloseable {
  static final int SCHEMA = 1;

  private final Path file;
  private final Connection db;

  private Journal(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  /** The journal beside a cache file. */
  public static Path besideCache(Path cache) {
    return cache.resolveSibling("journal.db");
  }

  public Path file() {
    return file;
  }

  /**
   * Opens the journal at {@code file}, made (0600, in a folder 0700) where it is missing.
   *
   * @throws IOException with the reason when it cannot be used: a folder or file of another
   *     user or writable by others, a symlink, not a database, another program's
   */
  public static Journal open(Path file) throws IOException {
    String refusal = PrivateFolder.refusal(file);
    if (refusal != null) {
      throw new IOException(refusal);
    }
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PrivateFolder.FILE).close();
    }
    NativeLibrary.prepare(file);
    Connection db = null;
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setBusyTimeout(10_000);
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      db = config.createConnection("jdbc:sqlite:" + file);
      db.setAutoCommit(false);
      int version;
      try (Statement st = db.createStatement();
          ResultSet r = st.executeQuery("PRAGMA user_version")) {
        version = r.next() ? r.getInt(1) : 0;
      }
      if (version == 0) {
        if (!isEmpty(db)) {
          throw new IOException("it is a database of another program");
        }
        create(db);
      } else if (version != SCHEMA) {
        throw new IOException("written by another version of linkdupes (schema " + version
            + ", this one reads " + SCHEMA + ")");
      }
      return new Journal(file, db);
    } catch (SQLException | RuntimeException | LinkageError e) {
      close(db);
      throw new IOException(reason(e), e);
    } catch (IOException e) {
      close(db);
      throw e;
    }
  }

  private static boolean isEmpty(Connection db) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet r = st.executeQuery("SELECT count(*) FROM sqlite_master")) {
      return r.next() && r.getInt(1) == 0;
    }
  }

  private static void create(Connection db) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.executeUpdate("CREATE TABLE runs (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
          + "started_ms INTEGER NOT NULL, finished_ms INTEGER, roots BLOB NOT NULL, "
          + "options TEXT NOT NULL, undoes INTEGER NOT NULL, bytes_freed INTEGER)");
      st.executeUpdate("CREATE TABLE names (run INTEGER NOT NULL, seq INTEGER NOT NULL, "
          + "grp INTEGER NOT NULL, method TEXT NOT NULL, path BLOB NOT NULL, "
          + "dev INTEGER NOT NULL, ino INTEGER NOT NULL, size INTEGER NOT NULL, "
          + "mode INTEGER NOT NULL, uid INTEGER NOT NULL, gid INTEGER NOT NULL, "
          + "nlink INTEGER NOT NULL, atime_ns INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, "
          + "ctime_ns INTEGER NOT NULL, xattrs BLOB NOT NULL, sha256 BLOB, kept BLOB NOT NULL, "
          + "kept_ino INTEGER NOT NULL, kept_mtime_ns INTEGER NOT NULL, state INTEGER NOT NULL, "
          + "temp BLOB, temp_ino INTEGER, PRIMARY KEY (run, seq)) WITHOUT ROWID");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA);
    }
    db.commit();
  }

  /** Starts a run: its number. Committed. */
  public long startRun(String kind, List<Path> roots, String options, long undoes)
      throws IOException {
    try (PreparedStatement st = db.prepareStatement("INSERT INTO runs (kind, started_ms, roots, "
        + "options, undoes) VALUES (?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
      st.setString(1, kind);
      st.setLong(2, System.currentTimeMillis());
      st.setBytes(3, joined(roots));
      st.setString(4, options);
      st.setLong(5, undoes);
      st.executeUpdate();
      long id;
      try (ResultSet keys = st.getGeneratedKeys()) {
        id = keys.next() ? keys.getLong(1) : -1;
      }
      db.commit();
      return id;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Records the entries of {@code run} (new, or replacing those of the same number). Committed. */
  public void record(long run, List<Entry> entries) throws IOException {
    try (PreparedStatement st = db.prepareStatement("INSERT OR REPLACE INTO names VALUES "
        + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Entry e : entries) {
        FileStat b = e.before();
        int i = 0;
        st.setLong(++i, run);
        st.setLong(++i, e.seq());
        st.setLong(++i, e.group());
        st.setString(++i, e.method());
        st.setBytes(++i, PathBytes.of(e.path()));
        st.setLong(++i, b.dev());
        st.setLong(++i, b.ino());
        st.setLong(++i, b.size());
        st.setInt(++i, e.meta().mode());
        st.setInt(++i, e.meta().uid());
        st.setInt(++i, e.meta().gid());
        st.setInt(++i, b.nlink());
        st.setLong(++i, e.meta().atimeNanos());
        st.setLong(++i, e.meta().mtimeNanos());
        st.setLong(++i, b.ctimeNanos());
        st.setBytes(++i, e.meta().xattrBytes());
        st.setBytes(++i, e.sha256());
        st.setBytes(++i, PathBytes.of(e.kept()));
        st.setLong(++i, e.keptIno());
        st.setLong(++i, e.keptMtimeNanos());
        st.setInt(++i, e.state());
        st.setBytes(++i, e.temp() == null ? null : PathBytes.of(e.temp()));
        if (e.temp() == null) {
          st.setNull(++i, java.sql.Types.INTEGER);
        } else {
          st.setLong(++i, e.tempIno());
        }
        st.addBatch();
      }
      st.executeBatch();
      db.commit();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Sets the state of entries of {@code run}; not committed until {@link #finish}. */
  public void states(long run, long[] seqs, int[] states) throws IOException {
    try (PreparedStatement st = db.prepareStatement(
        "UPDATE names SET state = ? WHERE run = ? AND seq = ?")) {
      for (int k = 0; k < seqs.length; k++) {
        st.setInt(1, states[k]);
        st.setLong(2, run);
        st.setLong(3, seqs[k]);
        st.addBatch();
      }
      st.executeBatch();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Sets what an entry's name became (a file kept instead, on a link limit); not committed. */
  public void keptInstead(long run, long seq, Path kept, long keptIno, long keptMtimeNanos)
      throws IOException {
    try (PreparedStatement st = db.prepareStatement("UPDATE names SET kept = ?, kept_ino = ?, "
        + "kept_mtime_ns = ? WHERE run = ? AND seq = ?")) {
      st.setBytes(1, PathBytes.of(kept));
      st.setLong(2, keptIno);
      st.setLong(3, keptMtimeNanos);
      st.setLong(4, run);
      st.setLong(5, seq);
      st.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Marks {@code run} finished, having freed {@code bytesFreed}, and commits. */
  public void finish(long run, long bytesFreed) throws IOException {
    try (PreparedStatement st = db.prepareStatement(
        "UPDATE runs SET finished_ms = ?, bytes_freed = ? WHERE id = ?")) {
      st.setLong(1, System.currentTimeMillis());
      st.setLong(2, bytesFreed);
      st.setLong(3, run);
      st.executeUpdate();
      db.commit();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Every run, the first first. */
  public List<RunInfo> runs() throws IOException {
    return runsWhere("", -1);
  }

  /** The run numbered {@code id}, or null. */
  public RunInfo run(long id) throws IOException {
    List<RunInfo> one = runsWhere("WHERE r.id = ?", id);
    return one.isEmpty() ? null : one.get(0);
  }

  /** The undo runs of {@code run}, the first first. */
  public List<RunInfo> undosOf(long run) throws IOException {
    return runsWhere("WHERE r.undoes = ?", run);
  }

  private List<RunInfo> runsWhere(String where, long arg) throws IOException {
    String sql = "SELECT r.id, r.kind, r.started_ms, r.finished_ms, r.roots, r.options, "
        + "r.undoes, r.bytes_freed, (SELECT count(*) FROM names n WHERE n.run = r.id), "
        + "(SELECT count(*) FROM names n WHERE n.run = r.id AND n.state = 1) FROM runs r "
        + where + " ORDER BY r.id";
    try (PreparedStatement st = db.prepareStatement(sql)) {
      if (arg >= 0) {
        st.setLong(1, arg);
      }
      List<RunInfo> runs = new ArrayList<>();
      try (ResultSet r = st.executeQuery()) {
        while (r.next()) {
          long finished = r.getLong(4);
          boolean done = !r.wasNull();
          runs.add(new RunInfo(r.getLong(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3)),
              done ? Instant.ofEpochMilli(finished) : null, split(r.getBytes(5)),
              r.getString(6), r.getLong(7), r.getLong(9), r.getLong(10), r.getLong(8)));
        }
      }
      return runs;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** The entries of {@code run}, in their order. */
  public List<Entry> entries(long run) throws IOException {
    try (PreparedStatement st = db.prepareStatement(
        "SELECT * FROM names WHERE run = ? ORDER BY seq")) {
      st.setLong(1, run);
      List<Entry> entries = new ArrayList<>();
      try (ResultSet r = st.executeQuery()) {
        while (r.next()) {
          entries.add(entry(r));
        }
      }
      return entries;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private static Entry entry(ResultSet r) throws SQLException {
    FileStat before = new FileStat(r.getLong("dev"), r.getLong("ino"), r.getLong("size"),
        r.getLong("mtime_ns"), r.getLong("ctime_ns"), 0100000 | r.getInt("mode"),
        r.getInt("uid"), r.getInt("gid"), r.getInt("nlink"));
    FileMeta meta = new FileMeta(r.getInt("mode"), r.getInt("uid"), r.getInt("gid"),
        r.getLong("atime_ns"), r.getLong("mtime_ns"), FileMeta.xattrsOf(r.getBytes("xattrs")));
    byte[] temp = r.getBytes("temp");
    long tempIno = r.getLong("temp_ino");
    return new Entry(r.getLong("seq"), r.getLong("grp"), r.getString("method"),
        PathBytes.path(r.getBytes("path")), before, meta, r.getBytes("sha256"),
        PathBytes.path(r.getBytes("kept")), r.getLong("kept_ino"), r.getLong("kept_mtime_ns"),
        r.getInt("state"), temp == null ? null : PathBytes.path(temp), tempIno);
  }

  private static byte[] joined(List<Path> paths) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Path p : paths) {
      out.writeBytes(PathBytes.of(p.toAbsolutePath()));
      out.write(0);
    }
    return out.toByteArray();
  }

  private static List<Path> split(byte[] joined) {
    List<Path> paths = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < joined.length; i++) {
      if (joined[i] == 0) {
        paths.add(PathBytes.path(java.util.Arrays.copyOfRange(joined, start, i)));
        start = i + 1;
      }
    }
    return paths;
  }

  private IOException failure(SQLException e) {
    return new IOException("the journal " + file + ": " + reason(e), e);
  }

  /** The reason of a failure without the driver's decoration. */
  private static String reason(Throwable e) {
    String m = e.getMessage();
    if (e instanceof SQLException && m != null) {
      int close = m.indexOf(']');
      m = close >= 0 ? m.substring(close + 1).trim() : m;
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }

  private static void close(Connection db) {
    if (db != null) {
      try {
        db.close();
      } catch (SQLException ignored) {
        // already failing; the caller says why
      }
    }
  }

  @Override
  public void close() {
    close(db);
  }
}
