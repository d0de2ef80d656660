package linkdupes.hash;

import java.io.IOException;

/** A file no longer has the size it had when scanned. */
final class ChangedDuringRunException extends IOException {
  private static final long serialVersionUID = 1L;

  ChangedDuringRunException(String message) {
    super(message);
  }
}
