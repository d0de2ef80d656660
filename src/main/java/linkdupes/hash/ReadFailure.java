package linkdupes.hash;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import linkdupes.base.RunContext;
import linkdupes.fs.ChangedDuringRunException;

/** What a failed read means: a file gone or resized is skipped as changed, else it is an error. */
final class ReadFailure {
  private ReadFailure() {}

  static void report(Path path, IOException e, RunContext run) {
    if (e instanceof ChangedDuringRunException || e instanceof NoSuchFileException) {
      run.changed(path);
    } else {
      run.tally().unreadable.incrementAndGet();
      run.problems().error("cannot read", path, e);
    }
  }
}
