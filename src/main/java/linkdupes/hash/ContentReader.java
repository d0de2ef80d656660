package linkdupes.hash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import linkdupes.base.RunContext;
import linkdupes.base.Workers;
import linkdupes.fs.VerifiedFile;
import linkdupes.group.ContentGroup;
import linkdupes.group.Grouping;
import linkdupes.group.Inode;

/**
 * The reading stages, the only code that reads file contents. Files no longer than two
 * {@link #BLOCK}s are read once, whole, and split by their bytes. Larger files are first split
 * by a key of their first and last blocks, which tells apart files that merely share a size;
 * then equality is decided exactly, by comparing the bytes of a group's files side by side or,
 * for groups too large for that, by a streamed SHA-256 of each.
 *
 * <p>Each stage is given what is already known of the inodes (the cache's keys and digests, not
 * read again) and returns what it found, including the keys and digests it computed.
 */
public final class ContentReader implements AutoCloseable {
  /** The size of the first and last blocks that make a file's ends key. */
  public static final int BLOCK = Digester.BLOCK;

  /**
   * What a reading stage found: groups whose content it settled exactly, groups that still
   * share only their first and last blocks, and the keys and digests it computed.
   */
  public record Found(List<ContentGroup> same, List<List<Inode>> open, Digests learned) {}

  private final int threads;
  private final ExecutorService pool;
  private final RunContext run;
  private final Digester digester;
  private final SmallFiles smallFiles;
  private final LockstepComparer comparer;
  private final long inMemory;
  private final boolean digests;
  /** Pictures for the report, or null. */
  private final Thumbnails thumbnails;

  /**
   * With {@code digests}, every file read in full gets its SHA-256, to be cached or reported,
   * and equality is decided by the digests. Without, bytes are compared directly where that is
   * faster, and the keys of first and last blocks are dropped once they have split the groups.
   */
  public ContentReader(int threads, boolean digests, RunContext run) {
    this(threads, SmallFiles.IN_MEMORY, digests, run, null);
  }

  /**
   * As above, making pictures of the images read for {@code thumbnails} (null for none): of
   * the first file of each group read in full.
   */
  public ContentReader(int threads, boolean digests, RunContext run, Thumbnails thumbnails) {
    this(threads, SmallFiles.IN_MEMORY, digests, run, thumbnails);
  }

  /** With another limit for groups read into memory, so tests can take the SHA-256 path. */
  ContentReader(int threads, long inMemory, boolean digests, RunContext run) {
    this(threads, inMemory, digests, run, null);
  }

  private ContentReader(int threads, long inMemory, boolean digests, RunContext run,
      Thumbnails thumbnails) {
    this.thumbnails = thumbnails;
    this.digests = digests;
    this.inMemory = inMemory;
    this.threads = Math.max(1, threads);
    this.pool = this.threads > 1 ? Executors.newFixedThreadPool(this.threads, r -> {
      Thread t = new Thread(r, "linkdupes-hash");
      t.setDaemon(true);
      return t;
    }) : null;
    this.run = run;
    this.digester = new Digester(run.tally());
    this.smallFiles = new SmallFiles(run);
    this.comparer = new LockstepComparer(run, thumbnails);
    if (!VerifiedFile.verified()) {
      run.problems().warning("reads are not checked through their descriptors ("
          + VerifiedFile.whyNotVerified() + "): a file renamed away and back during a read "
          + "can go unseen");
    }
  }

  /** True when reading a file's first and last blocks reads all of it. */
  public static boolean isWhollyRead(long size) {
    return size <= 2L * BLOCK;
  }

  /**
   * Splits groups by their first and last blocks. Groups of files no longer than two blocks are
   * settled here, exactly, reading each file once: a group that fits in memory is split by the
   * bytes themselves, a larger one (or any, with digests) by a SHA-256 of each file. The others
   * come back open, split by the key of their ends.
   */
  public Found byEnds(List<List<Inode>> groups, Digests known) {
    List<List<Inode>> inMemory = new ArrayList<>();
    List<List<Inode>> hashed = new ArrayList<>();
    List<List<Inode>> keyed = new ArrayList<>();
    for (List<Inode> g : groups) {
      long size = g.get(0).size();
      if (!isWhollyRead(size)) {
        keyed.add(g);
      } else {
        (!digests && size * g.size() <= this.inMemory ? inMemory : hashed).add(g);
      }
    }
    List<ContentGroup> same = compared(forEach(inMemory, smallFiles::split));
    Digests learned = new Digests();
    same.addAll(bySha256(hashed, known, learned));
    List<Inode> inodes = flatten(keyed);
    List<byte[]> keys = forEach(inodes, i -> {
      byte[] k = known.endsKey(i);
      return k != null ? k : read(i, true, false);
    });
    if (digests) { // kept for the cache; else a million of them would add up
      for (int k = 0; k < inodes.size(); k++) {
        if (known.endsKey(inodes.get(k)) == null && keys.get(k) != null) {
          learned.put(inodes.get(k), new Digests.Entry(keys.get(k), null));
        }
      }
    }
    return new Found(same, Grouping.regroup(keyed, wrapped(keys)), learned);
  }

  /**
   * Splits groups whose first and last blocks are equal by their whole content: groups of up to
   * {@link LockstepComparer#MAX_FILES} files byte by byte, side by side (exact, and faster than
   * a digest); larger groups, or any with digests, by a streamed SHA-256 of each.
   */
  public Found byContent(List<List<Inode>> groups, Digests known) {
    List<List<Inode>> compared = new ArrayList<>();
    List<List<Inode>> hashed = new ArrayList<>();
    for (List<Inode> g : groups) {
      (!digests && g.size() <= LockstepComparer.MAX_FILES ? compared : hashed).add(g);
    }
    List<ContentGroup> same = compared(forEach(compared, comparer::split));
    Digests learned = new Digests();
    same.addAll(bySha256(hashed, known, learned));
    return new Found(same, List.of(), learned);
  }

  /**
   * Splits groups by a SHA-256 of every byte of each file, on all threads; a digest already
   * known is not computed again, and those computed are added to {@code learned}.
   */
  private List<ContentGroup> bySha256(List<List<Inode>> groups, Digests known,
      Digests learned) {
    List<Inode> inodes = flatten(groups);
    // a picture of each group's first file only: the others are copies, or not in its group
    java.util.Set<Inode> pictured = thumbnails == null ? java.util.Set.of()
        : java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    if (thumbnails != null) {
      groups.forEach(g -> pictured.add(g.get(0)));
    }
    List<byte[]> shas = forEach(inodes, i -> {
      byte[] d = known.sha256(i);
      return d != null ? d : read(i, false, pictured.contains(i));
    });
    for (int k = 0; k < inodes.size(); k++) {
      Inode inode = inodes.get(k);
      if (known.sha256(inode) == null && shas.get(k) != null) {
        learned.put(inode, new Digests.Entry(null, shas.get(k)));
      }
    }
    List<ContentGroup> same = new ArrayList<>();
    List<ByteBuffer> keys = wrapped(shas);
    for (List<Inode> part : Grouping.regroup(groups, keys)) {
      byte[] sha = known.sha256(part.get(0));
      same.add(new ContentGroup(part, sha != null ? sha : learned.sha256(part.get(0))));
    }
    return same;
  }

  /** The parts of groups whose bytes were compared: equal, with no digest to tell. */
  private static List<ContentGroup> compared(List<List<List<Inode>>> splits) {
    List<ContentGroup> same = new ArrayList<>();
    for (List<List<Inode>> parts : splits) {
      for (List<Inode> part : parts) {
        same.add(new ContentGroup(part, null));
      }
    }
    return same;
  }

  /** Keys that compare by their bytes; null stays null. */
  private static List<ByteBuffer> wrapped(List<byte[]> keys) {
    List<ByteBuffer> out = new ArrayList<>(keys.size());
    for (byte[] k : keys) {
      out.add(k == null ? null : ByteBuffer.wrap(k));
    }
    return out;
  }

  private static List<Inode> flatten(List<List<Inode>> groups) {
    List<Inode> all = new ArrayList<>();
    for (List<Inode> g : groups) {
      all.addAll(g);
    }
    return all;
  }

  /** Applies {@code task} to every item on the pool's threads; results in the items' order. */
  private <T, R> List<R> forEach(List<T> items, Function<T, R> task) {
    int n = items.size();
    Object[] results = new Object[n];
    int workers = pool == null ? 1 : Math.min(threads, n);
    if (workers <= 1) {
      for (int k = 0; k < n; k++) {
        results[k] = task.apply(items.get(k));
      }
    } else {
      Workers.forEachIndex(n, workers, pool, () -> k -> results[k] = task.apply(items.get(k)));
    }
    @SuppressWarnings("unchecked")
    List<R> list = (List<R>) Arrays.asList(results);
    return list;
  }

  /**
   * Reads one inode through its first name: the key of its ends, or the SHA-256 of all of it;
   * null (and a report) when it cannot be read.
   */
  private byte[] read(Inode inode, boolean ends, boolean picture) {
    Path path = inode.firstName().path();
    try {
      // the attributes are read with a file's last read: its whole bytes (most files read
      // only by their ends are then told apart and need none)
      return ends ? digester.endsKey(path, inode.stat(), null)
          : digester.sha256(path, inode.stat(), inode,
              picture ? first -> thumbnails.start(inode, first) : null);
    } catch (IOException e) {
      ReadFailure.report(path, e, run);
      return null;
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
