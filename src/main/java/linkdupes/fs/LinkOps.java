package linkdupes.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;

/**
 * The file system calls that change anything, behind one interface so tests can inject
 * failures (a low link limit, a full disk, a refusal, a tree changing under the run). A
 * failure keeps the system's error number where the JDK lets us have it ({@link Failure#of}
 * tells what it means).
 */
public interface LinkOps {

  /** Creates {@code link} as a new name of {@code existing}; fails if {@code link} exists. */
  void createLink(Path link, Path existing) throws IOException;

  /**
   * As {@link #createLink}, with the new name made in the open directory {@code dir}, whatever
   * {@code link}'s path leads to now (a folder on it swapped for a symlink): linkat(2) relative
   * to the directory's descriptor. {@code link} is in {@code dir}; its path names it in errors.
   * By default (a test's operations) through {@link #createLink}.
   */
  default void createLinkIn(SecureDirectoryStream<Path> dir, Path link, Path existing)
      throws IOException {
    createLink(link, existing);
  }

  /** Renames {@code source} over {@code target}, both names in {@code dir}, atomically. */
  void rename(SecureDirectoryStream<Path> dir, Path source, Path target) throws IOException;

  /** Removes the name {@code name} from {@code dir}. */
  void delete(SecureDirectoryStream<Path> dir, Path name) throws IOException;

  /**
   * Shares the blocks of {@code kept} with {@code duplicate}, the walk's {@code expected}
   * inode ({@link Dedupe.Source#share}); a test puts a change of the tree before it.
   */
  default Dedupe.Outcome share(Dedupe.Source kept, Path duplicate, FileStat expected)
      throws IOException {
    return kept.share(duplicate, expected);
  }

  /** The real calls: linkat(2) (or link(2)), renameat(2), unlinkat(2). */
  LinkOps SYSTEM = new LinkOps() {
    @Override
    public void createLink(Path link, Path existing) throws IOException {
      if (Jdk.callsAvailable(link, existing)) {
        Jdk.link(existing, link); // an error keeps its number
      } else {
        Files.createLink(link, existing);
      }
    }

    @Override
    public void createLinkIn(SecureDirectoryStream<Path> dir, Path link, Path existing)
        throws IOException {
      int dfd = Libc.AVAILABLE && PathBytes.available() ? Jdk.directoryFd(dir) : -1;
      if (dfd < 0) {
        createLink(link, existing);
        return;
      }
      byte[] from = PathBytes.bytes(existing.toAbsolutePath());
      byte[] name = PathBytes.bytes(link.getFileName());
      if (Libc.linkat(Libc.AT_FDCWD, java.util.Arrays.copyOf(from, from.length + 1), dfd,
          java.util.Arrays.copyOf(name, name.length + 1), 0) != 0) {
        int errno = Libc.errno();
        String f = link.toString();
        String o = existing.toString();
        throw switch (errno) {
          case Errno.EEXIST -> new java.nio.file.FileAlreadyExistsException(f, o, null);
          case Errno.ENOENT -> new java.nio.file.NoSuchFileException(f, o, null);
          case Errno.EACCES -> new java.nio.file.AccessDeniedException(f, o, null);
          default -> new ErrnoException(errno, f, o, Libc.strerror(errno));
        };
      }
    }

    @Override
    public void rename(SecureDirectoryStream<Path> dir, Path source, Path target)
        throws IOException {
      dir.move(source, dir, target);
    }

    @Override
    public void delete(SecureDirectoryStream<Path> dir, Path name) throws IOException {
      dir.deleteFile(name);
    }
  };
}
