package linkdupes.fs;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What a failed call on the file system means for a run, told by the error's number (an
 * {@link ErrnoException}) or by the JDK's own class for it, never by its message.
 */
public enum Failure {
  /** EMLINK: the file has as many names as its file system allows. */
  TOO_MANY_LINKS,
  /**
   * EPERM, EOPNOTSUPP, EROFS, EXDEV: the file system, the mount or the file takes no new link
   * here, so every name of a group would fail the same way.
   */
  LINKS_REFUSED,
  /** ENOENT, ENOTDIR, ELOOP: the name, or a folder on its way, is not what it was. */
  GONE,
  /** Anything else: an error to report. */
  OTHER;

  /** The meaning of {@code e}. */
  public static Failure of(IOException e) {
    if (e instanceof NoSuchFileException || e instanceof NotDirectoryException
        || e instanceof FileSystemLoopException) {
      return GONE;
    }
    if (!(e instanceof ErrnoException x)) {
      return OTHER;
    }
    return switch (x.errno()) {
      case Errno.EMLINK -> TOO_MANY_LINKS;
      case Errno.EPERM, Errno.EOPNOTSUPP, Errno.EROFS, Errno.EXDEV -> LINKS_REFUSED;
      case Errno.ENOENT, Errno.ENOTDIR, Errno.ELOOP -> GONE;
      default -> OTHER;
    };
  }
}
