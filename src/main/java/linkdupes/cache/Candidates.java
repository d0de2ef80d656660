package linkdupes.cache;

/**
 * The files a run is about to look up, each by an index of the caller's (a row of the walk's
 * table), so that the cache can be read for all of them in one pass ({@link JoinedStore})
 * without an object per file.
 */
public interface Candidates {
  /** The number of files. */
  int count();

  /** The indexes of the files; several may be names of one inode. */
  int[] indexes();

  long dev(int i);

  long ino(int i);

  long size(int i);

  long mtimeNanos(int i);

  long ctimeNanos(int i);
}
