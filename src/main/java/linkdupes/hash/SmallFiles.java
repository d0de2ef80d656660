package linkdupes.hash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.zip.CRC32C;
import linkdupes.base.RunContext;
import linkdupes.fs.ChangedDuringRunException;
import linkdupes.fs.VerifiedFile;
import linkdupes.group.Inode;

/**
 * Splits a group of small files of one size by their bytes, read one after another into an
 * arena: by a CRC-32C of each first, then by comparing the bytes of files whose CRCs are
 * equal. Nothing is allocated per file, so a million small files make no garbage here.
 */
final class SmallFiles {
  /**
   * Largest group of small files (count times size) read into memory to be compared; each
   * reading thread holds at most this much.
   */
  static final long IN_MEMORY = 32L << 20;
  /** Largest arena a thread keeps between groups; larger groups borrow from a shared budget. */
  private static final int KEPT_ARENA = 1 << 20;

  private final RunContext run;
  private final ThreadLocal<ByteBuffer> arenas = new ThreadLocal<>();
  /**
   * KiB of memory that large groups of small files may hold at once, over all threads: a group
   * waits until it fits, so the threads together never hold more than {@link #IN_MEMORY}.
   */
  private final Semaphore largeArenas = new Semaphore((int) (IN_MEMORY >> 10));

  SmallFiles(RunContext run) {
    this.run = run;
  }

  /** The parts of {@code group} whose bytes are all equal, each of two or more inodes. */
  List<List<Inode>> split(List<Inode> group) {
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

  /** Files of equal bytes, and where the first of them is in the arena. */
  private record Part(int offset, List<Inode> inodes) {}

  /**
   * The arena holds the bytes of the first file of each content found so far. Per file only
   * buffer views are made, never a copy of its bytes.
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
    try (VerifiedFile f = VerifiedFile.open(path, inode.stat(), inode)) {
      while (buf.hasRemaining()) {
        if (f.read(buf, buf.position()) < 0) {
          throw new ChangedDuringRunException("file shrank");
        }
      }
      f.checkUnchanged();
      buf.flip();
      run.tally().bytesRead.addAndGet(buf.limit());
      return true;
    } catch (IOException e) {
      ReadFailure.report(path, e, run);
      return false;
    }
  }
}
