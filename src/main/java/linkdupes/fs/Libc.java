package linkdupes.fs;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The C library's calls that the JDK does not offer, through JNA's direct mapping: opening a
 * file and asking the open descriptor what it is ({@code statx} with {@code AT_EMPTY_PATH}),
 * reading at an offset into a direct buffer. Errors come back as their number, never as words.
 *
 * <p>JNA's own native part ({@code libjnidispatch}) is by default written into a folder under
 * {@code /tmp} that any user may have made first, and loaded from there: a root run would load
 * whatever another user put in its place. It is written here instead into a fresh folder only
 * this process can write (made with mode 0700 under a random name), loaded, and deleted; JNA is
 * told not to look anywhere else.
 *
 * <p>Where any of this fails (another platform, no C library, a JVM that refuses native code),
 * {@link #AVAILABLE} is false, {@link #WHY_NOT} says why, and callers take the JDK's calls.
 */
final class Libc {
  private Libc() {}

  static final boolean AVAILABLE;
  /** Why the calls are not available, or null. */
  static final String WHY_NOT;

  // <fcntl.h>, <sys/stat.h>, Linux values (the same on x86-64 and arm64)
  static final int O_RDONLY = 0;
  static final int O_NOFOLLOW = 0400000;
  static final int O_CLOEXEC = 02000000;
  static final int O_NONBLOCK = 04000;
  static final int O_NOCTTY = 0400;
  static final int O_WRONLY = 01;
  static final int O_CREAT = 0100;
  static final int O_EXCL = 0200;
  /** Reads leave the access time alone; for the file's owner, or with CAP_FOWNER (else EPERM). */
  static final int O_NOATIME = 01000000;
  static final int AT_EMPTY_PATH = 0x1000;
  static final int AT_SYMLINK_NOFOLLOW = 0x100;
  static final int STATX_BASIC_STATS = 0x7ff;
  /** {@code struct statx} is 256 bytes on every architecture. */
  static final int STATX_SIZE = 256;

  private static final byte[] EMPTY_PATH = {0};

  static {
    String why = null;
    if (!Platform.isLinux() || !Platform.is64Bit()) {
      why = "only 64-bit Linux is supported";
    } else {
      try {
        loadDispatchLibraryPrivately();
        Native.register(Libc.class, cLibrary());
      } catch (IOException | LinkageError | RuntimeException e) {
        why = String.valueOf(e.getMessage());
      }
    }
    WHY_NOT = why;
    AVAILABLE = why == null;
  }

  static native int open(byte[] path, int flags);

  static native int statx(int dirfd, byte[] path, int flags, int mask, byte[] statx);

  static native long pread(int fd, long buffer, long count, long offset);

  static native int close(int fd);

  static native int openat(int dirfd, byte[] path, int flags, int mode);

  static native long pwrite(int fd, long buffer, long count, long offset);

  /**
   * {@code copy_file_range(2)} from and to the descriptors' own offsets (null pointers): the
   * kernel copies, or on btrfs and XFS shares the blocks.
   */
  static native long copy_file_range(int fdIn, Pointer offIn, int fdOut, Pointer offOut,
      long len, int flags);

  static native int fdatasync(int fd);

  static native int fchown(int fd, int uid, int gid);

  static native int fchmod(int fd, int mode);

  /** {@code futimens(2)}: {@code times} is two {@code struct timespec}, access then modification. */
  static native int futimens(int fd, long[] times);

  static native long llistxattr(byte[] path, byte[] list, long size);

  static native int fsetxattr(int fd, byte[] name, byte[] value, long size, int flags);

  /** {@code posix_fadvise(2)}: returns the error number itself (0 for none), not -1. */
  static native int posix_fadvise(int fd, long offset, long len, int advice);

  static final int POSIX_FADV_WILLNEED = 3;

  static final int AT_FDCWD = -100;

  static native int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags);

  static native int geteuid();

  static native long flistxattr(int fd, byte[] list, long size);

  static native long lgetxattr(byte[] path, byte[] name, byte[] value, long size);

  static native long fgetxattr(int fd, byte[] name, byte[] value, long size);

  /** ioctl(2) with a pointer to memory for its answer, as {@code FS_IOC_GETFLAGS} takes. */
  static native int ioctl(int fd, long request, byte[] arg);

  /** The system's words for an error number, in the user's language: for display only. */
  static native String strerror(int errno);

  /**
   * The C library this process already has mapped, by its file. Asked for "c", JNA makes its
   * list of the system's library folders first, which on Linux runs {@code /sbin/ldconfig -p}:
   * a process forked from the JVM on every run, 20-40 ms of a run's two cores. Given the list
   * itself ({@code jna.platform.library.path}: the C library's own folder) it runs nothing.
   */
  private static NativeLibrary cLibrary() throws IOException {
    Path libc = mappedCLibrary();
    if (libc == null) {
      return NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
    }
    if (System.getProperty("jna.platform.library.path") == null) {
      System.setProperty("jna.platform.library.path", libc.getParent().toString());
    }
    return NativeLibrary.getInstance(libc.toString());
  }

  /** The C library's file in {@code /proc/self/maps}: glibc's {@code libc.so.6}, or null. */
  private static Path mappedCLibrary() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
      int slash = line.indexOf('/');
      if (slash > 0 && line.endsWith("/libc.so.6")) {
        return Path.of(line.substring(slash));
      }
    }
    return null;
  }

  /** The error number of the calling thread's last failed call. */
  static int errno() {
    return Native.getLastError();
  }

  /** The address of the byte at {@code buffer}'s position; the buffer must be direct. */
  static long address(ByteBuffer buffer) {
    return Pointer.nativeValue(Native.getDirectBufferPointer(buffer)) + buffer.position();
  }

  /** fstat of an open descriptor. */
  static FileStat fstat(int fd, byte[] statx) throws ErrnoException {
    if (statx(fd, EMPTY_PATH, AT_EMPTY_PATH, STATX_BASIC_STATS, statx) != 0) {
      throw new ErrnoException(errno(), null, null, null);
    }
    return Statx.parse(statx);
  }

  /** The access time of a statx, in nanoseconds since 1970. */
  static long atimeNanos(byte[] statx) {
    ByteBuffer s = ByteBuffer.wrap(statx).order(java.nio.ByteOrder.nativeOrder());
    return s.getLong(64) * 1_000_000_000L + (s.getInt(72) & 0xffffffffL);
  }

  /** The bytes a file occupies on its device ({@code stx_blocks}, of 512 bytes) of a statx. */
  static long allocatedBytes(byte[] statx) {
    return ByteBuffer.wrap(statx).order(java.nio.ByteOrder.nativeOrder()).getLong(48) * 512;
  }

  /**
   * Writes JNA's native library out of the jar into a folder no one else can write and points
   * JNA at it alone (no search of the system's paths, no unpacking of its own).
   */
  private static void loadDispatchLibraryPrivately() throws IOException {
    if (System.getProperty("jna.boot.library.path") != null) {
      return; // chosen by the user or an earlier load in this JVM
    }
    String name = System.mapLibraryName("jnidispatch");
    String resource = "/com/sun/jna/" + Platform.RESOURCE_PREFIX + "/" + name;
    Path dir = privateFolder();
    Path lib = dir.resolve(name);
    try (InputStream in = Libc.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no JNA library for " + Platform.RESOURCE_PREFIX + " in the jar");
      }
      try (var out = Files.newOutputStream(lib, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        in.transferTo(out);
      }
      System.setProperty("jna.boot.library.path", dir.toString());
      System.setProperty("jna.nosys", "true");
      System.setProperty("jna.noclasspath", "true");
      System.setProperty("jna.nounpack", "true");
      Native.getLastError(); // loads it now, while the file is there
    } finally {
      // once loaded, the library stays mapped; the file and the folder are not needed
      Files.deleteIfExists(lib);
      Files.deleteIfExists(dir);
    }
  }

  /**
   * A new folder under the temporary folder that only this process's user can write: mkdir(2)
   * fails on any name that exists, a symlink too, so a name someone made first is never used,
   * and the name need not be unguessable. Not {@code Files.createTempDirectory}: its
   * {@code SecureRandom} set up the JDK's security providers, 40-55 ms of a fresh JVM.
   */
  private static Path privateFolder() throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    String prefix = "linkdupes-jna-" + ProcessHandle.current().pid() + "-";
    for (int attempt = 0; ; attempt++) {
      Path dir = tmp.resolve(prefix + Long.toHexString(System.nanoTime()));
      try {
        return Files.createDirectory(dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException e) {
        if (attempt == 100) {
          throw e;
        }
      }
    }
  }

  /** The fields of a {@code struct statx}, which has one layout on every architecture. */
  static final class Statx {
    private Statx() {}

    static FileStat parse(byte[] b) {
      ByteBuffer s = ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder());
      int nlink = s.getInt(16);
      int uid = s.getInt(20);
      int gid = s.getInt(24);
      int mode = s.getShort(28) & 0xffff;
      long ino = s.getLong(32);
      long size = s.getLong(40);
      long ctime = s.getLong(96) * 1_000_000_000L + (s.getInt(104) & 0xffffffffL);
      long mtime = s.getLong(112) * 1_000_000_000L + (s.getInt(120) & 0xffffffffL);
      long dev = makedev(s.getInt(136) & 0xffffffffL, s.getInt(140) & 0xffffffffL);
      return new FileStat(dev, ino, size, mtime, ctime, mode, uid, gid, nlink);
    }

    /** The C library's {@code makedev}: the number {@code stat} gives as {@code st_dev}. */
    static long makedev(long major, long minor) {
      return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
          | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }
  }
}
