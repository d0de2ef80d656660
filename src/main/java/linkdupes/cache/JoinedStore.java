package linkdupes.cache;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import linkdupes.base.InodeIndex;
import linkdupes.fs.Attributes;
import linkdupes.fs.FileStat;
import linkdupes.hash.Thumbnails;
import linkdupes.hash.Digests;

/**
 * The digest store of a cache too large to read whole, joined with the run's candidates in one
 * pass: the entries are read in the table's own order (by inode), merged with the candidates
 * sorted the same way, and only what the candidates' entries hold is kept, 69 bytes a
 * candidate. Look-ups are then probes of sorted arrays. Writes go to the database
 * ({@link SqliteStore}), which also answers for entries written since and for an inode that
 * was not a candidate.
 *
 * <p>Why: asked a batch at a time, SQLite took 3.7-3.8 s for the 551,959 files of the corpus
 * {@code small} at scale 40 (the keys written to a temporary table, joined, noted for pruning),
 * about 7 us a file; one pass over the same entries takes 0.6-0.8 s, about 1.3 us an entry. So
 * the join is made whenever the cache holds at most {@link #ENTRIES_PER_CANDIDATE} entries
 * per candidate ({@link #pays}); a run over one folder of a large cache asks in batches.
 *
 * <p>The entries under the roots that match no candidate, and those of candidates that were
 * never looked up, are what {@link #prune} removes, each by its inode, the path checked again
 * by the database.
 */
final class JoinedStore implements DigestStore {
  /** A system property: {@code always} or {@code never} instead of by {@link #pays}. */
  static final String PROPERTY = "linkdupes.cache.join";
  /** The most entries per candidate for which one pass costs less than look-ups. */
  static final int ENTRIES_PER_CANDIDATE = 5;

  private static final int DIGESTS = SqliteStore.ENDS_KEY + SqliteStore.SHA256;
  /** The database holds an entry of the inode. */
  private static final byte MATCHED = 1;
  /** Its key is the candidate's, and its digests were read. */
  private static final byte USABLE = 2;
  private static final byte HAS_ENDS_KEY = 4;
  private static final byte HAS_SHA256 = 8;
  /** Looked up or written by this run: not pruned. */
  private static final byte SEEN = 16;
  /** Written by this run since read: the database answers. */
  private static final byte CHANGED = 32;
  private static final byte HAS_ATTRIBUTES = 64;

  private final SqliteStore db;
  private final Candidates candidates;
  /** The devices of the candidates, sorted; those of device k are positions from[k] to from[k+1]. */
  private final long[] devs;
  private final int[] from;
  /** The inode numbers, sorted within each device, each once: a position is an inode. */
  private final long[] inos;
  /** The candidate (its caller's index) of each position: one of the inode's names. */
  private final int[] candidate;
  private final byte[] flags;
  /** Both digests of each position, made on the first usable entry. */
  private byte[] digests;
  /** The fingerprint and blocks of each position (fs.Attributes.Found), made with digests. */
  private long[] attributes;
  /** Entries under the roots that match no candidate: dev and ino, in pairs. */
  private long[] unmatched = new long[32];
  private int unmatchedCount;
  /** An entry under the roots whose inode is not two integers (not a linkdupes entry). */
  private boolean oddUnder;
  /** Inodes looked up that were not candidates: not pruned. */
  private final InodeIndex others = new InodeIndex(16);
  /** Inodes written that were not candidates: pruned unless looked up, as any entry. */
  private final InodeIndex written = new InodeIndex(16);
  private final LookUps lookUps = new LookUps();
  private long entriesRead;
  private long joinNanos;

  private JoinedStore(SqliteStore db, Candidates candidates, long[] devs, int[] from,
      long[] inos, int[] candidate) {
    this.db = db;
    this.candidates = candidates;
    this.devs = devs;
    this.from = from;
    this.inos = inos;
    this.candidate = candidate;
    this.flags = new byte[inos.length];
  }

  /** True when one pass over {@code entries} costs less than looking up {@code candidates}. */
  static boolean pays(long entries, long candidates) {
    String forced = System.getProperty(PROPERTY, "");
    if (forced.equals("always") || forced.equals("never")) {
      return forced.equals("always");
    }
    return entries <= ENTRIES_PER_CANDIDATE * candidates;
  }

  /**
   * Reads the entries of {@code db} that belong to {@code candidates}, noting those under
   * {@code roots} (real paths, as bytes) that belong to none.
   *
   * @throws SQLException also when the entries do not come in the order of their inodes
   */
  static JoinedStore read(SqliteStore db, Candidates candidates, List<byte[]> roots)
      throws SQLException {
    long start = System.nanoTime();
    JoinedStore j = sorted(db, candidates);
    j.join(roots);
    j.joinNanos = System.nanoTime() - start;
    return j;
  }

  /** The candidates' inodes sorted by device and inode number, as SQLite orders integers. */
  private static JoinedStore sorted(SqliteStore db, Candidates c) {
    int[] idx = c.indexes();
    int n = idx.length;
    long[] dev = new long[n];
    for (int k = 0; k < n; k++) {
      dev[k] = c.dev(idx[k]);
    }
    long[] devs = unique(dev.clone(), 0, n);
    // the inode numbers bucketed by device, then sorted and made unique in each bucket
    int[] from = new int[devs.length + 1];
    int[] devOf = new int[n];
    for (int k = 0; k < n; k++) {
      devOf[k] = devs.length == 1 ? 0 : Arrays.binarySearch(devs, dev[k]);
      from[devOf[k] + 1]++;
    }
    dev = null; // the largest array here: gone before the next is made
    for (int d = 0; d < devs.length; d++) {
      from[d + 1] += from[d];
    }
    int[] fill = Arrays.copyOf(from, devs.length);
    long[] inos = new long[n];
    for (int k = 0; k < n; k++) {
      inos[fill[devOf[k]]++] = c.ino(idx[k]);
    }
    int to = 0;
    for (int d = 0; d < devs.length; d++) {
      long[] bucket = unique(inos, from[d], from[d + 1]);
      System.arraycopy(bucket, 0, inos, to, bucket.length);
      from[d] = to;
      to += bucket.length;
    }
    from[devs.length] = to;
    inos = Arrays.copyOf(inos, to);
    int[] candidate = new int[to];
    Arrays.fill(candidate, -1);
    JoinedStore j = new JoinedStore(db, c, devs, from, inos, candidate);
    for (int k = 0; k < n; k++) {
      int p = j.position(devs[devOf[k]], c.ino(idx[k]));
      if (candidate[p] < 0) {
        candidate[p] = idx[k];
      }
    }
    return j;
  }

  /** The values of {@code a} from {@code start} to {@code end}, sorted, each once. */
  private static long[] unique(long[] a, int start, int end) {
    Arrays.sort(a, start, end);
    int n = 0;
    for (int i = start; i < end; i++) {
      if (n == 0 || a[start + n - 1] != a[i]) {
        a[start + n++] = a[i];
      }
    }
    return Arrays.copyOfRange(a, start, start + n);
  }

  /** The position of an inode, or -1 when it is no candidate's. */
  private int position(long dev, long ino) {
    int d = devs.length == 1 ? (devs[0] == dev ? 0 : -1) : Arrays.binarySearch(devs, dev);
    if (d < 0) {
      return -1;
    }
    int p = Arrays.binarySearch(inos, from[d], from[d + 1], ino);
    return p >= 0 ? p : -1;
  }

  /**
   * One pass over the entries in the order of their inodes, merged with the positions. Each
   * value starts with a byte: 0 for an inode that is not two integers, 1 for an entry whose
   * types are as written (then its digests follow), 2 for one that is not (a miss: read again).
   */
  private void join(List<byte[]> roots) throws SQLException {
    StringBuilder under = new StringBuilder();
    for (int i = 0; i < roots.size(); i++) {
      under.append(i == 0 ? "" : " OR ").append("path = ? OR (path >= ? AND path < ?)");
    }
    String sql = "SELECT dev, ino, size, mtime_ns, ctime_ns, CASE "
        + "WHEN typeof(dev) != 'integer' OR typeof(ino) != 'integer' THEN x'00' "
        + "WHEN typeof(size) = 'integer' AND typeof(mtime_ns) = 'integer' "
        + "AND typeof(ctime_ns) = 'integer' "
        + "AND typeof(partial) IN ('blob', 'null') AND typeof(sha256) IN ('blob', 'null') "
        + "AND length(ifnull(partial, x'')) IN (0, 8) "
        + "AND length(ifnull(sha256, x'')) IN (0, 32) "
        + "THEN x'01' || ifnull(partial, x'') || ifnull(sha256, x'') ELSE x'02' END, "
        + (roots.isEmpty() ? "0" : "CASE WHEN " + under + " THEN 1 ELSE 0 END") + ", "
        + SqliteStore.ATTRIBUTES_KNOWN + ", attrs, blocks"
        + " FROM files ORDER BY dev, ino"; // the table's own order: no sorting
    try (PreparedStatement st = db.connection().prepareStatement(sql)) {
      int i = 1;
      for (byte[] root : roots) {
        byte[][] bounds = SqliteStore.under(root);
        st.setBytes(i++, root);
        st.setBytes(i++, bounds[0]);
        st.setBytes(i++, bounds[1]);
      }
      try (ResultSet r = st.executeQuery()) {
        merge(r);
      }
    }
  }

  private void merge(ResultSet r) throws SQLException {
    int p = 0;
    int d = 0;
    boolean any = false;
    long lastDev = 0;
    long lastIno = 0;
    while (r.next()) {
      entriesRead++;
      byte[] value = r.getBytes(6);
      boolean isUnder = r.getInt(7) != 0;
      if (value == null || value.length == 0 || value[0] == 0) {
        oddUnder |= isUnder;
        continue;
      }
      long dev = r.getLong(1);
      long ino = r.getLong(2);
      if (any && (dev < lastDev || dev == lastDev && ino <= lastIno)) {
        throw new SQLException("the entries did not come in the order of their inodes");
      }
      any = true;
      lastDev = dev;
      lastIno = ino;
      // past the positions before this inode
      while (d < devs.length && devs[d] < dev) {
        d++;
        p = from[d];
      }
      if (d == devs.length || devs[d] != dev) {
        noteUnmatched(isUnder, dev, ino);
        continue;
      }
      while (p < from[d + 1] && inos[p] < ino) {
        p++;
      }
      if (p == from[d + 1] || inos[p] != ino) {
        noteUnmatched(isUnder, dev, ino);
        continue;
      }
      flags[p] |= MATCHED;
      int c = candidate[p];
      if (value[0] == 1 && r.getLong(3) == candidates.size(c)
          && r.getLong(4) == candidates.mtimeNanos(c) && r.getLong(5) == candidates.ctimeNanos(c)) {
        keep(p, value);
        if (r.getInt(8) != 0) {
          flags[p] |= HAS_ATTRIBUTES;
          attributes[2 * p] = r.getLong(9);
          attributes[2 * p + 1] = r.getLong(10);
        }
      }
    }
  }

  private void noteUnmatched(boolean isUnder, long dev, long ino) {
    if (!isUnder) {
      return; // another root's: not this run's to prune
    }
    if (2 * unmatchedCount == unmatched.length) {
      unmatched = Arrays.copyOf(unmatched, 2 * unmatched.length);
    }
    unmatched[2 * unmatchedCount] = dev;
    unmatched[2 * unmatchedCount + 1] = ino;
    unmatchedCount++;
  }

  /** Keeps the digests of {@code value} (from its second byte) for position {@code p}. */
  private void keep(int p, byte[] value) {
    if (digests == null) {
      digests = new byte[DIGESTS * inos.length];
      attributes = new long[2 * inos.length];
    }
    int n = value.length - 1;
    byte f = USABLE;
    if (n == SqliteStore.ENDS_KEY || n == DIGESTS) {
      f |= HAS_ENDS_KEY;
      System.arraycopy(value, 1, digests, DIGESTS * p, SqliteStore.ENDS_KEY);
    }
    if (n == SqliteStore.SHA256 || n == DIGESTS) {
      f |= HAS_SHA256;
      System.arraycopy(value, value.length - SqliteStore.SHA256, digests,
          DIGESTS * p + SqliteStore.ENDS_KEY, SqliteStore.SHA256);
    }
    flags[p] |= f;
  }

  /** Entries read in the pass, and its time. */
  long entriesRead() {
    return entriesRead;
  }

  long joinMillis() {
    return joinNanos / 1_000_000;
  }

  @Override
  public Path file() {
    return db.file();
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

  /**
   * Answers from the pass for every candidate whose key is still the one it was joined with;
   * asks the database of the others: written since, not a candidate, or another name of an
   * inode seen with another key.
   */
  @Override
  public Digests.Entry[] get(List<FileStat> files) throws SQLException {
    Digests.Entry[] out = new Digests.Entry[files.size()];
    List<FileStat> asked = null;
    int[] at = null;
    for (int i = 0; i < out.length; i++) {
      FileStat st = files.get(i);
      int p = position(st.dev(), st.ino());
      if (p >= 0) {
        flags[p] |= SEEN;
      } else {
        others.add(st.dev(), st.ino());
      }
      int c = p < 0 ? -1 : candidate[p];
      if (p >= 0 && (flags[p] & CHANGED) == 0 && st.size() == candidates.size(c)
          && st.mtimeNanos() == candidates.mtimeNanos(c)
          && st.ctimeNanos() == candidates.ctimeNanos(c)) {
        out[i] = cached(p);
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
    return lookUps.counted(out);
  }

  private Digests.Entry cached(int p) {
    byte f = flags[p];
    if ((f & USABLE) == 0) {
      return null;
    }
    int at = DIGESTS * p;
    return new Digests.Entry(
        (f & HAS_ENDS_KEY) != 0
            ? Arrays.copyOfRange(digests, at, at + SqliteStore.ENDS_KEY) : null,
        (f & HAS_SHA256) != 0
            ? Arrays.copyOfRange(digests, at + SqliteStore.ENDS_KEY, at + DIGESTS) : null,
        (f & HAS_ATTRIBUTES) != 0
            ? new Attributes.Found(attributes[2 * p], attributes[2 * p + 1]) : null);
  }

  @Override
  public void put(FileStat st, byte[] endsKey, byte[] sha256, byte[] path,
      Attributes.Found found) throws SQLException {
    if (!changed(st)) {
      written.add(st.dev(), st.ino());
    }
    db.put(st, endsKey, sha256, path, found);
  }

  @Override
  public void attributes(FileStat st, Attributes.Found found) throws SQLException {
    changed(st);
    db.attributes(st, found);
  }

  @Override
  public void linked(FileStat before, long newCtime) throws SQLException {
    changed(before);
    db.linked(before, newCtime);
  }

  /** Notes that the database has changed what it holds of a candidate; false for another. */
  private boolean changed(FileStat st) {
    int p = position(st.dev(), st.ino());
    if (p >= 0) {
      flags[p] |= CHANGED;
    }
    return p >= 0;
  }

  /**
   * Removes, if their path is under one of {@code roots}, the entries this run did not look
   * up: of candidates (read in the pass, or written since), of inodes that are none (read in
   * the pass, under the roots, or written since). Returns the number removed.
   */
  @Override
  public long prune(List<byte[]> roots) throws SQLException {
    int n = unmatchedCount;
    long[] pairs = new long[2 * (n + written.size() + inos.length)];
    int k = 0;
    for (int i = 0; i < n + written.size(); i++) {
      long dev = i < n ? unmatched[2 * i] : written.dev(i - n);
      long ino = i < n ? unmatched[2 * i + 1] : written.ino(i - n);
      if (others.find(dev, ino) < 0) {
        pairs[k++] = dev;
        pairs[k++] = ino;
      }
    }
    for (int d = 0; d < devs.length; d++) {
      for (int p = from[d]; p < from[d + 1]; p++) {
        if ((flags[p] & SEEN) == 0 && (flags[p] & (MATCHED | CHANGED)) != 0) {
          pairs[k++] = devs[d];
          pairs[k++] = inos[p];
          flags[p] |= CHANGED; // removed, or not: the database tells
        }
      }
    }
    long removed = k == 0 ? 0 : db.deleteUnder(roots, pairs, k / 2);
    if (oddUnder) {
      removed += db.pruneOdd(roots);
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
