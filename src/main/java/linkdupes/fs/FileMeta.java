package linkdupes.fs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a file is besides its bytes and its place, as a name's own copy is given it back: mode,
 * owner, group, access and modification times, and every extended attribute (ACLs, file
 * capabilities, security labels, {@code user.*}). The change time cannot be set by anyone.
 *
 * @param mode permission bits with setuid, setgid and sticky ({@code 07777})
 * @param xattrs each attribute's name (no NUL) and value, in the order the file system listed
 */
public record FileMeta(int mode, int uid, int gid, long atimeNanos, long mtimeNanos,
    List<Xattr> xattrs) {

  /** One extended attribute. */
  public record Xattr(byte[] name, byte[] value) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Xattr x && Arrays.equals(x.name, name) && Arrays.equals(x.value, value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(name) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return new String(name, java.nio.charset.StandardCharsets.UTF_8) + "="
          + java.util.HexFormat.of().formatHex(value);
    }
  }

  /** A file's stat as it was read, and its metadata. */
  public record Read(FileStat stat, FileMeta meta) {}

  /**
   * The metadata of the file a name is, not following a symlink: its {@code statx} and its
   * extended attributes by path ({@code llistxattr}, {@code lgetxattr}). The caller checks the
   * stat is the inode it expects; an attribute changed in between moves the change time.
   */
  public static Read read(Path path) throws IOException {
    if (!Attributes.available()) {
      throw new IOException("reading the attributes of " + path + " needs the C library: "
          + VerifiedFile.whyNotVerified());
    }
    byte[] bytes = PathBytes.bytes(path.toAbsolutePath());
    byte[] cPath = Arrays.copyOf(bytes, bytes.length + 1);
    byte[] statx = new byte[Libc.STATX_SIZE];
    if (Libc.statx(Libc.AT_FDCWD, cPath, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS,
        statx) != 0) {
      throw VerifiedFile.failure(Libc.errno(), path);
    }
    FileStat stat = Libc.Statx.parse(statx);
    List<Xattr> xattrs = new ArrayList<>();
    byte[] list = Attributes.sized((buf, size) -> Libc.llistxattr(cPath, buf, size), path);
    if (list != null) {
      for (int start = 0, i = 0; i < list.length; i++) {
        if (list[i] == 0) {
          byte[] name = Arrays.copyOfRange(list, start, i + 1); // with its NUL, as C takes it
          byte[] value = Attributes.sized(
              (buf, size) -> Libc.lgetxattr(cPath, name, buf, size), path);
          if (value != null) { // removed in between: its change time tells
            xattrs.add(new Xattr(Arrays.copyOf(name, name.length - 1), value));
          }
          start = i + 1;
        }
      }
    }
    return new Read(stat, new FileMeta(stat.mode() & 07777, stat.uid(), stat.gid(),
        Libc.atimeNanos(statx), stat.mtimeNanos(), List.copyOf(xattrs)));
  }

  /** The attributes as one byte string, to be kept: per attribute, lengths then bytes. */
  public byte[] xattrBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Xattr x : xattrs) {
      out.writeBytes(ByteBuffer.allocate(8).putInt(x.name.length).putInt(x.value.length)
          .array());
      out.writeBytes(x.name);
      out.writeBytes(x.value);
    }
    return out.toByteArray();
  }

  /** The attributes of {@link #xattrBytes}. */
  public static List<Xattr> xattrsOf(byte[] bytes) {
    List<Xattr> xattrs = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(bytes == null ? new byte[0] : bytes);
    while (b.remaining() >= 8) {
      byte[] name = new byte[b.getInt()];
      byte[] value = new byte[b.getInt()];
      b.get(name).get(value);
      xattrs.add(new Xattr(name, value));
    }
    return List.copyOf(xattrs);
  }
}
