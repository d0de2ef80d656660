package linkdupes.scan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import linkdupes.fs.FileStat;
import linkdupes.fs.PathBytes;

/**
 * Every candidate file the walk found, one row each, held in columns of primitive arrays rather
 * than as objects: a directory is stored once and a row holds only its index and the bytes of
 * the file's own name; device, mode, owner and root, which few files tell apart, are one index
 * into a small table. A row costs about 50 bytes plus its name, against several hundred as
 * {@code Path} and attribute objects, and the collector has next to nothing to trace.
 *
 * <p>Rows are only appended. Columns grow in chunks of {@link #CHUNK} rows, so a large table is
 * never copied; only the first chunk grows by doubling, so a small run stays small.
 */
public final class FileTable {
  static final int SHIFT = 18;
  static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;
  private static final int POOL = 4 << 20;
  private static final Path EMPTY = Path.of("");

  private final boolean bytes = PathBytes.available();
  private final List<Path> dirs = new ArrayList<>();
  private final Map<Path, Integer> dirIndex = new HashMap<>();
  /** The distinct (device, mode, owner, group, root) of the rows: few, each row an index. */
  private final Map<Meta, Integer> metaIndex = new HashMap<>();
  private final List<Meta> metas = new ArrayList<>();

  private int lastMeta;

  private record Meta(long dev, int mode, int uid, int gid, int root) {
    // Written out, as Policy.Key's: the first use of a record's generated equals links it
    // through java.lang.runtime.ObjectMethods. A dry run of the edge corpus took 17 ms longer
    // with this one generated, 45 ms with all records' (a run over /usr/share 28 ms; medians
    // of 60 and 40 runs, alternating builds).
    @Override
    public boolean equals(Object o) {
      return o instanceof Meta m && m.dev == dev && m.mode == mode && m.uid == uid
          && m.gid == gid && m.root == root;
    }

    @Override
    public int hashCode() {
      return Long.hashCode((((dev * 31 + mode) * 31 + uid) * 31 + gid) * 31 + root);
    }
  }

  private int[][] dir = new int[0][];
  private long[][] size = new long[0][];
  private long[][] ino = new long[0][];
  private long[][] mtime = new long[0][];
  private long[][] ctime = new long[0][];
  /**
   * The access time the walk saw (which the journal records, for undo to give back), or
   * {@link #UNKNOWN}; 8 bytes a row.
   */
  private long[][] atime = new long[0][];
  private int[][] nlink = new int[0][];
  private int[][] meta = new int[0][];
  /** With {@link PathBytes}: where each name starts in {@link #pool}, and its length. */
  private int[][] nameStart = new int[0][];
  private char[][] nameLength = new char[0][];
  private byte[][] pool = new byte[0][];
  private int poolUsed = POOL; // no pool chunk yet
  /** Without {@link PathBytes}: each name as a path of one element. */
  private Path[][] names = new Path[0][];
  private int rows;

  /** Registers a directory whose files are about to be added; returns its index. */
  public int directory(Path path) {
    Integer known = dirIndex.get(path);
    if (known != null) {
      return known;
    }
    dirs.add(path);
    dirIndex.put(path, dirs.size() - 1);
    return dirs.size() - 1;
  }

  /** Adds a file whose parent is {@code path.getParent()}; returns its row. */
  public int add(Path path, int rootIndex, FileStat st) {
    Path parent = path.getParent();
    return add(directory(parent == null ? EMPTY : parent), path, rootIndex, st);
  }

  /** True when names are kept as bytes: {@link #add(int, Path, int, FileStat)} reads them. */
  public boolean keepsBytes() {
    return bytes;
  }

  /**
   * Adds a file found in directory {@code dirIndex} (as returned by {@link #directory}); only
   * its last name is stored. Returns its row.
   */
  public int add(int dirIndex, Path path, int rootIndex, FileStat st) {
    if (bytes) {
      byte[] all = PathBytes.bytes(path);
      return add(dirIndex, all, nameStart(all), path, rootIndex, st);
    }
    return add(dirIndex, null, 0, path, rootIndex, st);
  }

  /** Where the last name of the path whose bytes are {@code all} starts. */
  public static int nameStart(byte[] all) {
    int from = all.length;
    while (from > 0 && all[from - 1] != '/') {
      from--;
    }
    return from;
  }

  /**
   * {@link #add(int, Path, int, FileStat)} given the path's bytes, {@code all}, and where its
   * last name starts in them, when the caller has them already ({@link #keepsBytes}).
   */
  public int add(int dirIndex, byte[] all, int from, Path path, int rootIndex, FileStat st) {
    int r = rows;
    int c = r >>> SHIFT;
    int i = r & MASK;
    if (c == dir.length || i == dir[c].length) {
      grow(c, i);
    }
    dir[c][i] = dirIndex;
    meta[c][i] = metaIndex(st, rootIndex);
    size[c][i] = st.size();
    ino[c][i] = st.ino();
    mtime[c][i] = st.mtimeNanos();
    ctime[c][i] = st.ctimeNanos();
    atime[c][i] = UNKNOWN;
    nlink[c][i] = st.nlink();
    if (bytes) {
      int length = all.length - from;
      if (poolUsed + length > POOL) {
        pool = Arrays.copyOf(pool, pool.length + 1);
        pool[pool.length - 1] = new byte[POOL];
        poolUsed = 0;
      }
      System.arraycopy(all, from, pool[pool.length - 1], poolUsed, length);
      nameStart[c][i] = (pool.length - 1) * POOL + poolUsed;
      nameLength[c][i] = (char) length;
      poolUsed += length;
    } else {
      Path name = path.getFileName();
      names[c][i] = name == null ? path : name;
    }
    return rows++;
  }

  private void grow(int c, int i) {
    int capacity = c == 0 ? Math.max(1024, i * 2) : CHUNK;
    capacity = Math.min(capacity, CHUNK);
    if (c == dir.length) {
      int n = c + 1;
      dir = Arrays.copyOf(dir, n);
      size = Arrays.copyOf(size, n);
      ino = Arrays.copyOf(ino, n);
      mtime = Arrays.copyOf(mtime, n);
      ctime = Arrays.copyOf(ctime, n);
      atime = Arrays.copyOf(atime, n);
      nlink = Arrays.copyOf(nlink, n);
      meta = Arrays.copyOf(meta, n);
      nameStart = Arrays.copyOf(nameStart, n);
      nameLength = Arrays.copyOf(nameLength, n);
      names = Arrays.copyOf(names, n);
      dir[c] = new int[0];
      size[c] = new long[0];
      ino[c] = new long[0];
      mtime[c] = new long[0];
      ctime[c] = new long[0];
      atime[c] = new long[0];
      nlink[c] = new int[0];
      meta[c] = new int[0];
      nameStart[c] = new int[0];
      nameLength[c] = new char[0];
      names[c] = new Path[0];
    }
    dir[c] = Arrays.copyOf(dir[c], capacity);
    size[c] = Arrays.copyOf(size[c], capacity);
    ino[c] = Arrays.copyOf(ino[c], capacity);
    mtime[c] = Arrays.copyOf(mtime[c], capacity);
    ctime[c] = Arrays.copyOf(ctime[c], capacity);
    atime[c] = Arrays.copyOf(atime[c], capacity);
    nlink[c] = Arrays.copyOf(nlink[c], capacity);
    meta[c] = Arrays.copyOf(meta[c], capacity);
    if (bytes) {
      nameStart[c] = Arrays.copyOf(nameStart[c], capacity);
      nameLength[c] = Arrays.copyOf(nameLength[c], capacity);
    } else {
      names[c] = Arrays.copyOf(names[c], capacity);
    }
  }

  private int metaIndex(FileStat st, int rootIndex) {
    Meta last = metas.isEmpty() ? null : metas.get(lastMeta);
    if (last != null && last.dev() == st.dev() && last.mode() == st.mode()
        && last.uid() == st.uid() && last.gid() == st.gid() && last.root() == rootIndex) {
      return lastMeta; // the common case: like the file before
    }
    Meta m = new Meta(st.dev(), st.mode(), st.uid(), st.gid(), rootIndex);
    Integer known = metaIndex.get(m);
    if (known == null) {
      metas.add(m);
      known = metas.size() - 1;
      metaIndex.put(m, known);
    }
    lastMeta = known;
    return known;
  }

  private Meta meta(int row) {
    return metas.get(meta[row >>> SHIFT][row & MASK]);
  }

  /** The number of rows. */
  public int rows() {
    return rows;
  }

  /** The file's path, as the walk met it (made anew on each call). */
  public Path path(int row) {
    int c = row >>> SHIFT;
    int i = row & MASK;
    Path d = dirs.get(dir[c][i]);
    if (!bytes) {
      return d.resolve(names[c][i]);
    }
    int start = nameStart[c][i];
    byte[] name = Arrays.copyOfRange(pool[start / POOL], start % POOL,
        start % POOL + nameLength[c][i]);
    return PathBytes.resolve(d, name);
  }

  /**
   * The directory of the row's file as the walk met it, without building the file's path;
   * null for a root that is a file named without a directory, as {@code path(row).getParent()}.
   */
  public Path parent(int row) {
    Path d = dirs.get(dir[row >>> SHIFT][row & MASK]);
    return EMPTY.equals(d) ? null : d;
  }

  public int root(int row) {
    return meta(row).root();
  }

  public long size(int row) {
    return size[row >>> SHIFT][row & MASK];
  }

  public long dev(int row) {
    return meta(row).dev();
  }

  public long ino(int row) {
    return ino[row >>> SHIFT][row & MASK];
  }

  public long mtimeNanos(int row) {
    return mtime[row >>> SHIFT][row & MASK];
  }

  public long ctimeNanos(int row) {
    return ctime[row >>> SHIFT][row & MASK];
  }

  /** An access time not seen. */
  public static final long UNKNOWN = Long.MIN_VALUE;

  /** The access time the walk saw of the row, or {@link #UNKNOWN}. */
  public long atimeNanos(int row) {
    return atime[row >>> SHIFT][row & MASK];
  }

  /** Sets the access time of the row, as the walk saw it. */
  public void accessed(int row, long nanos) {
    atime[row >>> SHIFT][row & MASK] = nanos;
  }

  public int nlink(int row) {
    return nlink[row >>> SHIFT][row & MASK];
  }

  /** Every attribute of the row, as one stat. */
  public FileStat stat(int row) {
    int c = row >>> SHIFT;
    int i = row & MASK;
    Meta m = metas.get(meta[c][i]);
    return new FileStat(m.dev(), ino[c][i], size[c][i], mtime[c][i], ctime[c][i], m.mode(),
        m.uid(), m.gid(), nlink[c][i]);
  }
}
