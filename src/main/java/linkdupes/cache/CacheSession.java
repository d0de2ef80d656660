package linkdupes.cache;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import linkdupes.base.RunContext;
import linkdupes.group.ContentGroup;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.hash.Digests;
import linkdupes.hash.Thumbnails;
import linkdupes.link.GroupResult;
import linkdupes.scan.ScanResult;

/**
 * The hash cache as one run uses it: what earlier runs read looked up before a batch is read,
 * what this run read recorded after, the new ctime of files linked to, and at the end the
 * entries under the roots that the run did not see pruned, all in one transaction. A failure
 * of the cache is one warning; the run goes on without it. {@link #NONE} is a run without a
 * cache: it knows nothing and keeps nothing.
 */
public interface CacheSession extends AutoCloseable {
  /** No cache. */
  CacheSession NONE = new CacheSession() {};

  /**
   * Takes the lock of the cache at {@code file} (or returns {@link #NONE} when it is null) and
   * starts opening it on another thread, so that loading the driver, and reading a small cache
   * whole, happen while the tree is walked. When the lock cannot be taken for another reason
   * than another run holding it, warns and returns {@link #NONE}.
   *
   * @param wait wait for another run that holds the cache, instead of failing
   * @throws RunLock.HeldException when another run holds the cache and {@code wait} is false;
   *     nothing was done
   */
  static CacheSession open(Path file, boolean wait, RunContext run)
      throws RunLock.HeldException {
    return file == null ? NONE : DatabaseSession.open(file, wait, run);
  }

  /**
   * True when a cache is in use (waiting for it to be opened): then every file read in full
   * gets its SHA-256, to be kept.
   */
  default boolean isOpen() {
    return false;
  }

  /**
   * Tells the cache every file the run may look up, before the first look-up: a large cache
   * is then read in one pass for all of them ({@link JoinedStore}), where that costs less than
   * asking it a batch at a time. {@code roots} are the run's.
   */
  default void prepare(Candidates candidates, List<ScanResult.Root> roots) {}

  /** What the cache knows of the inodes of {@code batch}, as they are now. */
  default Digests lookUp(List<List<Inode>> batch) {
    return Digests.NONE;
  }

  /**
   * Records what this run learned of the inodes of {@code batch} (the list given to
   * {@link #lookUp}, which returned {@code known}), by the real path of each one's first name.
   */
  default void record(List<List<Inode>> batch, Digests known, Function<Name, Path> realPath,
      Digests... learned) {}

  /**
   * Records the attributes read of {@code inodes} after their content (by the stage that reads
   * what linking would make shared), so that the next run need not read them.
   */
  default void attributesRead(List<Inode> inodes) {}

  /**
   * Gives {@code thumbnails} the pictures earlier runs made of the files of {@code groups}
   * that this run made none of (it did not read them: the cache knew them), where the file
   * has the size and modification time it had then.
   */
  default void pictures(List<ContentGroup> groups, Thumbnails thumbnails) {}

  /** Keeps the pictures this run made, for the next run that the cache spares reading. */
  default void keepPictures(Thumbnails thumbnails) {}

  /** Linking names to a file changes its ctime: each kept file's entry is given the new one. */
  default void linked(List<GroupResult> results) {}

  /** Prunes the entries under {@code roots} that this run did not see, and commits. */
  default void finish(List<ScanResult.Root> roots) {}

  /** Closes the cache, without committing what {@link #finish} did not, and releases it. */
  @Override
  default void close() {}
}
