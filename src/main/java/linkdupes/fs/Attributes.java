package linkdupes.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a file carries besides its bytes and its mode, owner and times, which linking makes two
 * names share, and the space it occupies, read through one descriptor proven to be the inode
 * the walk saw:
 *
 * <ul>
 *   <li>its extended attributes in every namespace: POSIX ACLs
 *       ({@code system.posix_acl_access}), file capabilities ({@code security.capability}),
 *       SELinux labels ({@code security.selinux}) and {@code user.*} (where Samba keeps
 *       alternate data streams); the JDK's view sees only {@code user.*};
 *   <li>its inode flags ({@code FS_IOC_GETFLAGS}, as {@code lsattr} shows them): append-only,
 *       no-dump, no-atime, no-copy-on-write and the others a user can set;
 *   <li>the bytes its blocks occupy ({@code stx_blocks}): a sparse file frees less than its
 *       size, a file with inline data none.
 * </ul>
 */
public final class Attributes {
  private Attributes() {}

  private static final int ENODATA = 61;
  private static final int ERANGE = 34;
  private static final int ENOTTY = 25;
  private static final int EINVAL = 22;
  /** {@code _IOR('f', 1, long)}: the kernel writes an int whatever the size says. */
  private static final long FS_IOC_GETFLAGS = 0x80086601L;
  /**
   * The flags a user sets ({@code chattr}), which linking would spread: secure deletion,
   * undelete, compression, synchronous updates, immutable, append-only, no-dump, no-atime,
   * no-compression, data journalling, no tail merging, synchronous folders, top folder,
   * no-copy-on-write, DAX, project inheritance. Not the ones a file system sets itself (extents,
   * inline data, huge file), which differ between equal files.
   */
  static final int USER_FLAGS = 0x000000ff | 0x00000400 | 0x00004000 | 0x00008000
      | 0x00010000 | 0x00020000 | 0x00800000 | 0x02000000 | 0x20000000;

  /** True when attributes can be read; else every file has the same {@link #NONE}. */
  public static boolean available() {
    return Libc.AVAILABLE && PathBytes.available();
  }

  /** The fingerprint of a file with no extended attributes and no flags. */
  public static final long NONE = 0;

  /**
   * What was read of one file.
   *
   * @param fingerprint a number equal for equal sets of extended attributes (names and values)
   *     and flags, {@link #NONE} for none
   * @param allocatedBytes the bytes its blocks occupy on the device
   */
  public record Found(long fingerprint, long allocatedBytes) {}

  /**
   * Where a reader puts the attributes of a file it opened anyway ({@link VerifiedFile}), so
   * they need not be read through a second descriptor.
   */
  public interface Sink {
    /** True while the attributes are not known yet. */
    boolean wantsAttributes();

    void attributes(Found found);
  }

  /** Reads the attributes of the open, verified descriptor {@code fd} into {@code sink}. */
  static void readInto(Sink sink, int fd, byte[] statx, Path path) {
    if (sink == null || !sink.wantsAttributes()) {
      return;
    }
    try {
      sink.attributes(new Found(fingerprint(fd, path), Libc.allocatedBytes(statx)));
    } catch (IOException e) {
      // read again, and reported, when the groups are planned
    }
  }

  /**
   * Reads the attributes of {@code path}, opened without following a symlink and checked to be
   * {@code expected}'s inode, unchanged (its change time too, which any change of an attribute
   * moves). Without {@code withAttributes}, only the space it occupies.
   *
   * @throws ChangedDuringRunException when the name leads to another inode, or it changed
   */
  public static Found read(Path path, FileStat expected, boolean withAttributes)
      throws IOException {
    byte[] bytes = PathBytes.bytes(path.toAbsolutePath());
    byte[] cPath = Arrays.copyOf(bytes, bytes.length + 1);
    int fd = Libc.open(cPath, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NONBLOCK
        | Libc.O_NOCTTY | Libc.O_CLOEXEC);
    if (fd < 0) {
      throw VerifiedFile.failure(Libc.errno(), path);
    }
    try {
      byte[] statx = new byte[Libc.STATX_SIZE];
      FileStat now;
      try {
        now = Libc.fstat(fd, statx);
      } catch (ErrnoException e) {
        throw VerifiedFile.failure(e.errno(), path);
      }
      VerifiedFile.check(now, expected, "when opened");
      long allocated = Libc.allocatedBytes(statx);
      if (!withAttributes) {
        return new Found(NONE, allocated);
      }
      // read through the descriptor: they are this inode's, whatever its names do meanwhile
      return new Found(fingerprint(fd, path), allocated);
    } finally {
      Libc.close(fd);
    }
  }

  private static long fingerprint(int fd, Path path) throws IOException {
    int flags = flags(fd, path);
    byte[] list = names(fd, path);
    if (list.length == 0 && flags == 0) {
      return NONE;
    }
    List<byte[]> names = new ArrayList<>();
    for (int start = 0, i = 0; i < list.length; i++) {
      if (list[i] == 0) {
        names.add(Arrays.copyOfRange(list, start, i + 1)); // with its NUL, as C takes it
        start = i + 1;
      }
    }
    names.sort(Arrays::compare);
    MessageDigest md = sha256();
    md.update(ByteBuffer.allocate(4).putInt(flags).array());
    for (byte[] name : names) {
      byte[] value = value(fd, name, path);
      md.update(name);
      md.update(ByteBuffer.allocate(4).putInt(value.length).array());
      md.update(value);
    }
    return fingerprintOf(md);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first 64 bits of the digest, never {@link #NONE}. */
  private static long fingerprintOf(MessageDigest md) {
    long f = ByteBuffer.wrap(md.digest()).getLong();
    return f == NONE ? 1 : f;
  }

  /** The flags a user can set, or 0 where the file system keeps none. */
  private static int flags(int fd, Path path) throws IOException {
    byte[] arg = new byte[8];
    if (Libc.ioctl(fd, FS_IOC_GETFLAGS, arg) != 0) {
      int errno = Libc.errno();
      if (errno == ENOTTY || errno == EINVAL || errno == Errno.EOPNOTSUPP) {
        return 0; // no flags on this file system (tmpfs, FAT, network file systems)
      }
      throw VerifiedFile.failure(errno, path);
    }
    return ByteBuffer.wrap(arg).order(ByteOrder.nativeOrder()).getInt(0) & USER_FLAGS;
  }

  private static byte[] names(int fd, Path path) throws IOException {
    byte[] list = sized((buf, size) -> Libc.flistxattr(fd, buf, size), path);
    return list == null ? new byte[0] : list;
  }

  private static byte[] value(int fd, byte[] name, Path path) throws IOException {
    byte[] value = sized((buf, size) -> Libc.fgetxattr(fd, name, buf, size), path);
    return value == null ? new byte[0] : value; // removed in between: its ctime tells
  }

  /** A call that fills {@code buf} with up to {@code size} bytes, or says how many it needs. */
  interface Sized {
    long call(byte[] buf, long size);
  }

  /**
   * What {@code call} gives: its size asked first, then the bytes, asked again if they grew in
   * between (ERANGE); null where there are none (ENODATA, or EOPNOTSUPP: a file system that
   * keeps no attributes).
   */
  static byte[] sized(Sized call, Path path) throws IOException {
    while (true) {
      long n = call.call(null, 0);
      if (n < 0) {
        int errno = Libc.errno();
        if (errno == ENODATA || errno == Errno.EOPNOTSUPP) {
          return null;
        }
        throw VerifiedFile.failure(errno, path);
      }
      byte[] buf = new byte[(int) n];
      long got = n == 0 ? 0 : call.call(buf, n);
      if (got >= 0) {
        return got == n ? buf : Arrays.copyOf(buf, (int) got);
      }
      if (Libc.errno() != ERANGE) {
        throw VerifiedFile.failure(Libc.errno(), path);
      }
    }
  }

  private static final byte[] ACCESS_ACL =
      "system.posix_acl_access\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * A number for the POSIX access ACL of a folder (who besides its owner, group and others may
   * search it), {@link #NONE} for none. Read by its path, not following a symlink at its end:
   * searching a folder does not need the right to open it.
   */
  public static long folderAcl(Path dir) throws IOException {
    if (!available()) {
      return NONE;
    }
    byte[] bytes = PathBytes.bytes(dir.toAbsolutePath());
    byte[] cPath = Arrays.copyOf(bytes, bytes.length + 1);
    byte[] acl = sized((buf, size) -> Libc.lgetxattr(cPath, ACCESS_ACL, buf, size), dir);
    if (acl == null) {
      return NONE;
    }
    MessageDigest md = sha256();
    md.update(acl);
    return fingerprintOf(md);
  }
}
