package linkdupes.base;

import java.nio.file.Path;

/**
 * What every stage of one run reports to: problems (errors and warnings, one line each), the
 * tally of files skipped and bytes read, and the progress display. Made once per run and
 * passed to each stage.
 */
public record RunContext(Problems problems, Tally tally, Progress progress) {

  /** A context with no progress display. */
  public RunContext(Problems problems, Tally tally) {
    this(problems, tally, Progress.NONE);
  }

  /** Counts a file left alone because it changed during the run, and says so. */
  public void changed(Path path) {
    tally.changed.incrementAndGet();
    problems.warning("skipping " + Paths.display(path) + ": changed during the run");
  }
}
