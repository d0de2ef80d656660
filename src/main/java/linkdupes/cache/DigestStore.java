package linkdupes.cache;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import linkdupes.base.Problems;
import linkdupes.fs.Attributes;
import linkdupes.fs.FileStat;
import linkdupes.hash.Thumbnails;
import linkdupes.hash.Digests;

/**
 * The digests of files read by earlier runs, in an SQLite database, so a nightly run over a
 * tree that barely changed reads only what changed. Three implementations: {@link MemoryStore}
 * answers from the entries of a small cache read whole when opened, {@link JoinedStore} from
 * those of a large one read in one pass for the files the run will look up, and
 * {@link SqliteStore} asks the database for every look-up.
 *
 * <p>An entry is keyed by what tells that a file's content is unchanged: device, inode, size,
 * modification time and status-change time (in nanoseconds). Any difference is a miss, and the
 * file is read again; the ctime changes on every write, even one that restores the mtime. An
 * entry holds the key of the first and last 4 KiB and the SHA-256 of the whole content, where
 * they were computed, and the path the file was read through, so that entries under the roots
 * of a run that no longer exist there can be pruned without touching the entries of other
 * roots.
 *
 * <p>The entry also holds what an earlier run read of the attributes linking would make shared
 * ({@link Attributes}: the fingerprint of the extended attributes and flags, and the blocks),
 * where it read them: setting any of them moves the change time as well, so the key tells.
 *
 * <p>Schema version 2 ({@code PRAGMA user_version}); a cache of version 1 is given the two
 * columns of attributes when opened, its entries kept:
 *
 * <pre>
 * CREATE TABLE files (
 *   dev INTEGER NOT NULL, ino INTEGER NOT NULL,      -- the inode
 *   size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
 *   partial BLOB,                                     -- 8 bytes: the ends key, CRC-32C and
 *                                                     -- CRC-32 of the first and last 4 KiB
 *   sha256 BLOB,                                      -- 32 bytes, or NULL
 *   path BLOB NOT NULL,                               -- a name of it, as the system's bytes
 *   attrs INTEGER, blocks INTEGER,                    -- fs.Attributes.Found, or both NULL
 *   PRIMARY KEY (dev, ino)) WITHOUT ROWID;
 * CREATE INDEX files_path ON files (path);
 * </pre>
 *
 * <p>Every change of a run is one transaction, committed at its end: a run that is killed
 * leaves the database as it was.
 */
public interface DigestStore extends AutoCloseable {
  /**
   * The most entries read whole when the cache is opened: about 120 bytes each in memory,
   * 60 MiB at most. A larger cache is joined with the run's files in one pass ({@link
   * JoinedStore}), or looked up a batch at a time.
   */
  int PRELOAD_AT_MOST = 1 << 19;

  /** A system property that sets another limit than {@link #PRELOAD_AT_MOST}; -1 for none. */
  String PRELOAD_PROPERTY = "linkdupes.cache.preload";

  /**
   * Opens (or creates) the cache at {@code file}: read whole if it holds at most
   * {@link #PRELOAD_AT_MOST} entries (or as the system property says), until {@code needed}
   * is set. When it cannot be used (unreadable, not a database, written by another version of
   * linkdupes, locked), prints one warning and returns null: the run goes on without a cache.
   */
  static DigestStore open(Path file, Problems problems, AtomicBoolean needed) {
    return open(file, problems, Integer.getInteger(PRELOAD_PROPERTY, PRELOAD_AT_MOST), 0,
        needed);
  }

  /**
   * As {@link #open(Path, Problems, AtomicBoolean)}, reading the cache whole if it has at most
   * {@code preloadAtMost} entries, and at least {@code atLeast} of them before {@code needed}
   * is looked at.
   */
  static DigestStore open(Path file, Problems problems, int preloadAtMost, int atLeast,
      AtomicBoolean needed) {
    SqliteStore db = SqliteStore.open(file, problems);
    if (db == null) {
      return null;
    }
    try {
      DigestStore memory = MemoryStore.read(db, preloadAtMost, atLeast, needed);
      return memory != null ? memory : db;
    } catch (SQLException | RuntimeException e) {
      db.close();
      problems.warning("not using the cache " + file + ": " + PrivateDatabase.reason(e));
      return null;
    }
  }

  Path file();

  /** The number of entries read when the cache was opened, or -1 if it was not read whole. */
  int preloaded();

  /**
   * What the store knows of each file, as it is now: an array parallel to {@code files}, with
   * null where it has no entry or the file changed since. Also notes every file as seen by this
   * run, so that its entry is not pruned. A run looks a file up before it writes what it read of
   * it: a store opened on a cache that held nothing may answer every look-up with a miss.
   */
  Digests.Entry[] get(List<FileStat> files) throws SQLException;

  /**
   * Records what this run learned of a file; {@code path} is a name of it (real path bytes),
   * {@code attributes} what is known of them (null for nothing).
   */
  void put(FileStat st, byte[] endsKey, byte[] sha256, byte[] path, Attributes.Found attributes)
      throws SQLException;

  /** Records what this run learned of a file, with nothing known of its attributes. */
  default void put(FileStat st, byte[] endsKey, byte[] sha256, byte[] path)
      throws SQLException {
    put(st, endsKey, sha256, path, null);
  }

  /**
   * Records the attributes this run read of a file, when its entry has the same key (a file
   * changed since has another change time, and keeps none).
   */
  /**
   * The picture kept of the file {@code st} describes (by its size and modification time),
   * or null.
   */
  default Thumbnails.Picture picture(FileStat st) throws SQLException {
    return null;
  }

  /** Keeps the picture made of a file, by its inode, size and modification time. */
  default void keepPicture(Thumbnails.Made made) throws SQLException {}

  void attributes(FileStat st, Attributes.Found attributes) throws SQLException;

  /**
   * Records the ctime a file has after this run linked names to it, when its size and mtime
   * are still the ones its entry holds: linking changes the ctime, not the content.
   */
  void linked(FileStat before, long newCtime) throws SQLException;

  /**
   * Removes the entries under {@code roots} (real paths, as bytes) that this run did not see:
   * files deleted, changed to another inode, or no longer sharing a size with another file.
   * Entries under other roots stay; so do those of a cache that held nothing when opened, which
   * are all this run's own. Returns the number removed.
   */
  long prune(List<byte[]> roots) throws SQLException;

  /** Writes everything this run recorded, in one transaction. */
  void commit() throws SQLException;

  /** Look-ups answered with an entry, and without. */
  long hits();

  long misses();

  /** Closes the database; anything not committed is rolled back. */
  @Override
  void close();
}
