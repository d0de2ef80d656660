package linkdupes.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import linkdupes.plan.Policy;
import linkdupes.scan.WalkSettings;

/**
 * Everything a run was asked to do, as parsed from the command line. {@code cache} is the hash
 * cache's file, or null for none; {@code digests}: every group gets its SHA-256 (for a report
 * that shows it), even without a cache.
 */
public record Options(
    List<Path> roots, boolean dryRun, int verbosity, boolean quiet, long minSize, long maxSize,
    List<String> includes, List<String> excludes, boolean ignoreMode, boolean ignoreOwner,
    boolean respectTime, boolean keepNewest, boolean followSymlinks, boolean oneFileSystem,
    int threads, Path cache, boolean waitForLock, Duration minAge, boolean digests) {

  /** Defaults as on the command line, for the given roots. */
  public static Options defaults(List<Path> roots) {
    return new Options(roots, false, 0, false, 1, Long.MAX_VALUE, List.of(), List.of(),
        false, false, false, false, false, false, defaultThreads(), null, false, Duration.ZERO,
        false);
  }

  /**
   * Threads that read and compare files: at least 8, since reading from a disk (a cold cache)
   * gains from several reads in flight even on 2 cores, while a warm cache loses nothing
   * measurable by it.
   */
  public static int defaultThreads() {
    return Math.max(8, Runtime.getRuntime().availableProcessors());
  }

  public WalkSettings walkSettings() {
    return new WalkSettings(followSymlinks, oneFileSystem, includes, excludes, minSize, maxSize,
        minAge);
  }

  public Policy policy() {
    return new Policy(ignoreMode, ignoreOwner, respectTime, keepNewest);
  }
}
