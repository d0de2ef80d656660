package linkdupes.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStatTest {
  @TempDir Path dir;

  @Test
  void readsTheSameStatTheFileSystemGivesWithoutAnotherCall() throws Exception {
    assertTrue(Jdk.statsAvailable(), "the tests open java.base/sun.nio.fs as the jar does");
    Path a = Files.writeString(dir.resolve("a"), "some bytes");
    Files.createLink(dir.resolve("b"), a);
    Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rwxr-x---"));
    Files.setLastModifiedTime(a, FileTime.fromMillis(1_234_567_890_123L));
    BasicFileAttributes attrs =
        Files.readAttributes(a, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    assertEquals(publicStat(a), FileStat.of(attrs));
    assertEquals(publicStat(a), FileStat.of(a));
    assertEquals(2, FileStat.of(attrs).nlink());
    assertEquals(0750, FileStat.of(attrs).permissions());
  }

  /** The stat as the JDK's public API reads it, field by field. */
  private static FileStat publicStat(Path p) throws java.io.IOException {
    Map<String, Object> a = Files.readAttributes(p,
        "unix:dev,ino,size,lastModifiedTime,ctime,mode,uid,gid,nlink", LinkOption.NOFOLLOW_LINKS);
    return new FileStat((Long) a.get("dev"), (Long) a.get("ino"), (Long) a.get("size"),
        FileStat.nanos((FileTime) a.get("lastModifiedTime")),
        FileStat.nanos((FileTime) a.get("ctime")), (Integer) a.get("mode"),
        (Integer) a.get("uid"), (Integer) a.get("gid"), (Integer) a.get("nlink"));
  }

  @Test
  void givesNothingForAttributesOfAnotherKind() throws Exception {
    Path a = Files.writeString(dir.resolve("a"), "x");
    BasicFileAttributes real = Files.readAttributes(a, BasicFileAttributes.class);
    BasicFileAttributes other = new BasicFileAttributes() {
      public FileTime lastModifiedTime() { return real.lastModifiedTime(); }
      public FileTime lastAccessTime() { return real.lastAccessTime(); }
      public FileTime creationTime() { return real.creationTime(); }
      public boolean isRegularFile() { return true; }
      public boolean isDirectory() { return false; }
      public boolean isSymbolicLink() { return false; }
      public boolean isOther() { return false; }
      public long size() { return 1; }
      public Object fileKey() { return null; }
    };
    assertNull(FileStat.of(other));
  }
}
