package linkdupes.journal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import linkdupes.cache.PrivateDatabase;
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
    Connection db = null;
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setBusyTimeout(10_000);
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      db = PrivateDatabase.open(file, config, true);
      int version = PrivateDatabase.version(db);
      if (version == 0) {
        if (!PrivateDatabase.isEmpty(db)) {
          throw new IOException("it is a database of another program");
        }
        create(db);
      } else if (version != SCHEMA) {
        throw new IOException("written by another version of linkdupes (schema " + version
            + ", this one reads " + SCHEMA + ")");
      }
      return new Journal(file, db);
    } catch (SQLException | RuntimeException | LinkageError e) {
      PrivateDatabase.closeQuietly(db);
      throw new IOException(PrivateDatabase.reason(e), e);
    } catch (IOException e) {
      PrivateDatabase.closeQuietly(db);
      throw e;
    }
  }

  private static void create(Connection db) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.executeUpdate("CREATE TABLE runs (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
          + "started_ms INTEGER NOT NULL, finished_ms INTEGER, roots BLOB NOT NULL, "
          + "options TEXT NOT NULL, undoes INTEGER NOT NULL, bytes_freed INTEGER)");
      // what a name was, packed in one value (STAT_FIELDS numbers): 12 values to bind per name
      // instead of 23, each a call into the driver
      st.executeUpdate("CREATE TABLE names (run INTEGER NOT NULL, seq INTEGER NOT NULL, "
          + "grp INTEGER NOT NULL, method TEXT NOT NULL, path BLOB NOT NULL, "
          + "kept BLOB NOT NULL, state INTEGER NOT NULL, stat BLOB NOT NULL, xattrs BLOB, "
          + "sha256 BLOB, temp BLOB, temp_ino INTEGER, PRIMARY KEY (run, seq)) WITHOUT ROWID");
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

  /**
   * The numbers of {@code names.stat}, in order: device, inode, size, mode, owner, group, links,
   * access, modification and change times (nanoseconds), and the kept file's inode and
   * modification time.
   */
  private static final int STAT_FIELDS = 12;

  /** Records the entries of {@code run} (new, or replacing those of the same number). Committed. */
  public void record(long run, List<Entry> entries) throws IOException {
    try (PreparedStatement st = db.prepareStatement("INSERT OR REPLACE INTO names VALUES "
        + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Entry e : entries) {
        FileStat b = e.before();
        java.nio.ByteBuffer stat = java.nio.ByteBuffer.allocate(8 * STAT_FIELDS)
            .putLong(b.dev()).putLong(b.ino()).putLong(b.size()).putLong(e.meta().mode())
            .putLong(e.meta().uid()).putLong(e.meta().gid()).putLong(b.nlink())
            .putLong(e.meta().atimeNanos()).putLong(e.meta().mtimeNanos()).putLong(b.ctimeNanos())
            .putLong(e.keptIno()).putLong(e.keptMtimeNanos());
        st.setLong(1, run);
        st.setLong(2, e.seq());
        st.setLong(3, e.group());
        st.setString(4, e.method());
        st.setBytes(5, PathBytes.of(e.path()));
        st.setBytes(6, PathBytes.of(e.kept()));
        st.setInt(7, e.state());
        st.setBytes(8, stat.array());
        st.setBytes(9, e.meta().xattrs().isEmpty() ? null : e.meta().xattrBytes());
        st.setBytes(10, e.sha256());
        st.setBytes(11, e.temp() == null ? null : PathBytes.of(e.temp()));
        if (e.temp() == null) {
          st.setNull(12, java.sql.Types.INTEGER);
        } else {
          st.setLong(12, e.tempIno());
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
  public void keptInstead(long run, Entry e, Path kept, long keptIno, long keptMtimeNanos)
      throws IOException {
    record(run, List.of(new Entry(e.seq(), e.group(), e.method(), e.path(), e.before(),
        e.meta(), e.sha256(), kept, keptIno, keptMtimeNanos, e.state(), e.temp(),
        e.tempIno())));
  }

  /**
   * Marks {@code run} finished and each entry of {@code notDone} not done, and commits: the
   * entries of a finished run still planned were done (nearly all of them, whose rows are then
   * not written again).
   */
  public void finish(long run, long bytesFreed, List<Long> notDone) throws IOException {
    long[] seqs = new long[notDone.size()];
    int[] states = new int[notDone.size()];
    for (int i = 0; i < seqs.length; i++) {
      seqs[i] = notDone.get(i);
      states[i] = Entry.NOT_DONE;
    }
    states(run, seqs, states);
    finish(run, bytesFreed);
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
        + "(SELECT count(*) FROM names n WHERE n.run = r.id AND (n.state = 1 OR n.state = 0 "
        + "AND r.finished_ms IS NOT NULL)) FROM runs r "
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

  /**
   * Every name the journal has recorded together with one of {@code paths}: the names replaced
   * by links to it (or to the file it was linked to) and the kept names, each run's group
   * followed through. Only a lead: the names are as they were, and are checked by the caller.
   */
  public java.util.Set<Path> namesLinkedWith(java.util.Collection<Path> paths) throws IOException {
    java.util.Set<Path> found = new java.util.LinkedHashSet<>(paths);
    java.util.Set<Path> asked = new java.util.HashSet<>();
    // a name leads to its group's kept name, the kept name to every name of the group: two
    // rounds reach the whole group; a few more follow a file relinked by a later run
    try (PreparedStatement st = db.prepareStatement("SELECT path, kept FROM names "
        + "WHERE path = ?1 OR kept = ?1")) {
      for (int round = 0; round < 4 && asked.size() < found.size(); round++) {
        for (Path p : List.copyOf(found)) {
          if (!asked.add(p)) {
            continue;
          }
          st.setBytes(1, PathBytes.of(p));
          try (ResultSet r = st.executeQuery()) {
            while (r.next()) {
              found.add(PathBytes.path(r.getBytes(1)));
              found.add(PathBytes.path(r.getBytes(2)));
            }
          }
        }
      }
      return found;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** The entries of {@code run}, in their order. */
  public List<Entry> entries(long run) throws IOException {
    try (PreparedStatement st = db.prepareStatement("SELECT n.*, r.finished_ms IS NOT NULL "
        + "AS finished FROM names n JOIN runs r ON r.id = n.run WHERE n.run = ? ORDER BY seq")) {
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
    java.nio.ByteBuffer s = java.nio.ByteBuffer.wrap(r.getBytes("stat"));
    long dev = s.getLong();
    long ino = s.getLong();
    long size = s.getLong();
    int mode = (int) s.getLong();
    int uid = (int) s.getLong();
    int gid = (int) s.getLong();
    int nlink = (int) s.getLong();
    long atime = s.getLong();
    long mtime = s.getLong();
    long ctime = s.getLong();
    long keptIno = s.getLong();
    long keptMtime = s.getLong();
    FileStat before = new FileStat(dev, ino, size, mtime, ctime, 0100000 | mode, uid, gid,
        nlink);
    FileMeta meta = new FileMeta(mode, uid, gid, atime, mtime,
        FileMeta.xattrsOf(r.getBytes("xattrs")));
    byte[] temp = r.getBytes("temp");
    long tempIno = r.getLong("temp_ino");
    int state = r.getInt("state");
    if (state == Entry.PLANNED && r.getBoolean("finished")) {
      state = Entry.DONE; // a finished run marked only what it did not do
    }
    return new Entry(r.getLong("seq"), r.getLong("grp"), r.getString("method"),
        PathBytes.path(r.getBytes("path")), before, meta, r.getBytes("sha256"),
        PathBytes.path(r.getBytes("kept")), keptIno, keptMtime, state,
        temp == null ? null : PathBytes.path(temp), tempIno);
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
    return new IOException("the journal " + file + ": " + PrivateDatabase.reason(e), e);
  }

  @Override
  public void close() {
    PrivateDatabase.closeQuietly(db);
  }
}
