package linkdupes.scan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/** One lstat of a path: identity, size, times and the metadata that linking makes shared. */
public record FileStat(
    long dev, long ino, long size, long mtimeNanos, long ctimeNanos,
    int mode, int uid, int gid, int nlink) {

  private static final String ATTRIBUTES =
      "unix:dev,ino,size,lastModifiedTime,ctime,mode,uid,gid,nlink";
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;

  /** Reads the attributes of {@code path} itself, never following a symlink. */
  public static FileStat of(Path path) throws IOException {
    Map<String, Object> a = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
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

  public boolean isRegularFile() {
    return (mode & S_IFMT) == S_IFREG;
  }

  /** Permission bits only (including setuid, setgid, sticky). */
  public int permissions() {
    return mode & 07777;
  }

  /** True when both describe the same inode with the same size and modification time. */
  public boolean sameContentIdentity(FileStat other) {
    return dev == other.dev && ino == other.ino && size == other.size
        && mtimeNanos == other.mtimeNanos;
  }

  /** A file time in nanoseconds since the epoch, as the stat fields are compared. */
  public static long nanos(FileTime t) {
    var i = t.toInstant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
