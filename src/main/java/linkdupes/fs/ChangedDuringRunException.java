package linkdupes.fs;

import java.io.IOException;

/**
 * A file is no longer what the walk saw: another inode under its name, or another size, time
 * or change time, found when it was opened or after it was read. Its bytes are not used.
 */
public final class ChangedDuringRunException extends IOException {
  private static final long serialVersionUID = 1L;

  public ChangedDuringRunException(String message) {
    super(message);
  }
}
