package linkdupes.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.Arrays;

/**
 * A copy of a file made beside one of its names, to become that name's own file again: in the
 * name's directory, opened without following a symlink, a new file under a temporary name
 * (created exclusively), the bytes of the file the name is (proven to be the inode expected),
 * and the metadata asked for, then written to the disk. Renaming it over the name is the
 * caller's, once it has recorded the copy: until then the name is untouched.
 */
public final class OwnCopy {
  private OwnCopy() {}

  private static final int ENOSYS = 38;
  private static final int EXDEV = 18;
  private static final int EOPNOTSUPP = 95;

  /** True when copies can be made here: they need the C library's calls. */
  public static boolean available() {
    return Libc.AVAILABLE && PathBytes.available();
  }

  /**
   * Makes {@code temp} in {@code dir} a copy of {@code name} (in {@code dir} too), which must be
   * {@code shared}'s inode with its size and modification time, with {@code meta}'s owner,
   * mode, attributes and times. Returns the copy's inode number. On any failure the copy is
   * removed again and the name is as it was.
   *
   * @throws ChangedDuringRunException when the name is not the inode expected, or changed
   *     while it was copied
   * @throws FileAlreadyExistsException when {@code temp} exists
   */
  public static long make(SecureDirectoryStream<Path> dir, Path name, FileStat shared,
      Path temp, FileMeta meta) throws IOException {
    int dfd = Jdk.directoryFd(dir);
    if (dfd < 0 || !available()) {
      throw new IOException("cannot copy " + name + ": the C library's calls are not available");
    }
    byte[] cName = cString(name.getFileName());
    int flags = Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_NOCTTY
        | Libc.O_CLOEXEC;
    int uid = Identity.effectiveUid();
    boolean owner = uid == 0 || uid == shared.uid();
    // copying a file is no use of it either: its access time stays (VerifiedFile's reads)
    int src = owner ? Libc.openat(dfd, cName, flags | Libc.O_NOATIME, 0) : -1;
    if (!owner || src < 0 && Libc.errno() == Errno.EPERM) {
      src = Libc.openat(dfd, cName, flags, 0);
    }
    if (src < 0) {
      throw VerifiedFile.failure(Libc.errno(), name);
    }
    try {
      byte[] statx = new byte[Libc.STATX_SIZE];
      check(stat(src, statx, name), shared, "when copied");
      byte[] tempName = cString(temp.getFileName());
      int dst = Libc.openat(dfd, tempName, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL
          | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0600);
      if (dst < 0) {
        int errno = Libc.errno();
        throw errno == Errno.EEXIST ? new FileAlreadyExistsException(temp.toString())
            : VerifiedFile.failure(errno, temp);
      }
      boolean made = false;
      try {
        copy(src, dst, shared.size(), temp);
        check(stat(src, statx, name), shared, "while copied");
        give(dst, meta, temp);
        if (Libc.fdatasync(dst) != 0) {
          throw VerifiedFile.failure(Libc.errno(), temp);
        }
        long ino = stat(dst, statx, temp).ino();
        made = true;
        return ino;
      } finally {
        Libc.close(dst);
        if (!made) {
          unlink(dir, temp);
        }
      }
    } finally {
      Libc.close(src);
    }
  }

  /**
   * The bytes, by the kernel ({@code copy_file_range}, which on btrfs and XFS shares the blocks
   * instead of writing them again), else through a buffer.
   */
  private static void copy(int src, int dst, long size, Path temp) throws IOException {
    long done = 0;
    while (done < size) {
      long n = Libc.copy_file_range(src, null, dst, null, size - done, 0);
      if (n < 0) {
        int errno = Libc.errno();
        if (done == 0 && (errno == ENOSYS || errno == EXDEV || errno == EOPNOTSUPP
            || errno == Errno.EINVAL)) {
          copyThroughBuffer(src, dst, size, temp);
          return;
        }
        throw VerifiedFile.failure(errno, temp);
      }
      if (n == 0) {
        throw new ChangedDuringRunException("shrank while copied");
      }
      done += n;
    }
  }

  private static void copyThroughBuffer(int src, int dst, long size, Path temp)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    long address = Libc.address(buf);
    for (long at = 0; at < size; ) {
      long n = Libc.pread(src, address, Math.min(buf.capacity(), size - at), at);
      if (n <= 0) {
        throw n == 0 ? new ChangedDuringRunException("shrank while copied")
            : VerifiedFile.failure(Libc.errno(), temp);
      }
      for (long w = 0; w < n; ) {
        long m = Libc.pwrite(dst, address + w, n - w, at + w);
        if (m < 0) {
          throw VerifiedFile.failure(Libc.errno(), temp);
        }
        w += m;
      }
      at += n;
    }
  }

  /**
   * Owner first (changing it clears setuid and setgid), then mode, then attributes (an access
   * ACL is the mode's group bits too, as it was with them), then times, which the others move.
   */
  private static void give(int fd, FileMeta meta, Path temp) throws IOException {
    if (Libc.fchown(fd, meta.uid(), meta.gid()) != 0) {
      throw VerifiedFile.failure(Libc.errno(), temp);
    }
    if (Libc.fchmod(fd, meta.mode()) != 0) {
      throw VerifiedFile.failure(Libc.errno(), temp);
    }
    for (FileMeta.Xattr x : meta.xattrs()) {
      byte[] name = Arrays.copyOf(x.name(), x.name().length + 1);
      if (Libc.fsetxattr(fd, name, x.value(), x.value().length, 0) != 0) {
        throw VerifiedFile.failure(Libc.errno(), temp);
      }
    }
    long[] times = {Math.floorDiv(meta.atimeNanos(), 1_000_000_000L),
        Math.floorMod(meta.atimeNanos(), 1_000_000_000L),
        Math.floorDiv(meta.mtimeNanos(), 1_000_000_000L),
        Math.floorMod(meta.mtimeNanos(), 1_000_000_000L)};
    if (Libc.futimens(fd, times) != 0) {
      throw VerifiedFile.failure(Libc.errno(), temp);
    }
  }

  /**
   * Throws unless {@code now} is {@code shared}'s inode with its size and modification time.
   * Not its change time: giving another name of it its own copy moved that (one link fewer).
   */
  private static void check(FileStat now, FileStat shared, String when)
      throws ChangedDuringRunException {
    if (!now.isRegularFile() || !now.sameInode(shared) || now.size() != shared.size()
        || now.mtimeNanos() != shared.mtimeNanos()) {
      throw new ChangedDuringRunException("changed " + when);
    }
  }

  private static FileStat stat(int fd, byte[] statx, Path path) throws IOException {
    try {
      return Libc.fstat(fd, statx);
    } catch (ErrnoException e) {
      throw VerifiedFile.failure(e.errno(), path);
    }
  }

  private static void unlink(SecureDirectoryStream<Path> dir, Path temp) {
    try {
      dir.deleteFile(temp.getFileName());
    } catch (IOException e) {
      // the copy made, not yet a name of anything: left for the next run to remove
    }
  }

  private static byte[] cString(Path fileName) {
    byte[] b = PathBytes.bytes(fileName);
    return Arrays.copyOf(b, b.length + 1);
  }
}
