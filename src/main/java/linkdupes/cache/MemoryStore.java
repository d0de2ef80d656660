package linkdupes.cache;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import linkdupes.base.InodeIndex;
import linkdupes.fs.Attributes;
import linkdupes.fs.FileStat;
import linkdupes.hash.Thumbnails;
import linkdupes.hash.Digests;

/**
 * The digest store of a small cache, read into memory when opened (on the thread that opens
 * it, while the tree is walked), so that a look-up is a probe of a table instead of a round of
 * calls into SQLite. Writes go to the database ({@link SqliteStore}), which also answers for
 * the entries changed since they were read and for those not read.
 *
 * <p>Entries are read in the order of their inodes. When the run needs the cache before all
 * are read, reading stops there: the inodes up to the last one read are known, and the others
 * are looked up in the database. The table also notes which inodes the run saw (those it read
 * and any other it looked up or recorded), for pruning. When it comes to hold more inodes than
 * an entry read whole may (a small cache, a large tree), it hands the inodes seen to the
 * database and forgets the rest: from then on it knows no inode, and the database answers.
 * A new cache (one that held nothing) is never asked: every look-up in it is a miss.
 *
 * <p>Per entry read: the key in 40 bytes, both digests in 40, the attributes in 16, one byte of
 * flags and 24-32
 * bytes of the inode index; per inode the run saw that the database did not hold: 1 + 24-32.
 */
final class MemoryStore implements DigestStore {
  private static final int DIGESTS = SqliteStore.ENDS_KEY + SqliteStore.SHA256;

  private static final byte HAS_ENDS_KEY = 1;
  private static final byte HAS_SHA256 = 2;
  /** Looked up by this run: not pruned. */
  private static final byte SEEN = 4;
  /** Written (or not readable as such) in the database since read: ask the database. */
  private static final byte CHANGED = 8;
  private static final byte HAS_ATTRIBUTES = 16;

  /**
   * Everything but the key and digests of an entry: dev and ino, size, mtime, ctime (the
   * order of {@link #read}'s columns), then one blob that starts with a byte telling whether
   * the rest can be used as it is. A value of an unexpected type in the key would compare
   * otherwise in SQLite than as a Java long: such an entry is left for SQLite to decide, or
   * when the inode itself is not two integers, nothing is read ahead.
   */
  private static final String SELECT = "SELECT dev, ino, size, mtime_ns, ctime_ns, CASE "
      + "WHEN typeof(dev) != 'integer' OR typeof(ino) != 'integer' THEN x'00' "
      + "WHEN typeof(size) = 'integer' AND typeof(mtime_ns) = 'integer' "
      + "AND typeof(ctime_ns) = 'integer' "
      + "AND typeof(partial) IN ('blob', 'null') AND typeof(sha256) IN ('blob', 'null') "
      + "AND length(ifnull(partial, x'')) IN (0, 8) AND length(ifnull(sha256, x'')) IN (0, 32) "
      + "THEN x'01' || ifnull(partial, x'') || ifnull(sha256, x'') ELSE x'02' END, "
      + SqliteStore.ATTRIBUTES_KNOWN + ", attrs, blocks FROM files "
      + "ORDER BY dev, ino"; // the table's own order: no sorting

  private final SqliteStore db;
  /** The most inodes the table holds before it hands what it knows to the database. */
  private final int atMost;
  private int preloaded;
  /** The entries by inode, in the order read (then added). */
  private InodeIndex index;
  /** Entries read from the database: those below it have a key and digests. */
  private int loaded;
  private int seen;
  /** All entries were read; else those up to the inode of the last one read. */
  private boolean complete;
  /**
   * The cache held no entry when read (a new one): every entry in it now is this run's own, so
   * there is nothing to look up, nothing to note as seen and nothing to prune.
   */
  private boolean heldNothing;
  /** size, mtime and ctime of each entry read. */
  private long[] stamps;
  /** The fingerprint and blocks of each entry read that has them (fs.Attributes.Found). */
  private long[] attributes;
  private byte[] digests;
  private byte[] flags;
  private final LookUps lookUps = new LookUps();

  private MemoryStore(SqliteStore db, int capacity, int atMost) {
    this.db = db;
    this.atMost = atMost;
    index = new InodeIndex(capacity);
    stamps = new long[3 * capacity];
    attributes = new long[2 * capacity];
    digests = new byte[DIGESTS * capacity];
    flags = new byte[capacity];
  }

  /**
   * Reads the entries of the cache, or returns null when it holds more than {@code atMost} of
   * them (or when its file is so large that it most likely does) or when an inode in it is not
   * two integers. Stops at the first entry after {@code atLeast} that finds {@code stop} set:
   * then only the inodes up to the last read are known.
   */
  static MemoryStore read(SqliteStore db, int atMost, int atLeast, AtomicBoolean stop)
      throws SQLException {
    if (atMost < 0) {
      return null;
    }
    try (Statement st = db.connection().createStatement()) {
      long bytes = pragma(st, "page_count") * pragma(st, "page_size");
      // an entry takes some 200 bytes (both digests, a path of 50 bytes, in the index too):
      // a file of more than 256 bytes an entry most likely holds too many to read
      if (bytes > 256L * atMost + (1 << 20)) {
        return null;
      }
      if (db.entries() > atMost) {
        return null; // counted in a fraction of the time a read takes, which would be lost
      }
      // grown as read: a read that stops early has not taken the memory of all
      MemoryStore t = new MemoryStore(db, (int) Math.max(16, Math.min(Math.min(atMost, 1 << 16),
          bytes / 160)), atMost);
      t.complete = true;
      try (ResultSet r = st.executeQuery(SELECT)) {
        while (r.next()) {
          if (t.loaded >= atLeast && stop.get()) {
            t.complete = false;
            break;
          }
          if (t.loaded == atMost) {
            return null;
          }
          byte[] value = r.getBytes(6);
          if (value == null || value.length == 0 || value[0] == 0) {
            return null;
          }
          t.load(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), value,
              r.getInt(7) != 0, r.getLong(8), r.getLong(9));
        }
      }
      t.preloaded = t.loaded;
      t.heldNothing = t.complete && t.loaded == 0;
      return t;
    }
  }

  private static long pragma(Statement st, String name) throws SQLException {
    try (ResultSet r = st.executeQuery("PRAGMA " + name)) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  private void load(long dev, long ino, long size, long mtime, long ctime, byte[] value,
      boolean hasAttributes, long fingerprint, long blocks) {
    int e = add(dev, ino);
    if (3 * e == stamps.length) {
      stamps = Arrays.copyOf(stamps, 3 * flags.length);
      digests = Arrays.copyOf(digests, DIGESTS * flags.length);
      attributes = Arrays.copyOf(attributes, 2 * flags.length);
    }
    stamps[3 * e] = size;
    stamps[3 * e + 1] = mtime;
    stamps[3 * e + 2] = ctime;
    byte f = 0;
    if (value[0] != 1) {
      f = CHANGED; // SQLite decides what it is
    } else {
      Digests.Entry entry = SqliteStore.entry(value, 1, null);
      if (hasAttributes) {
        f |= HAS_ATTRIBUTES;
        attributes[2 * e] = fingerprint;
        attributes[2 * e + 1] = blocks;
      }
      if (entry.endsKey() != null) {
        f |= HAS_ENDS_KEY;
        System.arraycopy(entry.endsKey(), 0, digests, DIGESTS * e, SqliteStore.ENDS_KEY);
      }
      if (entry.sha256() != null) {
        f |= HAS_SHA256;
        System.arraycopy(entry.sha256(), 0, digests, DIGESTS * e + SqliteStore.ENDS_KEY,
            SqliteStore.SHA256);
      }
    }
    flags[e] = f;
    loaded = e + 1;
  }

  /**
   * The entry of an inode, added if new: one the database did not hold when read has no key
   * and no digests, and is neither seen nor changed until told.
   */
  private int add(long dev, long ino) {
    int e = index.add(dev, ino);
    if (e == flags.length) {
      flags = Arrays.copyOf(flags, Math.max(16, 2 * e));
    }
    return e;
  }

  /** True when the entry of the inode, if the database had one, was read. */
  private boolean covers(long dev, long ino) {
    if (complete) {
      return true;
    }
    if (loaded == 0) {
      return false;
    }
    long lastDev = index.dev(loaded - 1);
    return dev < lastDev || dev == lastDev && ino <= index.ino(loaded - 1);
  }

  @Override
  public Path file() {
    return db.file();
  }

  @Override
  public int preloaded() {
    return preloaded;
  }

  @Override
  public long hits() {
    return lookUps.hits();
  }

  @Override
  public long misses() {
    return lookUps.misses();
  }

  /** Answers from the entries read; asks the database of those changed or not read. */
  @Override
  public Digests.Entry[] get(List<FileStat> files) throws SQLException {
    Digests.Entry[] out = new Digests.Entry[files.size()];
    if (heldNothing) {
      // all misses: an inode is looked up before this run writes its entry
      return lookUps.counted(out);
    }
    List<FileStat> asked = null;
    int[] at = null;
    for (int i = 0; i < out.length; i++) {
      FileStat st = files.get(i);
      int e = recall(st.dev(), st.ino());
      if (e >= 0) {
        out[i] = cached(e, st.size(), st.mtimeNanos(), st.ctimeNanos());
      } else {
        if (asked == null) {
          asked = new ArrayList<>();
          at = new int[files.size()];
        }
        at[asked.size()] = i;
        asked.add(st);
      }
    }
    if (asked != null) {
      Digests.Entry[] answers = db.ask(asked);
      for (int j = 0; j < answers.length; j++) {
        out[at[j]] = answers[j];
      }
    }
    handOverIfLarge();
    return lookUps.counted(out);
  }

  /**
   * The entry that answers for an inode, noted as seen; -1 when the database must answer: the
   * run changed the entry since it was read, or it was not read.
   */
  private int recall(long dev, long ino) {
    int e = index.find(dev, ino);
    if (e < 0) {
      if (!covers(dev, ino)) {
        return -1; // the database notes it as seen
      }
      e = add(dev, ino); // and nothing to ask the database
    }
    byte f = flags[e];
    if ((f & SEEN) == 0) {
      flags[e] = (byte) (f | SEEN);
      seen++;
    }
    return (f & CHANGED) != 0 ? -1 : e;
  }

  /** What entry {@code e} holds when its key is the one given, else null. */
  private Digests.Entry cached(int e, long size, long mtime, long ctime) {
    if (e >= loaded || stamps[3 * e] != size || stamps[3 * e + 1] != mtime
        || stamps[3 * e + 2] != ctime) {
      return null;
    }
    byte f = flags[e];
    int at = DIGESTS * e;
    return new Digests.Entry(
        (f & HAS_ENDS_KEY) != 0
            ? Arrays.copyOfRange(digests, at, at + SqliteStore.ENDS_KEY) : null,
        (f & HAS_SHA256) != 0
            ? Arrays.copyOfRange(digests, at + SqliteStore.ENDS_KEY, at + DIGESTS) : null,
        (f & HAS_ATTRIBUTES) != 0
            ? new Attributes.Found(attributes[2 * e], attributes[2 * e + 1]) : null);
  }

  @Override
  public void put(FileStat st, byte[] endsKey, byte[] sha256, byte[] path,
      Attributes.Found found) throws SQLException {
    changed(st);
    db.put(st, endsKey, sha256, path, found);
    handOverIfLarge();
  }

  @Override
  public void attributes(FileStat st, Attributes.Found found) throws SQLException {
    changed(st);
    db.attributes(st, found);
    handOverIfLarge();
  }

  /** The database answers for the inode from now on, if the table had answered for it. */
  private void changed(FileStat st) {
    if (!heldNothing && covers(st.dev(), st.ino())) {
      int e = add(st.dev(), st.ino()); // which may grow the flags: not in one expression
      flags[e] |= CHANGED;
    }
  }

  @Override
  public void linked(FileStat before, long newCtime) throws SQLException {
    if (covers(before.dev(), before.ino())) {
      int e = index.find(before.dev(), before.ino());
      if (e >= 0) {
        flags[e] |= CHANGED; // or not, if its size or mtime changed: the database tells
      } // else it has no entry for this one to update
    }
    db.linked(before, newCtime);
  }

  /**
   * Once the table holds more inodes than an entry read whole may, the inodes seen go to the
   * database and the table forgets them all: every later look-up asks the database.
   */
  private void handOverIfLarge() throws SQLException {
    if (index.size() <= atMost) {
      return;
    }
    db.markSeen(inodes(SEEN), seen);
    index = new InodeIndex(16);
    flags = new byte[16];
    stamps = new long[0];
    digests = new byte[0];
    attributes = new long[0];
    loaded = 0;
    seen = 0;
    complete = false;
  }

  /** The dev and ino, in pairs, of the entries with (or, for 0, without) the flag seen. */
  private long[] inodes(byte seenFlag) {
    int n = index.size();
    long[] out = new long[2 * (seenFlag == SEEN ? seen : n - seen)];
    int k = 0;
    for (int e = 0; e < n; e++) {
      if ((flags[e] & SEEN) == seenFlag) {
        out[k++] = index.dev(e);
        out[k++] = index.ino(e);
      }
    }
    return out;
  }

  /**
   * Prunes by the entries read when opened: those this run did not look up are removed, each
   * by its inode, if its path is under a root; those past the last entry read, in the
   * database. Usually there are none, and nothing is asked.
   */
  @Override
  public long prune(List<byte[]> roots) throws SQLException {
    long removed = 0;
    if (!complete) {
      long[] last = loaded == 0 ? null
          : new long[] {index.dev(loaded - 1), index.ino(loaded - 1)};
      removed += db.pruneUnseen(roots, last);
    }
    int unseen = index.size() - seen;
    if (unseen == 0) {
      return removed;
    }
    removed += db.deleteUnder(roots, inodes((byte) 0), unseen);
    for (int e = 0; e < index.size(); e++) {
      if ((flags[e] & SEEN) == 0) {
        flags[e] |= CHANGED; // removed, or not: the database tells
      }
    }
    return removed;
  }

  @Override
  public Thumbnails.Picture picture(FileStat st) throws SQLException {
    return db.picture(st);
  }

  @Override
  public void keepPicture(Thumbnails.Made made) throws SQLException {
    db.keepPicture(made);
  }

  @Override
  public void commit() throws SQLException {
    db.commit();
  }

  @Override
  public void close() {
    db.close();
  }
}
