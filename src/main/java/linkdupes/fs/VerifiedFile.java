package linkdupes.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;

/**
 * A file opened for reading that is proven to be the inode the walk saw: the open descriptor's
 * own attributes (fstat, not a second look-up of the path) must show the same device, inode,
 * size, modification time and change time after its last read ({@link #checkUnchanged}), and
 * no byte read is used before that. So bytes read through it are that inode's bytes, whatever was
 * renamed or swapped on the way to it: a folder rotated under the run gives "changed during the
 * run", never another file's bytes under this file's identity.
 *
 * <p>Where the C library cannot be called ({@link #verified()} false), the file is read through
 * the JDK and its path is looked up again after opening: a window remains in which a rename
 * and a rename back go unseen.
 */
public abstract class VerifiedFile implements AutoCloseable {
  private static final Set<OpenOption> READ_NOFOLLOW =
      Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

  final Path path;
  final FileStat expected;

  VerifiedFile(Path path, FileStat expected) {
    this.path = path;
    this.expected = expected;
  }

  /** True when files are opened and checked through their descriptors. */
  public static boolean verified() {
    return Libc.AVAILABLE && PathBytes.available();
  }

  /**
   * Loads the native calls on a thread of their own, so that the run's walk overlaps it: it
   * takes 70-80 ms of a fresh JVM (JNA's classes and library), which the launcher's run over an
   * empty folder otherwise waited for (0.289 s against 0.213 s, medians of 20, alternating).
   */
  public static void loadInBackground() {
    Thread t = new Thread(VerifiedFile::verified, "linkdupes-native");
    t.setDaemon(true);
    t.start();
  }

  /** Why reads are not checked through their descriptors, or null when they are. */
  public static String whyNotVerified() {
    return Libc.AVAILABLE ? (PathBytes.available() ? null : "the JDK's paths are closed")
        : Libc.WHY_NOT;
  }

  /**
   * Opens {@code path} for reading, without following a symlink at its end, and checks that it
   * is {@code expected}'s inode with its size and times.
   *
   * @throws ChangedDuringRunException when it is another file, or changed
   */
  public static VerifiedFile open(Path path, FileStat expected) throws IOException {
    return open(path, expected, null);
  }

  /**
   * As {@link #open(Path, FileStat)}, and gives {@code sink} (when not null) the file's
   * attributes ({@link Attributes}) read through the same descriptor, where they can be read.
   */
  public static VerifiedFile open(Path path, FileStat expected, Attributes.Sink sink)
      throws IOException {
    return verified() ? new Native(path, expected, sink) : new Jdk(path, expected);
  }

  /**
   * Reads into {@code dst} from {@code position}, as {@link FileChannel#read(ByteBuffer, long)}:
   * the bytes read, or -1 at the end of the file. {@code dst} must be a direct buffer.
   */
  public abstract int read(ByteBuffer dst, long position) throws IOException;

  /**
   * Checks, after the last read, that the file is the inode the walk saw, still as it saw it:
   * until then, the bytes read must not be used.
   */
  public abstract void checkUnchanged() throws IOException;

  @Override
  public abstract void close();

  /** Throws unless {@code now} is the walk's inode with the walk's size and times. */
  void check(FileStat now, String when) throws ChangedDuringRunException {
    check(now, expected, when);
  }

  /** Throws unless {@code now} is {@code expected}'s inode with its size and times. */
  static void check(FileStat now, FileStat expected, String when)
      throws ChangedDuringRunException {
    if (!now.isRegularFile() || !now.sameInode(expected)) {
      throw new ChangedDuringRunException("another file " + when);
    }
    if (now.size() != expected.size() || now.mtimeNanos() != expected.mtimeNanos()
        || now.ctimeNanos() != expected.ctimeNanos()) {
      throw new ChangedDuringRunException("changed " + when);
    }
  }

  /** open(2) with {@code O_NOFOLLOW}, pread(2) and fstat (statx) on the descriptor. */
  private static final class Native extends VerifiedFile {
    private static final ThreadLocal<ByteBuffer> BOUNCE =
        ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(64 << 10));
    private final byte[] statx = new byte[Libc.STATX_SIZE];
    private final Attributes.Sink sink;
    private int fd;

    /**
     * Opens without a look at the descriptor yet: what it is is checked once, after the last
     * read ({@link #checkUnchanged}), which sees another inode as surely (a descriptor stays
     * on its inode) and a change since the walk too; bytes read before are used only then.
     * {@code O_NONBLOCK}: a FIFO put in the file's place must not hang the open.
     *
     * <p>{@code O_NOATIME} where the kernel allows it (the file's owner, or root): reading a
     * file to compare it is no use of it, so its access time stays as it was (a tool that
     * removes files unused for a month would otherwise keep every file a nightly run reads),
     * and no inode is written for it (on btrfs, an update in a transaction: the reading stage
     * of a clone of the mixed test tree took 211-251 ms writing access times, 147-194 ms not).
     */
    Native(Path path, FileStat expected, Attributes.Sink sink) throws IOException {
      super(path, expected);
      this.sink = sink;
      byte[] bytes = PathBytes.bytes(path.toAbsolutePath());
      byte[] cPath = Arrays.copyOf(bytes, bytes.length + 1);
      int flags = Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_NOCTTY
          | Libc.O_CLOEXEC;
      int uid = Identity.effectiveUid();
      boolean owner = uid == 0 || uid == expected.uid();
      fd = owner ? Libc.open(cPath, flags | Libc.O_NOATIME) : -1;
      if (!owner || fd < 0 && Libc.errno() == Errno.EPERM) { // or root without CAP_FOWNER
        fd = Libc.open(cPath, flags);
      }
      if (fd < 0) {
        throw failure(Libc.errno());
      }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      if (!dst.isDirect()) {
        return readThroughDirect(dst, position);
      }
      long n = Libc.pread(fd, Libc.address(dst), dst.remaining(), position);
      if (n < 0) {
        throw failure(Libc.errno());
      }
      if (n == 0 && dst.hasRemaining()) {
        return -1;
      }
      dst.position(dst.position() + (int) n);
      return (int) n;
    }

    /** Native code reads only into memory outside the heap: a heap buffer gets a copy. */
    private int readThroughDirect(ByteBuffer dst, long position) throws IOException {
      ByteBuffer direct = BOUNCE.get();
      direct.clear().limit(Math.min(direct.capacity(), dst.remaining()));
      int n = read(direct, position);
      if (n > 0) {
        dst.put(direct.flip());
      }
      return n;
    }

    @Override
    public void checkUnchanged() throws IOException {
      try {
        check(Libc.fstat(fd, statx), "while read");
      } catch (ErrnoException e) {
        throw failure(e.errno());
      }
      Attributes.readInto(sink, fd, statx, path);
    }

    @Override
    public void close() {
      if (fd >= 0) {
        Libc.close(fd); // a descriptor only read from: closing it cannot lose data
        fd = -1;
      }
    }

    private IOException failure(int errno) {
      return VerifiedFile.failure(errno, path);
    }
  }

  /**
   * An error of a call on a file opened or read to be verified, as the JDK would throw it,
   * keeping its number.
   */
  static IOException failure(int errno, Path path) {
    String file = path.toString();
    return switch (errno) {
      case Errno.ENOENT -> new NoSuchFileException(file);
      case Errno.EACCES -> new AccessDeniedException(file);
      // the name is now a symlink, or a folder on its way is not a folder any more, or it
      // is no longer a regular file (a FIFO or a socket cannot be read at an offset)
      case Errno.ELOOP, Errno.ENOTDIR, Errno.ESPIPE, Errno.ENXIO ->
          new ChangedDuringRunException("replaced");
      default -> new ErrnoException(errno, file, null, Libc.strerror(errno));
    };
  }

  /** The JDK's channel, and a second look-up of the path after opening. */
  private static final class Jdk extends VerifiedFile {
    private final FileChannel channel;

    Jdk(Path path, FileStat expected) throws IOException {
      super(path, expected);
      channel = FileChannel.open(path, READ_NOFOLLOW);
      try {
        check(FileStat.of(path), "when opened");
      } catch (IOException e) {
        close();
        throw e;
      }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return channel.read(dst, position);
    }

    @Override
    public void checkUnchanged() throws IOException {
      if (channel.size() != expected.size()) {
        throw new ChangedDuringRunException("changed while read");
      }
      check(FileStat.of(path), "while read");
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // a file only read from: closing it cannot lose data
      }
    }
  }
}
