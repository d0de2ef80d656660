package linkdupes.pipeline;

import java.nio.file.Path;
import java.util.List;
import linkdupes.plan.Method;
import linkdupes.plan.Policy;
import linkdupes.scan.WalkSettings;

/**
 * Everything a run was asked to do, built from the command line in one place
 * ({@code cli.OptionTable}): the roots, whether to change anything, how many threads read,
 * and the settings of each part of the run.
 *
 * @param walk what the walk follows, skips and takes as candidates
 * @param policy which metadata must be equal to link, and which copy is kept
 * @param method hard links, clones, or each where it can be made
 * @param maxLinks the most names one file may be given, 0 for no limit but the file system's
 * @param cache the hash cache and the journal
 * @param report what is shown, and how
 * @param commandLine the arguments as given, for the journal's record of the run
 * @param htmlReport the HTML page to write the report to as well, or null
 */
public record Options(List<Path> roots, boolean dryRun, int threads, WalkSettings walk,
    Policy policy, Method method, int maxLinks, Cache cache, Report report,
    String commandLine, Path htmlReport) {

  /**
   * The hash cache's file, or null for none; whether to wait for another run that holds it;
   * the journal's file, or null for none.
   */
  public record Cache(Path file, boolean waitForLock, Path journal) {}

  /**
   * What is shown: the report's format; with -v (1) every group, with -vv (2) the debug log
   * too; -q (nothing but errors); the summary on one line; sizes as exact byte counts; and
   * the progress display: on or off when asked, else null (when stderr is a terminal).
   */
  public record Report(Format format, int verbosity, boolean quiet, boolean summaryLine,
      boolean exactBytes, Boolean progress) {}

  /**
   * Threads that read and compare files: at least 8, since reading from a disk (a cold cache)
   * gains from several reads in flight even on 2 cores, while a warm cache loses nothing
   * measurable by it.
   */
  public static int defaultThreads() {
    return Math.max(8, Runtime.getRuntime().availableProcessors());
  }

  /** Every group gets its SHA-256 for a report that shows it (JSON, CSV), even without a cache. */
  public boolean digests() {
    return report.format() != Format.TEXT;
  }
}
