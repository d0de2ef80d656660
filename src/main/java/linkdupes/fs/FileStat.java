package linkdupes.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/** One stat of a path: identity, size, times and the metadata that linking makes shared. */
public record FileStat(
    long dev, long ino, long size, long mtimeNanos, long ctimeNanos,
    int mode, int uid, int gid, int nlink) {

  private static final String ATTRIBUTES =
      "unix:dev,ino,size,lastModifiedTime,ctime,mode,uid,gid,nlink";
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;

  /** Reads the attributes of {@code path} itself, never following a symlink (lstat). */
  public static FileStat of(Path path) throws IOException {
    if (Jdk.callsAvailable(path)) {
      return Jdk.stat(path, false);
    }
    return of(Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS));
  }

  /** Reads the attributes of what {@code path} leads to, following symlinks (stat). */
  public static FileStat following(Path path) throws IOException {
    if (Jdk.callsAvailable(path)) {
      return Jdk.stat(path, true);
    }
    return of(Files.readAttributes(path, ATTRIBUTES));
  }

  private static FileStat of(Map<String, Object> a) {
    return new FileStat(
        (Long) a.get("dev"),
        (Long) a.get("ino"),
        (Long) a.get("size"),
        nanos((FileTime) a.get("lastModifiedTime")),
        nanos((FileTime) a.get("ctime")),
        (Integer) a.get("mode"),
        (Integer) a.get("uid"),
        (Integer) a.get("gid"),
        (Integer) a.get("nlink"));
  }

  /**
   * The full stat that the JDK read into {@code attributes} (on Linux they are a whole
   * {@code struct stat}), so that no file is stat'ed twice; null when it cannot be read out of
   * them, and the caller stats the file itself.
   */
  public static FileStat of(BasicFileAttributes attributes) {
    return Jdk.stat(attributes);
  }

  /** True when {@code attributes}, as the JDK read them, describe the inode of {@code s}. */
  public static boolean sameInode(BasicFileAttributes attributes, FileStat s) {
    FileStat st = of(attributes);
    if (st != null) {
      return st.sameInode(s);
    }
    // Without the JDK's internals, a file key's numbers are public only in its text, which
    // prints as (dev=HEX,ino=DEC) on Unix.
    Object key = attributes.fileKey();
    return key != null
        && key.toString().equals("(dev=" + Long.toHexString(s.dev) + ",ino=" + s.ino + ")");
  }

  public boolean isRegularFile() {
    return (mode & S_IFMT) == S_IFREG;
  }

  /** Permission bits only (including setuid, setgid, sticky). */
  public int permissions() {
    return mode & 07777;
  }

  /** True when both describe the same inode. */
  public boolean sameInode(FileStat other) {
    return dev == other.dev && ino == other.ino;
  }

  /** True when both describe the same inode with the same size and modification time. */
  public boolean sameContentIdentity(FileStat other) {
    return sameInode(other) && size == other.size && mtimeNanos == other.mtimeNanos;
  }

  /** A file time in nanoseconds since the epoch, as the stat fields are compared. */
  public static long nanos(FileTime t) {
    var i = t.toInstant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
