package linkdupes.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import linkdupes.Deduplicator;
import linkdupes.cache.RunLock;
import linkdupes.link.LinkOps;
import linkdupes.report.CsvReport;
import linkdupes.report.Format;
import linkdupes.report.JsonReport;
import linkdupes.report.Problems;
import linkdupes.report.Progress;
import linkdupes.report.Sizes;
import linkdupes.report.TextReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** The command line: options in, a run of the {@link Deduplicator}, an exit code out. */
@Command(
    name = "linkdupes",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Finds files with identical content under the given paths and replaces the duplicates "
          + "with hard links to one kept copy. Every name stays and keeps its bytes; only the "
          + "space of the extra copies is freed.",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:some files could not be read or linked (each named on stderr; the rest was done)",
      "2:bad usage",
      "3:another run holds the cache (and --wait was not given); nothing was done",
    })
public final class LinkdupesCommand implements Callable<Integer> {
  private final PrintStream out;
  private final PrintStream err;
  private final LinkOps ops;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PATH", arity = "1..*",
      description = "Files or directories to deduplicate together.")
  List<Path> paths = new ArrayList<>();

  @Option(names = {"-n", "--dry-run"},
      description = "Change nothing; report what would be linked and the space it would free.")
  boolean dryRun;

  @Option(names = {"-v", "--verbose"},
      description = "List every group (kept name first). Twice (-vv) adds debug logging.")
  boolean[] verbose = new boolean[0];

  @Option(names = {"-q", "--quiet"},
      description = "Print nothing but errors (a report asked for with --format is still "
          + "written).")
  boolean quiet;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      converter = FormatConverter.class,
      description = "Write the report on stdout as text (default), json or csv. json and csv "
          + "list every group and replace the text report and its summary.")
  Format format;

  @Option(names = "--summary",
      description = "Print the summary on one line instead of the table, for a cron mail or a "
          + "log. With -q, print it only when the run had an error.")
  boolean summaryLine;

  @Option(names = "--bytes",
      description = "Show sizes in the text report as exact byte counts instead of KiB, MiB, "
          + "GiB.")
  boolean exactBytes;

  @Option(names = {"-s", "--min-size"}, paramLabel = "SIZE", defaultValue = "1",
      converter = SizeConverter.class,
      description = "Ignore files smaller than SIZE (default: ${DEFAULT-VALUE}; empty files "
          + "are never linked). Accepts 4096, 4k, 10M, 1.5G.")
  long minSize;

  @Option(names = {"-S", "--max-size"}, paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Ignore files larger than SIZE.")
  Long maxSize;

  @Option(names = {"-i", "--include"}, paramLabel = "GLOB",
      description = "Only consider files matching GLOB (repeatable). A glob without '/' "
          + "matches the file name; with '/' the path relative to its root.")
  List<String> includes = new ArrayList<>();

  @Option(names = {"-x", "--exclude"}, paramLabel = "GLOB",
      description = "Skip files and directories matching GLOB (repeatable); an excluded "
          + "directory is not entered.")
  List<String> excludes = new ArrayList<>();

  @Option(names = {"-p", "--ignore-mode"},
      description = "Link files even if their permission bits differ.")
  boolean ignoreMode;

  @Option(names = {"-o", "--ignore-owner"},
      description = "Link files even if their owner or group differ.")
  boolean ignoreOwner;

  @Option(names = "--respect-time",
      description = "Only link files with equal modification times.")
  boolean respectTime;

  @Option(names = {"-O", "--keep-oldest"},
      description = "Keep the copy with the oldest modification time (default).")
  boolean keepOldest;

  @Option(names = "--keep-newest",
      description = "Keep the copy with the newest modification time.")
  boolean keepNewest;

  @Option(names = "--follow-symlinks",
      description = "Follow symlinks to files and directories (loops are reported, not "
          + "followed). Off by default: symlinks are never followed nor linked.")
  boolean followSymlinks;

  @Option(names = {"-1", "--one-file-system"},
      description = "Do not descend into other mounted file systems.")
  boolean oneFileSystem;

  @Option(names = "--threads", paramLabel = "N",
      description = "Read and compare files on N threads (default: 8, or the number of CPUs "
          + "if more: a disk answers faster with several reads in flight).",
      defaultValue = "0", showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER)
  int threads;

  @Option(names = "--cache", paramLabel = "FILE",
      description = "Keep the digests of files read in FILE, an SQLite database, so later "
          + "runs read only files that changed (default: $XDG_CACHE_HOME/linkdupes/cache.db, "
          + "else ~/.cache/linkdupes/cache.db).")
  Path cache;

  @Option(names = "--no-cache", description = "Use no cache: read every candidate file.")
  boolean noCache;

  @Option(names = "--wait",
      description = "If another run holds the cache, wait for it to finish (default: exit at "
          + "once with code 3).")
  boolean waitForLock;

  @Option(names = "--progress", negatable = true,
      description = "Show progress on stderr (default: only when stderr is a terminal, and "
          + "not with -q or --format json/csv); --no-progress never shows it.")
  Boolean progress;

  @Option(names = "--min-age", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Leave alone files modified less than DURATION ago, such as a download "
          + "still being written: 90s, 10m, 2h, 1d.")
  Duration minAge = Duration.ZERO;

  public LinkdupesCommand(PrintStream out, PrintStream err, LinkOps ops) {
    this.out = out;
    this.err = err;
    this.ops = ops;
  }

  /** Converts sizes such as {@code 4k} and {@code 1.5G}. */
  static final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return Sizes.parse(value);
    }
  }

  /** Converts durations such as {@code 10m} and {@code 1d}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Converts {@code text}, {@code json}, {@code csv}. */
  static final class FormatConverter implements ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      try {
        return Format.of(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** The cache's default file: under $XDG_CACHE_HOME when it is set, else ~/.cache. */
  static Path defaultCache(Map<String, String> env) {
    String xdg = env.get("XDG_CACHE_HOME");
    Path base = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg)
        : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache");
    return base.resolve("linkdupes").resolve("cache.db");
  }

  Options options() {
    if (keepOldest && keepNewest) {
      throw new ParameterException(spec.commandLine(),
          "--keep-oldest and --keep-newest cannot be used together");
    }
    if (quiet && verbose.length > 0) {
      throw new ParameterException(spec.commandLine(),
          "--quiet and --verbose cannot be used together");
    }
    if (summaryLine && format != Format.TEXT) {
      throw new ParameterException(spec.commandLine(),
          "--summary and --format " + format.word() + " cannot be used together");
    }
    long max = maxSize == null ? Long.MAX_VALUE : maxSize;
    if (max < minSize) {
      throw new ParameterException(spec.commandLine(),
          "--max-size (" + max + ") is smaller than --min-size (" + minSize + ")");
    }
    if (threads < 0) {
      throw new ParameterException(spec.commandLine(), "--threads must be at least 1");
    }
    if (noCache && cache != null) {
      throw new ParameterException(spec.commandLine(),
          "--cache and --no-cache cannot be used together");
    }
    int n = threads == 0 ? Options.defaultThreads() : threads;
    Path cacheFile = noCache ? null : cache != null ? cache : defaultCache(System.getenv());
    return new Options(List.copyOf(paths), dryRun, verbose.length, quiet, Math.max(1, minSize),
        max, List.copyOf(includes), List.copyOf(excludes), ignoreMode, ignoreOwner, respectTime,
        keepNewest, followSymlinks, oneFileSystem, n, cacheFile, waitForLock, minAge,
        format != Format.TEXT);
  }

  @Override
  public Integer call() throws Exception {
    Options options = options();
    if (options.verbosity() > 1) {
      // read by slf4j-simple when the first logger is made, which is after this point
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
    }
    Problems problems = new Problems(err, options.quiet());
    Deduplicator.Result result;
    try {
      Boolean shown = progress != null ? progress
          : options.quiet() || format != Format.TEXT ? Boolean.FALSE : null;
      try (Progress shownProgress = Progress.on(err, shown)) {
        // closed here too, so that no display outlives a run that ends early
        result = new Deduplicator(options, ops, problems, shownProgress).run();
      }
    } catch (RunLock.HeldException e) {
      err.println("linkdupes: " + e.getMessage());
      err.flush();
      return ExitCode.LOCKED;
    }
    report(options, result, problems.errorCount());
    if (format != Format.TEXT && out.checkError()) {
      // a truncated document must not look complete to the program that reads it (a full
      // disk); text is left alone, so that `| head` or quitting a pager is no error
      problems.error("cannot write the report to standard output");
    }
    return problems.errorCount() > 0 ? ExitCode.SOME_FAILED : ExitCode.OK;
  }

  /** The report asked for; with -q, none in text unless --summary and the run had an error. */
  private void report(Options options, Deduplicator.Result result, int errors)
      throws IOException {
    switch (format) {
      case JSON -> new JsonReport(out).write(result.summary(), result.groups(), errors);
      case CSV -> new CsvReport(out).write(result.groups());
      case TEXT -> {
        TextReport text = new TextReport(out, options.verbosity(), exactBytes, options.roots());
        if (summaryLine && (!options.quiet() || errors > 0)) {
          text.printBrief(result.summary(), result.groups(), errors);
        } else if (!options.quiet()) {
          text.print(result.summary(), result.groups());
        }
      }
    }
  }
}
