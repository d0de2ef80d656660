package linkdupes.hash;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import linkdupes.base.Paths;
import linkdupes.base.Problems;
import linkdupes.base.Tally;

/** What a failed read means: a file gone or resized is skipped as changed, else it is an error. */
final class ReadFailure {
  private ReadFailure() {}

  static void report(Path path, IOException e, Problems problems, Tally tally) {
    if (e instanceof ChangedDuringRunException || e instanceof NoSuchFileException) {
      tally.changed.incrementAndGet();
      problems.warning("skipping " + Paths.display(path) + ": changed during the run");
    } else {
      tally.unreadable.incrementAndGet();
      problems.error("cannot read", path, e);
    }
  }
}
