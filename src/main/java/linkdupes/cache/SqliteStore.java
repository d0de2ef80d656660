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
import java.util.Comparator;
import java.util.List;
import linkdupes.base.Problems;
import linkdupes.fs.Attributes;
import linkdupes.fs.FileStat;
import linkdupes.hash.Thumbnails;
import linkdupes.hash.Digests;
import org.sqlite.SQLiteConfig;

/**
 * The digest store in its SQLite database, every look-up a query: for a cache too large to
 * read into memory, and behind {@link MemoryStore} for what it did not read. The inodes this
 * run looked up are noted in a temporary table, so that pruning keeps their entries. Writes
 * are batched, and all of a run's changes are one transaction.
 *
 * <p>A batch of writes is made in the order of the entries' inodes, the table's own order: a
 * run records files in the order it read them, by size, which scatters them over the whole
 * table, and each write then loads and dirties a page of its own. Sorted, consecutive writes
 * share pages. 551,959 entries put 4,096 at a time as they came took 7.3 s (SQLite alone,
 * outside the tool), sorted 4,096 at a time 5.6 s, {@value #WRITE_BATCH} at a time 3.9 s, all
 * at once 3.1 s. Holding that many left the run's peak resident memory where it was (314-340
 * MiB on that tree); holding four times as many was no faster and cost 50-70 MiB more.
 */
final class SqliteStore implements DigestStore {
  static final int SCHEMA = 2;
  static final int ENDS_KEY = 8;
  static final int SHA256 = 32;
  private static final int BATCH = 4096;
  /** The most writes held before they are made, sorted. */
  static final int WRITE_BATCH = 1 << 15;

  private final Path file;
  private final Connection db;
  /** Made on the first look-up. */
  private PreparedStatement addKey;
  private PreparedStatement lookUp;
  private final PreparedStatement upsert;
  private final PreparedStatement ctime;
  private final PreparedStatement attributes;
  /**
   * Writes not yet made, all of one statement (entries put, ctimes or attributes updated):
   * made in the order of their inodes, those of one inode in the order they came.
   */
  private final List<Write> pending = new ArrayList<>();
  private PreparedStatement pendingKind;
  private final LookUps lookUps = new LookUps();
  private long entries = -1;

  private SqliteStore(Path file, Connection db) throws SQLException {
    this.file = file;
    this.db = db;
    upsert = db.prepareStatement("INSERT OR REPLACE INTO files "
        + "(dev, ino, size, mtime_ns, ctime_ns, partial, sha256, path, attrs, blocks) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ctime = db.prepareStatement("UPDATE files SET ctime_ns = ? "
        + "WHERE dev = ? AND ino = ? AND size = ? AND mtime_ns = ?");
    attributes = db.prepareStatement("UPDATE files SET attrs = ?, blocks = ? "
        + "WHERE dev = ? AND ino = ? AND size = ? AND mtime_ns = ? AND ctime_ns = ?");
  }

  /**
   * Opens (or creates) the database at {@code file}. When it cannot be used (unreadable, not a
   * database, written by another version of linkdupes, locked), prints one warning and returns
   * null. The file itself is never removed or replaced.
   */
  static SqliteStore open(Path file, Problems problems) {
    Connection db = null;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent, PrivateFolder.FOLDER);
      }
      SQLiteConfig config = new SQLiteConfig();
      config.setBusyTimeout(2000);
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      db = PrivateDatabase.open(file, config, true);
      int version = PrivateDatabase.version(db);
      if (version == 0 && !PrivateDatabase.isEmpty(db)) {
        db.close();
        problems.warning("not using the cache " + file + ": it is a database of another "
            + "program");
        return null;
      }
      if (version == 0) {
        create(db);
      } else if (version == 1) {
        upgradeFrom1(db);
      } else if (version != SCHEMA) {
        db.close();
        problems.warning("not using the cache " + file + ": written by another version of "
            + "linkdupes (schema " + version + ", this one reads " + SCHEMA + ")");
        return null;
      }
      return new SqliteStore(file, db);
    } catch (SQLException | IOException | RuntimeException | LinkageError e) {
      PrivateDatabase.closeQuietly(db);
      problems.warning("not using the cache " + file + ": " + PrivateDatabase.reason(e));
      return null;
    }
  }

  private static void create(Connection db) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.executeUpdate("CREATE TABLE IF NOT EXISTS files ("
          + "dev INTEGER NOT NULL, ino INTEGER NOT NULL, size INTEGER NOT NULL, "
          + "mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, partial BLOB, sha256 BLOB, "
          + "path BLOB NOT NULL, attrs INTEGER, blocks INTEGER, PRIMARY KEY (dev, ino)) "
          + "WITHOUT ROWID");
      st.executeUpdate("CREATE INDEX IF NOT EXISTS files_path ON files (path)");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA);
    }
    db.commit();
  }

  /**
   * Schema 1 had no attributes: its entries stay, each without them until a run reads them
   * again. Adding a column changes only the schema, not the rows.
   */
  private static void upgradeFrom1(Connection db) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.executeUpdate("ALTER TABLE files ADD COLUMN attrs INTEGER");
      st.executeUpdate("ALTER TABLE files ADD COLUMN blocks INTEGER");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA);
    }
    db.commit();
  }



  Connection connection() {
    return db;
  }

  /** The number of entries, counted once (a walk over the table's pages, 31 ms for 551,959). */
  long entries() throws SQLException {
    if (entries < 0) {
      try (Statement st = db.createStatement();
          ResultSet r = st.executeQuery("SELECT count(*) FROM files")) {
        entries = r.next() ? r.getLong(1) : 0;
      }
    }
    return entries;
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public int preloaded() {
    return -1;
  }

  @Override
  public long hits() {
    return lookUps.hits();
  }

  @Override
  public long misses() {
    return lookUps.misses();
  }

  @Override
  public Digests.Entry[] get(List<FileStat> files) throws SQLException {
    Digests.Entry[] out = ask(files);
    return lookUps.counted(out);
  }

  private void prepareLookUps() throws SQLException {
    if (lookUp != null) {
      return;
    }
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
    lookUp = db.prepareStatement("SELECT b.i, ifnull(f.partial, x'') || ifnull(f.sha256, x''), "
        + ATTRIBUTES_KNOWN + ", f.attrs, f.blocks "
        + "FROM temp.batch b JOIN files f ON f.dev = b.dev AND f.ino = b.ino "
        + "AND f.size = b.size AND f.mtime_ns = b.mtime_ns AND f.ctime_ns = b.ctime_ns "
        + "WHERE length(ifnull(f.partial, x'')) IN (0, 8) "
        + "AND length(ifnull(f.sha256, x'')) IN (0, 32)");
  }

  /**
   * What the database holds of each file as it is now, parallel to {@code files}; notes them
   * as seen by this run.
   */
  Digests.Entry[] ask(List<FileStat> files) throws SQLException {
    prepareLookUps();
    flush(); // what this run recorded is what a look-up finds
    Digests.Entry[] out = new Digests.Entry[files.size()];
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
        out[r.getInt(1)] = entry(r.getBytes(2), 0,
            r.getInt(3) != 0 ? new Attributes.Found(r.getLong(4), r.getLong(5)) : null);
      }
    }
    try (Statement st = db.createStatement()) {
      st.executeUpdate("INSERT OR IGNORE INTO temp.seen SELECT dev, ino FROM temp.batch");
      st.executeUpdate("DELETE FROM temp.batch");
    }
    return out;
  }

  /**
   * 1 where an entry's attributes are known: both columns integers, the blocks not negative;
   * else 0 (not read, or not as written).
   */
  static final String ATTRIBUTES_KNOWN = "(typeof(attrs) = 'integer' AND typeof(blocks) = "
      + "'integer' AND blocks >= 0)";

  /**
   * An entry from its ends key and SHA-256 stored one after the other from {@code from}, each
   * there or not: the lengths tell which; and its attributes, or null.
   */
  static Digests.Entry entry(byte[] both, int from, Attributes.Found attributes) {
    int n = both == null ? 0 : both.length - from;
    byte[] ends = n == ENDS_KEY || n == ENDS_KEY + SHA256
        ? Arrays.copyOfRange(both, from, from + ENDS_KEY) : null;
    byte[] sha = n == SHA256 || n == ENDS_KEY + SHA256
        ? Arrays.copyOfRange(both, both.length - SHA256, both.length) : null;
    return new Digests.Entry(ends, sha, attributes);
  }

  @Override
  public void put(FileStat st, byte[] endsKey, byte[] sha256, byte[] path,
      Attributes.Found found) throws SQLException {
    write(upsert, st.dev(), st.ino(), s -> {
      s.setLong(1, st.dev());
      s.setLong(2, st.ino());
      s.setLong(3, st.size());
      s.setLong(4, st.mtimeNanos());
      s.setLong(5, st.ctimeNanos());
      s.setBytes(6, endsKey);
      s.setBytes(7, sha256);
      s.setBytes(8, path);
      if (found != null) {
        s.setLong(9, found.fingerprint());
        s.setLong(10, found.allocatedBytes());
      } else {
        s.setNull(9, java.sql.Types.INTEGER);
        s.setNull(10, java.sql.Types.INTEGER);
      }
    });
  }

  @Override
  public void linked(FileStat before, long newCtime) throws SQLException {
    write(ctime, before.dev(), before.ino(), s -> {
      s.setLong(1, newCtime);
      s.setLong(2, before.dev());
      s.setLong(3, before.ino());
      s.setLong(4, before.size());
      s.setLong(5, before.mtimeNanos());
    });
  }

  @Override
  public void attributes(FileStat st, Attributes.Found found) throws SQLException {
    write(attributes, st.dev(), st.ino(), s -> {
      s.setLong(1, found.fingerprint());
      s.setLong(2, found.allocatedBytes());
      s.setLong(3, st.dev());
      s.setLong(4, st.ino());
      s.setLong(5, st.size());
      s.setLong(6, st.mtimeNanos());
      s.setLong(7, st.ctimeNanos());
    });
  }

  /** Sets the parameters of one write. */
  @FunctionalInterface
  private interface Binding {
    void bind(PreparedStatement s) throws SQLException;
  }

  /** A write not yet made: the inode it is keyed by, and its parameters. */
  private record Write(long dev, long ino, Binding binding) {}

  /** SQLite's order of integer keys, which is Java's of longs. */
  private static final Comparator<Write> BY_INODE = (a, b) -> a.dev() != b.dev()
      ? Long.compare(a.dev(), b.dev()) : Long.compare(a.ino(), b.ino());

  /**
   * Holds a write of {@code kind}; those held of another kind are made first, so that writes
   * of one inode are made in the order they came.
   */
  private void write(PreparedStatement kind, long dev, long ino, Binding binding)
      throws SQLException {
    if (!pending.isEmpty() && pendingKind != kind) {
      flush();
    }
    pendingKind = kind;
    pending.add(new Write(dev, ino, binding));
    if (pending.size() >= WRITE_BATCH) {
      flush();
    }
  }

  /** Makes the writes held, in the order of their inodes (a stable sort: then as they came). */
  private void flush() throws SQLException {
    if (pending.isEmpty()) {
      return;
    }
    pending.sort(BY_INODE);
    int batched = 0;
    for (Write w : pending) {
      w.binding().bind(pendingKind);
      pendingKind.addBatch();
      if (++batched == BATCH) {
        pendingKind.executeBatch();
        batched = 0;
      }
    }
    pendingKind.executeBatch();
    pending.clear();
  }

  /** Notes inodes as seen by this run, so that pruning keeps them: dev and ino, in pairs. */
  void markSeen(long[] inodes, int count) throws SQLException {
    prepareLookUps();
    try (PreparedStatement seen = db.prepareStatement(
        "INSERT OR IGNORE INTO temp.seen (dev, ino) VALUES (?, ?)")) {
      for (int i = 0; i < count; i++) {
        seen.setLong(1, inodes[2 * i]);
        seen.setLong(2, inodes[2 * i + 1]);
        seen.addBatch();
        if ((i + 1) % BATCH == 0) {
          seen.executeBatch();
        }
      }
      seen.executeBatch();
    }
  }

  @Override
  public long prune(List<byte[]> roots) throws SQLException {
    return pruneUnseen(roots, null);
  }

  /**
   * Removes the entries under {@code roots} that this run did not look up; with {@code after},
   * only those whose inode (dev, ino) comes after it. Returns the number removed.
   */
  long pruneUnseen(List<byte[]> roots, long[] after) throws SQLException {
    flush();
    prepareLookUps(); // nothing looked up: nothing seen
    long removed = 0;
    try (PreparedStatement del = db.prepareStatement("DELETE FROM files WHERE "
        + (after == null ? "" : "(dev, ino) > (?, ?) AND ")
        + "(path = ? OR (path >= ? AND path < ?)) AND NOT EXISTS "
        + "(SELECT 1 FROM temp.seen s WHERE s.dev = files.dev AND s.ino = files.ino)")) {
      for (byte[] root : roots) {
        int i = 1;
        if (after != null) {
          del.setLong(i++, after[0]);
          del.setLong(i++, after[1]);
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

  /**
   * Removes the entries of the given inodes (dev and ino, in pairs) whose path is under one of
   * {@code roots}. Returns the number removed.
   */
  long deleteUnder(List<byte[]> roots, long[] inodes, int count) throws SQLException {
    flush();
    long removed = 0;
    try (PreparedStatement del = db.prepareStatement("DELETE FROM files WHERE dev = ? AND "
        + "ino = ? AND (path = ? OR (path >= ? AND path < ?))")) {
      int batched = 0;
      for (byte[] root : roots) {
        byte[][] under = under(root);
        for (int i = 0; i < count; i++) {
          del.setLong(1, inodes[2 * i]);
          del.setLong(2, inodes[2 * i + 1]);
          del.setBytes(3, root);
          del.setBytes(4, under[0]);
          del.setBytes(5, under[1]);
          del.addBatch();
          if (++batched == BATCH) {
            removed += sum(del.executeBatch());
            batched = 0;
          }
        }
      }
      removed += sum(del.executeBatch());
    }
    return removed;
  }

  /**
   * Removes the entries under {@code roots} whose inode is not two integers: no run of
   * linkdupes wrote them, and none can look them up. Returns the number removed.
   */
  long pruneOdd(List<byte[]> roots) throws SQLException {
    flush();
    long removed = 0;
    try (PreparedStatement del = db.prepareStatement("DELETE FROM files WHERE "
        + "(typeof(dev) != 'integer' OR typeof(ino) != 'integer') "
        + "AND (path = ? OR (path >= ? AND path < ?))")) {
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
  static byte[][] under(byte[] root) {
    byte[] from = root.length > 0 && root[root.length - 1] == '/' ? root.clone()
        : Arrays.copyOf(root, root.length + 1);
    from[from.length - 1] = '/';
    byte[] to = from.clone();
    to[to.length - 1] = '/' + 1;
    return new byte[][] {from, to};
  }

  private static long sum(int[] counts) {
    long n = 0;
    for (int c : counts) {
      n += Math.max(0, c);
    }
    return n;
  }

  /**
   * Whether the pictures table is there: made by the first run that keeps a picture (a run
   * without a report leaves the database as it was), read by later runs, pruned with the
   * files; null until asked.
   */
  private Boolean pictures;
  private PreparedStatement pictureQuery;
  private PreparedStatement pictureInsert;

  private boolean hasPictures(boolean make) throws SQLException {
    if (pictures == null) {
      try (Statement st = db.createStatement();
          ResultSet r = st.executeQuery("SELECT count(*) FROM sqlite_master "
              + "WHERE type = 'table' AND name = 'pictures'")) {
        pictures = r.next() && r.getInt(1) == 1;
      }
    }
    if (!pictures && make) {
      try (Statement st = db.createStatement()) {
        st.executeUpdate("CREATE TABLE pictures (dev INTEGER NOT NULL, ino INTEGER NOT NULL, "
            + "size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, jpeg BLOB NOT NULL, "
            + "width INTEGER NOT NULL, height INTEGER NOT NULL, PRIMARY KEY (dev, ino)) "
            + "WITHOUT ROWID");
      }
      pictures = true;
    }
    return pictures;
  }

  @Override
  public Thumbnails.Picture picture(FileStat st) throws SQLException {
    if (!hasPictures(false)) {
      return null;
    }
    if (pictureQuery == null) {
      pictureQuery = db.prepareStatement("SELECT jpeg, width, height FROM pictures "
          + "WHERE dev = ? AND ino = ? AND size = ? AND mtime_ns = ?");
    }
    pictureQuery.setLong(1, st.dev());
    pictureQuery.setLong(2, st.ino());
    pictureQuery.setLong(3, st.size());
    pictureQuery.setLong(4, st.mtimeNanos());
    try (ResultSet r = pictureQuery.executeQuery()) {
      if (!r.next()) {
        return null;
      }
      byte[] jpeg = r.getBytes(1);
      int w = r.getInt(2);
      int h = r.getInt(3);
      // only what a run could have made: a small JPEG of a sensible size
      boolean sane = jpeg != null && jpeg.length > 3 && jpeg.length <= 1 << 20
          && (jpeg[0] & 0xff) == 0xff && (jpeg[1] & 0xff) == 0xd8
          && w > 0 && h > 0 && w <= Thumbnails.SIDE && h <= Thumbnails.SIDE;
      return sane ? new Thumbnails.Picture(jpeg, w, h) : null;
    }
  }

  @Override
  public void keepPicture(Thumbnails.Made m) throws SQLException {
    hasPictures(true);
    if (pictureInsert == null) {
      pictureInsert = db.prepareStatement("INSERT OR REPLACE INTO pictures "
          + "(dev, ino, size, mtime_ns, jpeg, width, height) VALUES (?, ?, ?, ?, ?, ?, ?)");
    }
    pictureInsert.setLong(1, m.dev());
    pictureInsert.setLong(2, m.ino());
    pictureInsert.setLong(3, m.size());
    pictureInsert.setLong(4, m.mtimeNanos());
    pictureInsert.setBytes(5, m.picture().jpeg());
    pictureInsert.setInt(6, m.picture().width());
    pictureInsert.setInt(7, m.picture().height());
    pictureInsert.executeUpdate();
  }

  /** The pictures of files the cache no longer holds go with them. */
  private void prunePictures() throws SQLException {
    if (hasPictures(false)) {
      try (Statement st = db.createStatement()) {
        st.executeUpdate("DELETE FROM pictures WHERE NOT EXISTS (SELECT 1 FROM files f "
            + "WHERE f.dev = pictures.dev AND f.ino = pictures.ino)");
      }
    }
  }

  @Override
  public void commit() throws SQLException {
    flush();
    prunePictures();
    db.commit();
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
