package linkdupes.hash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import linkdupes.group.Grouping;
import linkdupes.group.Inode;
import linkdupes.report.Problems;
import linkdupes.report.Tally;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * The only reader of file contents. A partial digest covers the first and last {@link #BLOCK}
 * bytes, so files that merely share a size are told apart cheaply; files no longer than two
 * blocks are read whole by it and settled. The full digest is a streamed SHA-256, read once per
 * inode.
 */
public final class Hasher implements AutoCloseable {
  public static final int BLOCK = 4096;
  private static final int BUFFER = 1 << 20;

  private final int threads;
  private final ExecutorService pool;
  private final Problems problems;
  private final Tally tally;
  private final ThreadLocal<ByteBuffer> buffers =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));

  public Hasher(int threads, Problems problems, Tally tally) {
    this.threads = Math.max(1, threads);
    this.pool = this.threads > 1 ? Executors.newFixedThreadPool(this.threads, r -> {
      Thread t = new Thread(r, "linkdupes-hash");
      t.setDaemon(true);
      return t;
    }) : null;
    this.problems = problems;
    this.tally = tally;
  }

  /** Splits groups by the partial digest. */
  public List<List<Inode>> byPartial(List<List<Inode>> groups) {
    forEachInode(groups, inode -> inode.setPartialDigest(read(inode, true)));
    return Grouping.regroup(groups, i -> key(i.partialDigest()));
  }

  /** Splits groups by the full digest; inodes settled by the partial digest are not read again. */
  public List<List<Inode>> byFull(List<List<Inode>> groups) {
    forEachInode(groups, inode -> inode.setFullDigest(
        isSettledByPartial(inode.size()) ? inode.partialDigest() : read(inode, false)));
    return Grouping.regroup(groups, i -> key(i.fullDigest()));
  }

  /** True when the partial read covers the whole file, so its digest is the full SHA-256. */
  public static boolean isSettledByPartial(long size) {
    return size <= 2L * BLOCK;
  }

  private static ByteBuffer key(byte[] digest) {
    return digest == null ? null : ByteBuffer.wrap(digest);
  }

  private void forEachInode(List<List<Inode>> groups, Consumer<Inode> task) {
    if (pool == null) {
      groups.forEach(g -> g.forEach(task));
      return;
    }
    List<Future<?>> futures = new ArrayList<>();
    for (List<Inode> g : groups) {
      for (Inode inode : g) {
        futures.add(pool.submit(() -> task.accept(inode)));
      }
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading files", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  /** Reads one inode through its first name; null (and a report) when it cannot be read. */
  private byte[] read(Inode inode, boolean partial) {
    Path path = inode.firstName().path();
    try {
      return partial ? partialDigest(path, inode.size()) : fullDigest(path, inode.size());
    } catch (ChangedDuringRunException | NoSuchFileException e) {
      tally.changed.incrementAndGet();
      problems.warning("skipping " + linkdupes.report.Paths.display(path)
          + ": changed during the run");
      return null;
    } catch (IOException e) {
      tally.unreadable.incrementAndGet();
      problems.error("cannot read", path, e);
      return null;
    }
  }

  byte[] partialDigest(Path path, long size) throws IOException {
    MessageDigest md = DigestUtils.getSha256Digest();
    try (FileChannel ch = open(path)) {
      if (isSettledByPartial(size)) {
        readRange(ch, 0, size, md);
      } else {
        readRange(ch, 0, BLOCK, md);
        readRange(ch, size - BLOCK, BLOCK, md);
      }
    }
    return md.digest();
  }

  byte[] fullDigest(Path path, long size) throws IOException {
    MessageDigest md = DigestUtils.getSha256Digest();
    try (FileChannel ch = open(path)) {
      readRange(ch, 0, size, md);
      if (ch.size() != size) {
        throw new ChangedDuringRunException("size changed");
      }
    }
    return md.digest();
  }

  private static FileChannel open(Path path) throws IOException {
    return FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  }

  private void readRange(FileChannel ch, long from, long length, MessageDigest md)
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
      md.update(buf);
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
