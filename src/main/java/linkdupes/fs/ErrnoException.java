package linkdupes.fs;

import java.nio.file.FileSystemException;

/**
 * A system call failed with the error number {@link #errno()}. The reason shown is the
 * system's own words for it, in the user's language; only the number is ever compared.
 */
public final class ErrnoException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  private final int errno;

  public ErrnoException(int errno, String file, String other, String reason) {
    super(file, other, reason);
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }
}
