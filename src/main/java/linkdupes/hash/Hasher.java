package linkdupes.hash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import linkdupes.group.Grouping;
import linkdupes.group.Inode;
import linkdupes.report.Problems;
import linkdupes.report.Tally;
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
  /** Largest group of small files (count times size) read into memory to be compared. */
  static final long IN_MEMORY = 32L << 20;
  private static final int BUFFER = 1 << 20;

  private final int threads;
  private final ExecutorService pool;
  private final Problems problems;
  private final Tally tally;
  private final LockstepComparer comparer;
  private final long inMemory;
  private final ThreadLocal<ByteBuffer> buffers =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));

  public Hasher(int threads, Problems problems, Tally tally) {
    this(threads, IN_MEMORY, problems, tally);
  }

  /** With another limit for groups read into memory, so tests can take the SHA-256 path. */
  Hasher(int threads, long inMemory, Problems problems, Tally tally) {
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
        (size * g.size() <= inMemory ? small : hashed).add(g);
      }
    }
    forEach(small, this::byBytes).forEach(out::addAll);
    out.addAll(bySha256(hashed));
    forEachInode(keyed, inode -> inode.setPartialDigest(read(inode, true)));
    out.addAll(Grouping.regroup(keyed, i -> key(i.partialDigest())));
    return out;
  }

  /** Reads a group of small files into memory and splits it by their bytes. */
  private List<List<Inode>> byBytes(List<Inode> group) {
    Map<ByteBuffer, List<Inode>> parts = new HashMap<>();
    for (Inode inode : group) {
      byte[] bytes = readAll(inode);
      if (bytes != null) {
        parts.computeIfAbsent(ByteBuffer.wrap(bytes), k -> new ArrayList<>(2)).add(inode);
      }
    }
    List<List<Inode>> out = new ArrayList<>();
    for (List<Inode> part : parts.values()) {
      if (part.size() >= 2) {
        out.add(part);
      }
    }
    return out;
  }

  /** Every byte of a small file; null (and a report) when it cannot be read. */
  private byte[] readAll(Inode inode) {
    Path path = inode.firstName().path();
    int size = (int) inode.size();
    ByteBuffer buf = ByteBuffer.allocate(size);
    try (FileChannel ch = open(path)) {
      while (buf.hasRemaining()) {
        if (ch.read(buf, buf.position()) < 0) {
          throw new ChangedDuringRunException("file shrank");
        }
      }
      tally.bytesRead.addAndGet(size);
      return buf.array();
    } catch (IOException e) {
      ReadFailure.report(path, e, problems, tally);
      return null;
    }
  }

  /** Splits groups by a SHA-256 of every byte of each file, on all threads. */
  private List<List<Inode>> bySha256(List<List<Inode>> groups) {
    forEachInode(groups, inode -> inode.setFullDigest(read(inode, false)));
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
        (g.size() <= LockstepComparer.MAX_FILES ? compared : hashed).add(g);
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
    List<R> results = new ArrayList<>(items.size());
    if (pool == null) {
      items.forEach(i -> results.add(task.apply(i)));
      return results;
    }
    List<Future<R>> futures = new ArrayList<>(items.size());
    for (T item : items) {
      futures.add(pool.submit(() -> task.apply(item)));
    }
    for (Future<R> f : futures) {
      try {
        results.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading files", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
    return results;
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
    MessageDigest md = DigestUtils.getSha256Digest();
    try (FileChannel ch = open(path)) {
      readRange(ch, 0, size, md::update);
      if (ch.size() != size) {
        throw new ChangedDuringRunException("size changed");
      }
    }
    return md.digest();
  }

  private static FileChannel open(Path path) throws IOException {
    return FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
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
