package linkdupes.base;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where errors and warnings go: one line each on the error stream, naming the action, the path
 * and the operating system's reason. Errors make the run's exit code 1; warnings do not.
 */
public final class Problems {
  private final PrintStream err;
  private final boolean quiet;
  private final AtomicInteger errors = new AtomicInteger();

  public Problems(PrintStream err, boolean quiet) {
    this.err = err;
    this.quiet = quiet;
  }

  /** An action on a path failed: the run goes on and ends with exit code 1. */
  public void error(String action, Path path, IOException e) {
    error(action + " " + Paths.display(path) + ": " + reason(e));
  }

  public void error(String message) {
    errors.incrementAndGet();
    synchronized (err) {
      err.println("linkdupes: " + message);
      err.flush();
    }
  }

  /** Something the user should know that is not a failure; silent with {@code -q}. */
  public void warning(String message) {
    if (quiet) {
      return;
    }
    synchronized (err) {
      err.println("linkdupes: " + message);
      err.flush();
    }
  }

  public int errorCount() {
    return errors.get();
  }

  /** The operating system's words for a failure, without the path Java repeats in messages. */
  public static String reason(IOException e) {
    if (e instanceof FileSystemException fse) {
      if (fse.getReason() != null) {
        return fse.getReason();
      }
      if (e instanceof AccessDeniedException) {
        return "Permission denied";
      }
      if (e instanceof NoSuchFileException) {
        return "No such file or directory";
      }
      if (e instanceof FileAlreadyExistsException) {
        return "File exists";
      }
      if (e instanceof NotDirectoryException) {
        return "Not a directory";
      }
      if (e instanceof DirectoryNotEmptyException) {
        return "Directory not empty";
      }
      if (e instanceof FileSystemLoopException) {
        return "Symbolic link loop";
      }
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
