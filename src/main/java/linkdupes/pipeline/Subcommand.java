package linkdupes.pipeline;

import java.nio.file.Path;
import java.util.List;

/**
 * What a subcommand of the command line asks ({@code linkdupes journal}, {@code undo},
 * {@code split}), built in one place from the command line as {@link Options} is.
 */
public sealed interface Subcommand {
  /** The journal's file. */
  Path journal();

  Options.Report report();

  /** {@code linkdupes journal [RUN]}: the runs, or one run's names ({@code run} &gt; 0). */
  record ListJournal(Path journal, long run, Options.Report report) implements Subcommand {}

  /** {@code linkdupes undo RUN}: gives every name the run linked its own copy again. */
  record Undo(Path journal, long run, boolean dryRun, Options.Report report,
      String commandLine) implements Subcommand {}

  /**
   * {@code linkdupes split PATH...}: gives the named files (with {@code recursive}, every file
   * under named folders) their own copy; {@code journal} null keeps no record.
   */
  record Split(Path journal, List<Path> paths, boolean recursive, boolean dryRun,
      Options.Report report, String commandLine) implements Subcommand {}

  /**
   * {@code linkdupes names FILE...}: every name of each file under {@code in} (none given: its
   * file system, or the roots of a journaled run that linked it); {@code cache} and the
   * journal are asked first.
   */
  record Names(Path journal, Path cache, List<Path> files, List<Path> in,
      Options.Report report) implements Subcommand {}
}
