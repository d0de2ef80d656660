package linkdupes.cache;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The entries of a small cache, read into memory before the run looks anything up, so that a
 * look-up is a probe of an open-addressing table instead of a round of calls into SQLite. The
 * table also notes which inodes the run saw (those of the database and any other it looked up
 * or recorded) and which entries the run changed in the database: an entry changed since it
 * was read is looked up in the database again.
 *
 * <p>Entries are read in the order of their inodes. When the run needs the cache before all
 * are read, reading stops there: the inodes up to the last one read are known, and the others
 * are looked up in the database.
 *
 * <p>Per entry read: the key in 40 bytes, both digests in 40, one byte of flags and two to
 * four slots of the index (8-16 bytes); per inode the run saw that the database did not hold:
 * 16 + 1 + 8-16.
 */
final class Preloaded {
  static final int PARTIAL = 8;
  static final int SHA256 = 32;
  private static final int DIGESTS = PARTIAL + SHA256;

  private static final byte HAS_PARTIAL = 1;
  private static final byte HAS_SHA256 = 2;
  /** Looked up by this run: not pruned. */
  private static final byte SEEN = 4;
  /** Written (or not readable as such) in the database since read: ask the database. */
  private static final byte CHANGED = 8;

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
      + "THEN x'01' || ifnull(partial, x'') || ifnull(sha256, x'') ELSE x'02' END FROM files "
      + "ORDER BY dev, ino"; // the table's own order: no sorting

  /** Entries read from the database: those below it have a key and digests. */
  private int loaded;
  private int count;
  private int seen;
  /** All entries were read; else those up to the inode of the last one read. */
  private boolean complete;
  /** dev and ino of each entry. */
  private long[] inodes;
  /** size, mtime and ctime of each entry read. */
  private long[] stamps;
  private byte[] digests;
  private byte[] flags;
  /** Entry + 1 at the slot of its inode's hash (or a later one); 0 where free. */
  private int[] slots;

  private Preloaded(int capacity) {
    inodes = new long[2 * capacity];
    stamps = new long[3 * capacity];
    digests = new byte[DIGESTS * capacity];
    flags = new byte[capacity];
  }

  /**
   * Reads the entries of the cache, or returns null when it holds more than {@code atMost} of
   * them (or when its file is so large that it most likely does) or when an inode in it is not
   * two integers. Stops at the first entry after {@code atLeast} that finds {@code stop} set:
   * then only the inodes up to the last read are known.
   */
  static Preloaded read(Connection db, int atMost, int atLeast, AtomicBoolean stop)
      throws SQLException {
    if (atMost < 0) {
      return null;
    }
    try (Statement st = db.createStatement()) {
      long bytes = pragma(st, "page_count") * pragma(st, "page_size");
      // an entry takes some 200 bytes (both digests, a path of 50 bytes, in the index too):
      // a file of more than 256 bytes an entry most likely holds too many to read
      if (bytes > 256L * atMost + (1 << 20)) {
        return null;
      }
      // grown as read: a read that stops early has not taken the memory of all
      Preloaded t = new Preloaded((int) Math.max(16, Math.min(Math.min(atMost, 1 << 16),
          bytes / 160)));
      t.complete = true;
      try (ResultSet r = st.executeQuery(SELECT)) {
        while (r.next()) {
          if (t.count >= atLeast && stop.get()) {
            t.complete = false;
            break;
          }
          if (t.count == atMost) {
            return null;
          }
          byte[] value = r.getBytes(6);
          if (value == null || value.length == 0 || value[0] == 0) {
            return null;
          }
          t.load(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), value);
        }
      }
      t.index();
      return t;
    }
  }

  private static long pragma(Statement st, String name) throws SQLException {
    try (ResultSet r = st.executeQuery("PRAGMA " + name)) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  private void load(long dev, long ino, long size, long mtime, long ctime, byte[] value) {
    int e = count++;
    if (e == flags.length) {
      grow(2 * e);
      stamps = Arrays.copyOf(stamps, 3 * flags.length);
      digests = Arrays.copyOf(digests, DIGESTS * flags.length);
    }
    inodes[2 * e] = dev;
    inodes[2 * e + 1] = ino;
    stamps[3 * e] = size;
    stamps[3 * e + 1] = mtime;
    stamps[3 * e + 2] = ctime;
    byte f = 0;
    int n = value.length - 1;
    if (value[0] != 1) {
      f = CHANGED; // SQLite decides what it is
    } else {
      if (n == PARTIAL || n == DIGESTS) {
        f |= HAS_PARTIAL;
        System.arraycopy(value, 1, digests, DIGESTS * e, PARTIAL);
      }
      if (n == SHA256 || n == DIGESTS) {
        f |= HAS_SHA256;
        System.arraycopy(value, value.length - SHA256, digests, DIGESTS * e + PARTIAL, SHA256);
      }
    }
    flags[e] = f;
    loaded = count;
  }

  private void grow(int capacity) {
    inodes = Arrays.copyOf(inodes, 2 * capacity);
    flags = Arrays.copyOf(flags, capacity);
  }

  /** Builds the index, with at least twice as many slots as entries. */
  private void index() {
    int size = Integer.highestOneBit(Math.max(16, count) * 2) << 1;
    slots = new int[size];
    for (int e = 0; e < count; e++) {
      place(e);
    }
  }

  private void place(int e) {
    int mask = slots.length - 1;
    int s = hash(inodes[2 * e], inodes[2 * e + 1]) & mask;
    while (slots[s] != 0) {
      s = (s + 1) & mask;
    }
    slots[s] = e + 1;
  }

  private static int hash(long dev, long ino) {
    long h = (ino ^ Long.rotateLeft(dev, 32)) * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29) ^ (h >>> 47));
  }

  /** True when the entry of the inode, if the database had one, was read. */
  boolean covers(long dev, long ino) {
    if (complete) {
      return true;
    }
    if (loaded == 0) {
      return false;
    }
    long lastDev = inodes[2 * (loaded - 1)];
    return dev < lastDev || dev == lastDev && ino <= inodes[2 * (loaded - 1) + 1];
  }

  boolean complete() {
    return complete;
  }

  /** The inode of the last entry read (dev, ino); only when some were read. */
  long[] lastRead() {
    return new long[] {inodes[2 * (loaded - 1)], inodes[2 * (loaded - 1) + 1]};
  }

  /** The entry of an inode, or -1. */
  int find(long dev, long ino) {
    int mask = slots.length - 1;
    int s = hash(dev, ino) & mask;
    for (int e; (e = slots[s]) != 0; s = (s + 1) & mask) {
      if (inodes[2 * (e - 1) + 1] == ino && inodes[2 * (e - 1)] == dev) {
        return e - 1;
      }
    }
    return -1;
  }

  /**
   * A new entry for an inode the database did not hold when read: no key and no digests, and
   * neither seen nor changed until told.
   */
  int add(long dev, long ino) {
    int e = count++;
    if (e == flags.length) {
      grow(Math.max(16, 2 * e));
    }
    inodes[2 * e] = dev;
    inodes[2 * e + 1] = ino;
    flags[e] = 0;
    if (2 * count > slots.length) {
      slots = new int[2 * slots.length];
      for (int i = 0; i < count; i++) {
        place(i);
      }
    } else {
      place(e);
    }
    return e;
  }

  int entries() {
    return count;
  }

  int loaded() {
    return loaded;
  }

  long dev(int e) {
    return inodes[2 * e];
  }

  long ino(int e) {
    return inodes[2 * e + 1];
  }

  /** The number of entries not looked up. */
  int unseen() {
    return count - seen;
  }

  boolean isSeen(int e) {
    return (flags[e] & SEEN) != 0;
  }

  void changed(int e) {
    flags[e] |= CHANGED;
  }

  /** What {@link #recall} returns for an inode whose entry this run changed. */
  static final HashCache.Cached ASK = new HashCache.Cached(null, null);

  /**
   * What the entry of an inode holds when its key is the one given, else null; {@link #ASK}
   * when the run changed the entry in the database since it was read, or when it was not
   * read. Notes the inode as seen (when read; else the database notes it).
   */
  HashCache.Cached recall(long dev, long ino, long size, long mtime, long ctime) {
    int e = find(dev, ino);
    if (e < 0) {
      if (!covers(dev, ino)) {
        return ASK;
      }
      e = add(dev, ino); // and nothing to ask the database
    }
    byte f = flags[e];
    if ((f & SEEN) == 0) {
      flags[e] = (byte) (f | SEEN);
      seen++;
    }
    if ((f & CHANGED) != 0) {
      return ASK;
    }
    return cached(e, size, mtime, ctime);
  }

  /**
   * What entry {@code e} (read, unchanged since) holds when its key is the one given, else
   * null.
   */
  HashCache.Cached cached(int e, long size, long mtime, long ctime) {
    if (e >= loaded || stamps[3 * e] != size || stamps[3 * e + 1] != mtime
        || stamps[3 * e + 2] != ctime) {
      return null;
    }
    byte f = flags[e];
    int at = DIGESTS * e;
    return new HashCache.Cached(
        (f & HAS_PARTIAL) != 0 ? Arrays.copyOfRange(digests, at, at + PARTIAL) : null,
        (f & HAS_SHA256) != 0 ? Arrays.copyOfRange(digests, at + PARTIAL, at + DIGESTS) : null);
  }
}
