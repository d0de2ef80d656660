package linkdupes.link;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import linkdupes.fs.FileStat;

/**
 * An open directory reached from {@code /} without following any symlink. Names inside it are
 * looked up and renamed relative to the open directory (fstatat, renameat), so a path component
 * swapped for a symlink after it was opened cannot redirect them.
 */
final class Directory implements Closeable {
  private final Path path;
  private final SecureDirectoryStream<Path> stream;

  Directory(Path path, SecureDirectoryStream<Path> stream) {
    this.path = path;
    this.stream = stream;
  }

  Path path() {
    return path;
  }

  SecureDirectoryStream<Path> stream() {
    return stream;
  }

  /** Attributes of a name in this directory, without following it if it is a symlink. */
  PosixFileAttributes attributes(Path name) throws IOException {
    return stream.getFileAttributeView(name, PosixFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS).readAttributes();
  }

  /** True when the name is a regular file and the very inode, size and time described. */
  boolean holds(Path name, FileStat expected) throws IOException {
    PosixFileAttributes a = attributes(name);
    return a.isRegularFile() && FileStat.sameInode(a, expected) && a.size() == expected.size()
        && FileStat.nanos(a.lastModifiedTime()) == expected.mtimeNanos();
  }

  /** True when {@code dirPath}, resolved now by the kernel, still leads to this directory. */
  boolean isReachedBy(Path dirPath) throws IOException {
    BasicFileAttributes self = stream.getFileAttributeView(BasicFileAttributeView.class)
        .readAttributes();
    return FileStat.sameInode(self, FileStat.following(dirPath));
  }

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
