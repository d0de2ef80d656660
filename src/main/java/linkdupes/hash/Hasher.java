package linkdupes.hash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import linkdupes.base.Workers;
import linkdupes.group.Grouping;
import linkdupes.group.Inode;
import linkdupes.base.Problems;
import linkdupes.base.Tally;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * The only reader of file contents (with {@link LockstepComparer}). Files no longer than two
 * {@link #BLOCK}s are read once, whole, and split by their bytes. Larger files are first split by
 * a key of their first and last blocks, which tells apart files that merely share a size; then
 * equality is decided exactly, by comparing the bytes of a group's files side by side or, for
 * groups too large for that, by a streamed SHA-256 of each.
 */
public final class Hasher implements AutoCloseable {
  public static final int BLOCK = 4096;
  /**
   * Largest group of small files (count times size) read into memory to be compared; each
   * reading thread holds at most this much.
   */
  static final long IN_MEMORY = 32L << 20;
  /** Largest arena a thread keeps between groups; larger groups borrow from a shared budget. */
  private static final int KEPT_ARENA = 1 << 20;
  /** As {@link LockstepComparer#CHUNK}: SHA-256 of two 512 MiB files 1.30 s -> 1.08 s. */
  private static final int BUFFER = 64 << 10;

  private final int threads;
  private final ExecutorService pool;
  private final Problems problems;
  private final Tally tally;
  private final LockstepComparer comparer;
  private final long inMemory;
  private final boolean digests;
  private final ThreadLocal<ByteBuffer> arenas = new ThreadLocal<>();
  /**
   * KiB of memory that large groups of small files may hold at once, over all threads: a group
   * waits until it fits, so the threads together never hold more than {@link #IN_MEMORY}.
   */
  private final Semaphore largeArenas = new Semaphore((int) (IN_MEMORY >> 10));
  /**
   * Each thread's SHA-256, used again for every file: a new one per file, with the copy buffer
   * it keeps for direct buffers, made 1.3 GB of garbage on 1.4 million small files.
   */
  private final ThreadLocal<MessageDigest> sha256 =
      ThreadLocal.withInitial(DigestUtils::getSha256Digest);
  /** One set for every open: the varargs form builds a set per call. */
  static final Set<OpenOption> READ_NOFOLLOW =
      Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  private final ThreadLocal<ByteBuffer> buffers =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));

  public Hasher(int threads, Problems problems, Tally tally) {
    this(threads, false, problems, tally);
  }

  /**
   * With {@code digests}, every file read in full gets its SHA-256, to be cached or reported,
   * and equality is decided by the digests; digests an inode already holds (from the cache)
   * are used instead of reading it. Without, bytes are compared directly where that is faster.
   */
  public Hasher(int threads, boolean digests, Problems problems, Tally tally) {
    this(threads, IN_MEMORY, digests, problems, tally);
  }

  /** With another limit for groups read into memory, so tests can take the SHA-256 path. */
  Hasher(int threads, long inMemory, Problems problems, Tally tally) {
    this(threads, inMemory, false, problems, tally);
  }

  private Hasher(int threads, long inMemory, boolean digests, Problems problems, Tally tally) {
    this.digests = digests;
    this.inMemory = inMemory;
    this.threads = Math.max(1, threads);
    this.pool = this.threads > 1 ? Executors.newFixedThreadPool(this.threads, r -> {
      Thread t = new Thread(r, "linkdupes-hash");
      t.setDaemon(true);
      return t;
    }) : null;
    this.problems = problems;
    this.tally = tally;
    this.comparer = new LockstepComparer(problems, tally);
  }

  /**
   * Splits groups by the first and last blocks. Groups of files no longer than two blocks are
   * settled here, exactly, reading each file once: a group that fits in {@link #IN_MEMORY}
   * bytes (by default) is read into memory and split by the bytes themselves; a larger one by
   * a SHA-256 of each file.
   */
  public List<List<Inode>> byPartial(List<List<Inode>> groups) {
    List<List<Inode>> out = new ArrayList<>();
    List<List<Inode>> small = new ArrayList<>();
    List<List<Inode>> hashed = new ArrayList<>();
    List<List<Inode>> keyed = new ArrayList<>();
    for (List<Inode> g : groups) {
      long size = g.get(0).size();
      if (!isSettledByPartial(size)) {
        keyed.add(g);
      } else {
        (!digests && size * g.size() <= inMemory ? small : hashed).add(g);
      }
    }
    forEach(small, this::byBytes).forEach(out::addAll);
    out.addAll(bySha256(hashed));
    forEachInode(keyed, inode -> {
      if (inode.partialDigest() == null) {
        inode.setPartialDigest(read(inode, true));
      }
    });
    for (List<Inode> part : Grouping.regroup(keyed, i -> key(i.partialDigest()))) {
      if (!digests) {
        for (Inode inode : part) {
          inode.setPartialDigest(null); // served its purpose; a million of them add up
        }
      }
      out.add(part);
    }
    return out;
  }

  /**
   * Reads a group of small files into this thread's arena, one after another, and splits it by
   * their bytes: by a CRC-32C of each first, then by comparing the bytes of files whose CRCs
   * are equal. Nothing is allocated per file, so a million small files make no garbage here.
   */
  private List<List<Inode>> byBytes(List<Inode> group) {
    int size = (int) group.get(0).size();
    long bytes = (long) size * group.size();
    // Only one file of each content stays in memory: a file equal to one read before gives its
    // room to the next. So most groups fit the thread's own arena, whatever their size.
    Splitter split = new Splitter(size, arena((int) Math.min(bytes, KEPT_ARENA)));
    int next = 0;
    while (next < group.size() && split.hasRoom()) {
      split.add(group.get(next++));
    }
    if (next < group.size()) {
      // more contents than the arena holds: the rest of the group goes on in heap memory of
      // the whole group's size, within the budget shared by all threads
      int kib = Math.min((int) ((bytes + 1023) >> 10), (int) (IN_MEMORY >> 10));
      largeArenas.acquireUninterruptibly(kib);
      try {
        split.moveTo(ByteBuffer.allocate((int) bytes));
        while (next < group.size()) {
          split.add(group.get(next++));
        }
      } finally {
        largeArenas.release(kib);
      }
    }
    return split.groups();
  }

  /**
   * Splits files of one size by their bytes, read one after another into an arena: by a CRC-32C
   * of each first, then by comparing the bytes of files whose CRCs are equal. The arena holds
   * the bytes of the first file of each content found so far. Per file only buffer views are
   * made, never a copy of its bytes.
   */
  private final class Splitter {
    private final int size;
    private final Map<Integer, List<Part>> byCrc = new HashMap<>();
    private final List<Part> parts = new ArrayList<>();
    private final CRC32C crc = new CRC32C();
    private ByteBuffer arena;
    /** Where the next file is read: the arena up to here holds one file per part. */
    private int at;

    Splitter(int size, ByteBuffer arena) {
      this.size = size;
      this.arena = arena;
    }

    /** True when the arena has room for one more file. */
    boolean hasRoom() {
      return arena.capacity() - at >= size;
    }

    void add(Inode inode) {
      ByteBuffer bytes = arena.slice(at, size);
      if (!readAll(inode, bytes)) {
        return;
      }
      crc.reset();
      crc.update(bytes.duplicate());
      List<Part> same = byCrc.computeIfAbsent((int) crc.getValue(), k -> new ArrayList<>(1));
      for (Part p : same) {
        if (arena.slice(p.offset, size).mismatch(bytes) == -1) {
          p.inodes.add(inode); // its room is the next file's
          return;
        }
      }
      Part home = new Part(at, new ArrayList<>(2));
      home.inodes.add(inode);
      same.add(home);
      parts.add(home);
      at += size;
    }

    /** Goes on in {@code larger}, with the bytes read so far. */
    void moveTo(ByteBuffer larger) {
      larger.put(0, arena, 0, at);
      arena = larger;
    }

    List<List<Inode>> groups() {
      List<List<Inode>> out = new ArrayList<>();
      for (Part part : parts) {
        if (part.inodes.size() >= 2) {
          out.add(part.inodes);
        }
      }
      return out;
    }
  }

  /** Files of equal bytes, and where the first of them is in the arena. */
  private record Part(int offset, List<Inode> inodes) {}

  /** This thread's arena for small files, grown when a group needs more. */
  private ByteBuffer arena(int bytes) {
    ByteBuffer arena = arenas.get();
    if (arena == null || arena.capacity() < bytes) {
      arena = ByteBuffer.allocateDirect(Math.max(64 << 10, Integer.highestOneBit(bytes - 1) << 1));
      arenas.set(arena);
    }
    return arena;
  }

  /** Reads every byte of a small file into {@code buf}; false (and a report) when it cannot. */
  private boolean readAll(Inode inode, ByteBuffer buf) {
    Path path = inode.firstName().path();
    try (FileChannel ch = open(path)) {
      while (buf.hasRemaining()) {
        if (ch.read(buf, buf.position()) < 0) {
          throw new ChangedDuringRunException("file shrank");
        }
      }
      buf.flip();
      tally.bytesRead.addAndGet(buf.limit());
      return true;
    } catch (IOException e) {
      ReadFailure.report(path, e, problems, tally);
      return false;
    }
  }

  /**
   * Splits groups by a SHA-256 of every byte of each file, on all threads; a digest an inode
   * already holds is not computed again.
   */
  private List<List<Inode>> bySha256(List<List<Inode>> groups) {
    forEachInode(groups, inode -> {
      if (inode.fullDigest() == null) {
        inode.setFullDigest(read(inode, false));
      }
    });
    return Grouping.regroup(groups, i -> key(i.fullDigest()));
  }

  /**
   * Splits groups by their whole content. Files settled by the partial digest are not read
   * again; groups of up to {@link LockstepComparer#MAX_FILES} files are compared byte by byte
   * side by side (exact, and faster than a digest); larger groups by a streamed SHA-256 of each.
   */
  public List<List<Inode>> byContent(List<List<Inode>> groups) {
    List<List<Inode>> out = new ArrayList<>();
    List<List<Inode>> compared = new ArrayList<>();
    List<List<Inode>> hashed = new ArrayList<>();
    for (List<Inode> g : groups) {
      if (isSettledByPartial(g.get(0).size())) {
        out.add(g); // settled by byPartial
      } else {
        (!digests && g.size() <= LockstepComparer.MAX_FILES ? compared : hashed).add(g);
      }
    }
    forEach(compared, comparer::split).forEach(out::addAll);
    out.addAll(bySha256(hashed));
    return out;
  }

  /** True when the partial read covers the whole file, so its digest is the full SHA-256. */
  public static boolean isSettledByPartial(long size) {
    return size <= 2L * BLOCK;
  }

  private static ByteBuffer key(byte[] digest) {
    return digest == null ? null : ByteBuffer.wrap(digest);
  }

  private void forEachInode(List<List<Inode>> groups, Consumer<Inode> task) {
    forEach(groups.stream().flatMap(List::stream).toList(), inode -> {
      task.accept(inode);
      return null;
    });
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

  /** Reads one inode through its first name; null (and a report) when it cannot be read. */
  private byte[] read(Inode inode, boolean partial) {
    Path path = inode.firstName().path();
    try {
      return partial ? partialDigest(path, inode.size()) : fullDigest(path, inode.size());
    } catch (IOException e) {
      ReadFailure.report(path, e, problems, tally);
      return null;
    }
  }

  /**
   * A key of a file's first and last blocks: two CRCs, CRC-32C and CRC-32, which the CPU
   * computes even before the JIT has warmed up. A key only splits groups: files with equal keys
   * are then compared byte for byte or by SHA-256 before anything is linked.
   */
  byte[] partialDigest(Path path, long size) throws IOException {
    CRC32C c = new CRC32C();
    CRC32 d = new CRC32();
    Consumer<ByteBuffer> both = b -> {
      c.update(b.duplicate());
      d.update(b);
    };
    try (FileChannel ch = open(path)) {
      readRange(ch, 0, Math.min(BLOCK, size), both);
      if (size > BLOCK) {
        readRange(ch, Math.max(BLOCK, size - BLOCK), Math.min(BLOCK, size - BLOCK), both);
      }
    }
    return ByteBuffer.allocate(8).putInt((int) c.getValue()).putInt((int) d.getValue()).array();
  }

  byte[] fullDigest(Path path, long size) throws IOException {
    MessageDigest md = sha256.get(); // reset by digest() below, or here after a failure
    md.reset();
    try (FileChannel ch = open(path)) {
      readRange(ch, 0, size, md::update);
      if (ch.size() != size) {
        throw new ChangedDuringRunException("size changed");
      }
    }
    return md.digest();
  }

  private static FileChannel open(Path path) throws IOException {
    return FileChannel.open(path, READ_NOFOLLOW);
  }

  private void readRange(FileChannel ch, long from, long length, Consumer<ByteBuffer> sink)
      throws IOException {
    ByteBuffer buf = buffers.get();
    long pos = from;
    long end = from + length;
    while (pos < end) {
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), end - pos));
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new ChangedDuringRunException("file shrank");
      }
      pos += n;
      buf.flip();
      sink.accept(buf);
    }
    tally.bytesRead.addAndGet(length);
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
