package linkdupes.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A file's extended attributes in every namespace, as one number: POSIX ACLs
 * ({@code system.posix_acl_access}), file capabilities ({@code security.capability}), SELinux
 * labels ({@code security.selinux}) and {@code user.*} (where Samba keeps alternate data
 * streams). Linking makes two files share one set, so two files become one only when theirs
 * are equal. Read with llistxattr(2) and lgetxattr(2), which the JDK lacks (its view sees only
 * {@code user.*}), on the name itself, never through a symlink.
 */
public final class Attributes {
  private Attributes() {}

  private static final int ENODATA = 61;
  private static final int ERANGE = 34;

  /** True when the attributes can be read; else every file has the same {@link #NONE}. */
  public static boolean available() {
    return Libc.AVAILABLE && PathBytes.available();
  }

  /** The fingerprint of a file without extended attributes. */
  public static final long NONE = 0;

  /**
   * A fingerprint of every extended attribute of {@code path}, names and values: equal for
   * equal sets, {@link #NONE} for none (or where the file system keeps none).
   */
  public static long fingerprint(Path path) throws IOException {
    if (!available()) {
      return NONE;
    }
    byte[] bytes = PathBytes.bytes(path.toAbsolutePath());
    byte[] cPath = Arrays.copyOf(bytes, bytes.length + 1);
    byte[] list = names(cPath, path);
    if (list.length == 0) {
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
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (byte[] name : names) {
      byte[] value = value(cPath, name, path);
      md.update(name);
      md.update(ByteBuffer.allocate(4).putInt(value.length).array());
      md.update(value);
    }
    long f = ByteBuffer.wrap(md.digest()).getLong();
    return f == NONE ? 1 : f;
  }

  private static byte[] names(byte[] cPath, Path path) throws IOException {
    while (true) {
      long n = Libc.llistxattr(cPath, null, 0);
      if (n < 0) {
        int errno = Libc.errno();
        if (errno == Errno.EOPNOTSUPP) {
          return new byte[0];
        }
        throw new ErrnoException(errno, path.toString(), null, Libc.strerror(errno));
      }
      byte[] list = new byte[(int) n];
      long got = n == 0 ? 0 : Libc.llistxattr(cPath, list, n);
      if (got >= 0) {
        return Arrays.copyOf(list, (int) got);
      }
      if (Libc.errno() != ERANGE) { // ERANGE: one was added in between; ask again
        int errno = Libc.errno();
        throw new ErrnoException(errno, path.toString(), null, Libc.strerror(errno));
      }
    }
  }

  private static byte[] value(byte[] cPath, byte[] name, Path path) throws IOException {
    while (true) {
      long n = Libc.lgetxattr(cPath, name, null, 0);
      if (n < 0) {
        int errno = Libc.errno();
        if (errno == ENODATA) {
          return new byte[0]; // removed in between
        }
        throw new ErrnoException(errno, path.toString(), null, Libc.strerror(errno));
      }
      byte[] value = new byte[(int) n];
      long got = n == 0 ? 0 : Libc.lgetxattr(cPath, name, value, n);
      if (got >= 0) {
        return Arrays.copyOf(value, (int) got);
      }
      if (Libc.errno() != ERANGE) {
        int errno = Libc.errno();
        throw new ErrnoException(errno, path.toString(), null, Libc.strerror(errno));
      }
    }
  }
}
