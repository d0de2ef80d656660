package linkdupes.base;

import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * What every stage of one run reports to: problems (errors and warnings, one line each),
 * the tally of files skipped and bytes read, the progress display, and with {@code debug}
 * (-vv) the debug log. Made once per run and passed to each stage.
 */
public record RunContext(Problems problems, Tally tally, Progress progress, boolean debug) {

  /** A context with no progress display and no debug log. */
  public RunContext(Problems problems, Tally tally) {
    this(problems, tally, Progress.NONE, false);
  }

  /** Counts a file left alone because it changed during the run, and says so. */
  public void changed(Path path) {
    tally.changed.incrementAndGet();
    problems.warning("skipping " + Paths.display(path) + ": changed during the run");
  }

  /**
   * A line of the debug log, with {@code debug} only: the logging framework is started only
   * then, since starting it costs a run about 20 ms.
   */
  public void debug(Class<?> where, String format, Object... args) {
    if (debug) {
      LoggerFactory.getLogger(where).debug(format, args);
    }
  }
}
