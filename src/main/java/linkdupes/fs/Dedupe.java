package linkdupes.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sharing the blocks of two files with equal bytes, each file keeping its own inode: the
 * kernel's {@code FIDEDUPERANGE}, which compares the two ranges itself with both files locked
 * and shares them only where they are equal, so a file that changed since it was read is never
 * given other bytes; and {@code FS_IOC_FIEMAP}, which tells where a file's blocks lie and which
 * of them are shared already, so that what is shared is neither counted as freed nor shared
 * again.
 *
 * <p>Both files are opened read-only without following a symlink, and each descriptor must be
 * the inode the walk saw, with the walk's size and times, before anything is asked of it: a name
 * swapped for another file gives "changed during the run". The kernel lets a read-only
 * descriptor be the destination for root, the file's owner, and whoever may write it.
 */
public final class Dedupe {
  private Dedupe() {}

  /** {@code _IOWR(0x94, 54, struct file_dedupe_range)}, a header of 24 bytes. */
  private static final long FIDEDUPERANGE = 0xC0189436L;
  /** {@code _IOWR('f', 11, struct fiemap)}, a header of 32 bytes. */
  private static final long FS_IOC_FIEMAP = 0xC020660BL;
  private static final int FILE_DEDUPE_RANGE_DIFFERS = 1;
  private static final int FIEMAP_FLAG_SYNC = 1;
  private static final int FIEMAP_HEADER = 32;
  private static final int FIEMAP_EXTENT = 56;
  /**
   * Extents asked for per call; a file with more is asked again from where the last ended. Most
   * files have one or two; the kernel's answer is copied in and out whole on each call.
   */
  private static final int EXTENTS_PER_CALL = 32;
  /**
   * Each thread's memory for one {@code FIEMAP} answer: one array of 7 KiB per file made the
   * mapping of the mixed test tree's 7,700 copies collect 55 MB of garbage.
   */
  private static final ThreadLocal<byte[]> FIEMAP_ARG =
      ThreadLocal.withInitial(() -> new byte[FIEMAP_HEADER + EXTENTS_PER_CALL * FIEMAP_EXTENT]);
  /**
   * The most bytes one call is asked to compare and share: the kernel's own limit per call
   * (Linux caps a request at 1 GiB), so that a file up to this size is compared whole before
   * any of it is shared. A file that differs anywhere then shares nothing: with calls of
   * 16 MiB, a file differing only in its last range came out sharing every range before it
   * (harmless, those bytes are equal, but freed space that no report counted). btrfs and XFS
   * were seen here to take 64 MiB and 1 GiB in one call; a file system may do less than asked,
   * and the rest is asked again.
   */
  public static final long BYTES_PER_CALL = 1L << 30;

  static final int FIEMAP_EXTENT_LAST = 0x1;
  static final int FIEMAP_EXTENT_UNKNOWN = 0x2;
  static final int FIEMAP_EXTENT_DELALLOC = 0x4;
  static final int FIEMAP_EXTENT_DATA_INLINE = 0x200;
  static final int FIEMAP_EXTENT_SHARED = 0x2000;

  /** True when the calls can be made here; else {@link #whyNot()} says why. */
  public static boolean available() {
    return VerifiedFile.verified();
  }

  public static String whyNot() {
    return VerifiedFile.whyNotVerified();
  }

  /**
   * One extent of a file, as {@code FIEMAP} gives it: {@code length} bytes from
   * {@code logical} in the file at {@code physical} on the device.
   */
  public record Extent(long logical, long physical, long length, int flags) {
    /** Data kept in the file system's own records (btrfs inline), not in blocks of its own. */
    public boolean inline() {
      return (flags & FIEMAP_EXTENT_DATA_INLINE) != 0;
    }

    /** Blocks that some other file (or snapshot) references too. */
    public boolean shared() {
      return (flags & FIEMAP_EXTENT_SHARED) != 0;
    }

    /** Where it lies is not known (not yet written, or encoded): no place to compare. */
    public boolean placeUnknown() {
      return (flags & (FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_DELALLOC)) != 0;
    }
  }

  /**
   * True when every block of {@code duplicate} already is the block of {@code kept} at the same
   * offset: sharing them again frees nothing. Extents that continue one another on the device
   * are taken as one, since file systems split them differently.
   */
  public static boolean sharesAll(List<Extent> duplicate, List<Extent> kept) {
    List<List<Long>> runs = runs(duplicate);
    return runs != null && !runs.isEmpty() && runs.equals(runs(kept));
  }

  /**
   * The space on the device that sharing {@code duplicate}'s blocks with another file's gives
   * back: its extents that no other file references and that have blocks of their own. Shared
   * extents count as nothing, since another file (a snapshot, a copy outside the roots) may
   * keep them; inline data lives in the file system's records and frees no block.
   */
  public static long bytesFreed(List<Extent> duplicate) {
    long bytes = 0;
    for (Extent e : duplicate) {
      if (!e.shared() && !e.inline() && !e.placeUnknown()) {
        bytes += e.length();
      }
    }
    return bytes;
  }

  /**
   * The extents with every run that continues the one before on the device merged into it;
   * null when one has no place of its own to compare (not yet written, or inline).
   */
  private static List<List<Long>> runs(List<Extent> extents) {
    List<List<Long>> runs = new ArrayList<>();
    long logical = -1;
    long physical = -1;
    long length = 0;
    for (Extent e : extents) {
      if (e.placeUnknown() || e.inline()) {
        return null;
      }
      if (length > 0 && e.logical() == logical + length && e.physical() == physical + length) {
        length += e.length();
        continue;
      }
      if (length > 0) {
        runs.add(List.of(logical, physical, length));
      }
      logical = e.logical();
      physical = e.physical();
      length = e.length();
    }
    if (length > 0) {
      runs.add(List.of(logical, physical, length));
    }
    return runs;
  }

  /**
   * The extents of the file at {@code path}, which must be {@code expected}'s inode with its
   * size and times; its dirty pages are written first, so that every extent has its place.
   * Holes have no extent.
   */
  public static List<Extent> extents(Path path, FileStat expected) throws IOException {
    try (Descriptor d = Descriptor.open(path, expected)) {
      return d.extents();
    }
  }

  /** What sharing the blocks of a duplicate with its kept file came to. */
  public enum Outcome {
    /** Every byte of the duplicate now lies in the kept file's blocks. */
    SHARED,
    /**
     * The kernel found bytes that differ, and neither file's size or times changed since the
     * walk. Of a file up to {@link #BYTES_PER_CALL}, nothing was shared; of a larger one, the
     * calls before the one that found the difference may have shared their (equal) bytes.
     */
    DIFFERS
  }

  /**
   * Shares the blocks of {@code kept} with {@code duplicate}, in one call up to
   * {@link #BYTES_PER_CALL} and range by range beyond: the kernel compares each range and
   * shares it only if it is equal in both. Both must be the walk's inodes, of equal size,
   * unchanged since the walk.
   *
   * @throws ChangedDuringRunException when either file is not the walk's or changed
   * @throws ErrnoException when the kernel refuses (EOPNOTSUPP, EXDEV, EPERM, EINVAL, ...)
   */
  public static Outcome share(Path kept, FileStat keptStat, Path duplicate, FileStat dupStat)
      throws IOException {
    try (Source src = Source.open(kept, keptStat)) {
      return src.share(duplicate, dupStat);
    }
  }

  /**
   * A kept file opened once for its group, checked to be the walk's inode; each duplicate
   * shares its blocks in turn ({@link #share(Path, FileStat)}). One descriptor for the group,
   * and one per duplicate for its check and the sharing: the clone of the mixed test tree
   * (7,089 files) took 1.8 s with each file opened for every call.
   */
  public static final class Source implements AutoCloseable {
    private final Descriptor kept;

    private Source(Descriptor kept) {
      this.kept = kept;
    }

    public static Source open(Path kept, FileStat keptStat) throws IOException {
      return new Source(Descriptor.open(kept, keptStat));
    }

    /** Throws unless the kept file is still the walk's, unchanged. */
    public void checkUnchanged() throws IOException {
      kept.checkUnchanged("while its blocks were shared");
    }

    /**
     * Shares the kept file's blocks with {@code duplicate}, which must be the walk's inode
     * of the same size.
     *
     * @throws ChangedDuringRunException when the duplicate is not the walk's or changed (it
     *     is looked at again when the kernel finds bytes that differ)
     * @throws ErrnoException when the kernel refuses (EOPNOTSUPP, EXDEV, EPERM, EINVAL, ...)
     */
    public Outcome share(Path duplicate, FileStat dupStat) throws IOException {
      if (kept.expected.size() != dupStat.size()) {
        throw new IllegalArgumentException("files of different sizes");
      }
      try (Descriptor dst = Descriptor.open(duplicate, dupStat)) {
        long size = dupStat.size();
        long offset = 0;
        while (offset < size) {
          long length = Math.min(BYTES_PER_CALL, size - offset);
          kept.readAhead(offset, length);
          dst.readAhead(offset, length);
          long done = dedupeRange(kept, dst, offset, length);
          if (done < 0) {
            // a duplicate written to since the walk is "changed", not merely different
            dst.checkUnchanged("while its bytes were compared");
            return Outcome.DIFFERS;
          }
          if (done == 0) { // the kernel said "same" and did nothing: never loop on it
            throw new ErrnoException(Errno.EINVAL, duplicate.toString(), null,
                "the kernel shared nothing of a range it found equal");
          }
          offset += done;
        }
        // the kernel does not set the times of a file whose blocks it shares: a check that
        // nothing else did meanwhile either
        dst.checkUnchanged("while its blocks were shared");
        return Outcome.SHARED;
      }
    }

    @Override
    public void close() {
      kept.close();
    }
  }

  /**
   * Asks the kernel to share no bytes of {@code kept} with {@code other}: it answers as it
   * would for a real range on whether their file system shares blocks at all, and changes
   * nothing. Returns normally where it does.
   *
   * @throws ErrnoException with EOPNOTSUPP, EINVAL or ENOTTY where the file system cannot
   *     ({@link #refusedByFileSystem}), or another error of these two files (EPERM, EXDEV...)
   */
  public static void probe(Path kept, FileStat keptStat, Path other, FileStat otherStat)
      throws IOException {
    try (Descriptor src = Descriptor.open(kept, keptStat);
        Descriptor dst = Descriptor.open(other, otherStat)) {
      dedupeRange(src, dst, 0, 0);
    }
  }

  /**
   * One {@code FIDEDUPERANGE} of {@code length} bytes at {@code offset} of both files: the
   * bytes the kernel shared (it may share fewer than asked), or -1 when it found them to
   * differ.
   *
   * @throws ErrnoException when the call or the kernel's answer for {@code dst} is an error
   */
  private static long dedupeRange(Descriptor src, Descriptor dst, long offset, long length)
      throws IOException {
    byte[] arg = new byte[24 + 32]; // struct file_dedupe_range and one file_dedupe_range_info
    ByteBuffer b = ByteBuffer.wrap(arg).order(ByteOrder.nativeOrder());
    b.putLong(0, offset).putLong(8, length).putShort(16, (short) 1);
    b.putLong(24, dst.fd).putLong(32, offset);
    if (Libc.ioctl(src.fd, FIDEDUPERANGE, arg) != 0) {
      throw src.failure(Libc.errno());
    }
    int status = b.getInt(48);
    if (status == FILE_DEDUPE_RANGE_DIFFERS) {
      return -1;
    }
    if (status < 0) {
      throw dst.failure(-status);
    }
    return b.getLong(40);
  }

  /** True when an error of {@link #probe} or {@link #share} says the file system cannot. */
  public static boolean refusedByFileSystem(int errno) {
    return errno == Errno.EOPNOTSUPP || errno == Errno.EINVAL || errno == Errno.ENOTTY;
  }

  /** A file opened read-only, checked to be the walk's inode before it is used. */
  private static final class Descriptor implements AutoCloseable {
    final Path path;
    final FileStat expected;
    final int fd;
    private final byte[] statx = new byte[Libc.STATX_SIZE];

    private Descriptor(Path path, FileStat expected, int fd) {
      this.path = path;
      this.expected = expected;
      this.fd = fd;
    }

    static Descriptor open(Path path, FileStat expected) throws IOException {
      if (!available()) {
        throw new IOException("sharing blocks needs the C library's calls: " + whyNot());
      }
      byte[] bytes = PathBytes.bytes(path.toAbsolutePath());
      int fd = Libc.open(Arrays.copyOf(bytes, bytes.length + 1), Libc.O_RDONLY
          | Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_NOCTTY | Libc.O_CLOEXEC);
      if (fd < 0) {
        throw VerifiedFile.failure(Libc.errno(), path);
      }
      Descriptor d = new Descriptor(path, expected, fd);
      try {
        d.checkUnchanged("when opened");
        return d;
      } catch (IOException | RuntimeException e) {
        d.close();
        throw e;
      }
    }

    void checkUnchanged(String when) throws IOException {
      try {
        VerifiedFile.check(Libc.fstat(fd, statx), expected, when);
      } catch (ErrnoException e) {
        throw failure(e.errno());
      }
    }

    List<Extent> extents() throws IOException {
      List<Extent> all = new ArrayList<>();
      byte[] arg = FIEMAP_ARG.get();
      ByteBuffer b = ByteBuffer.wrap(arg).order(ByteOrder.nativeOrder());
      long start = 0;
      while (true) {
        Arrays.fill(arg, (byte) 0);
        b.putLong(0, start).putLong(8, -1L).putInt(16, FIEMAP_FLAG_SYNC)
            .putInt(24, EXTENTS_PER_CALL);
        if (Libc.ioctl(fd, FS_IOC_FIEMAP, arg) != 0) {
          throw failure(Libc.errno());
        }
        int mapped = b.getInt(20);
        if (mapped == 0) {
          return all; // past the last extent, or a file of holes only
        }
        for (int i = 0; i < mapped; i++) {
          int at = FIEMAP_HEADER + i * FIEMAP_EXTENT;
          Extent e = new Extent(b.getLong(at), b.getLong(at + 8), b.getLong(at + 16),
              b.getInt(at + 40));
          all.add(e);
          if ((e.flags() & FIEMAP_EXTENT_LAST) != 0) {
            return all;
          }
        }
        Extent last = all.get(all.size() - 1);
        start = last.logical() + last.length();
      }
    }

    /**
     * Asks the kernel to read a range into memory ahead, in large reads: its comparison reads
     * a page at a time, each waiting for the disk, with no read-ahead of its own. Sharing
     * the copies of the mixed test tree with their pages out of memory (a plain C loop of
     * FIDEDUPERANGE over the same 7,089 pairs, 2 threads) took 14.3-17.5 s without, 4.1-4.2 s
     * with. A file whose pages are in memory costs a look at each. Only advice: an error
     * changes nothing, and the comparison reads what it needs anyway.
     */
    void readAhead(long offset, long length) {
      Libc.posix_fadvise(fd, offset, length, Libc.POSIX_FADV_WILLNEED);
    }

    IOException failure(int errno) {
      return VerifiedFile.failure(errno, path);
    }

    @Override
    public void close() {
      Libc.close(fd); // a descriptor only read from: closing it cannot lose data
    }
  }
}
