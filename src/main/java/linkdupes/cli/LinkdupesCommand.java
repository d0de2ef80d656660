package linkdupes.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import linkdupes.Deduplicator;
import linkdupes.cache.RunLock;
import linkdupes.fs.LinkOps;
import linkdupes.report.CsvReport;
import linkdupes.report.Format;
import linkdupes.report.JsonReport;
import linkdupes.base.Problems;
import linkdupes.base.Progress;
import linkdupes.report.ProgressDisplay;
import linkdupes.base.Sizes;
import linkdupes.report.TextReport;
import picocli.CommandLine.Help;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The command line: options in, a run of the {@link Deduplicator}, an exit code out.
 *
 * <p>The picocli model is built by {@link #spec} with picocli's programmatic API rather than
 * from annotations: reading annotations makes the JDK generate a proxy class per annotation
 * type and costs about 0.13 s of every run's start. The same model parses the command line,
 * prints the help and generates the man page and the shell completion.
 */
public final class LinkdupesCommand implements Callable<Integer> {
  private final PrintStream out;
  private final PrintStream err;
  private final LinkOps ops;

  CommandSpec spec;

  // set by parsed() from the spec, which holds the defaults
  List<Path> paths;
  boolean dryRun;
  boolean[] verbose = new boolean[0]; // read by the error handler, whenever it runs
  boolean quiet;
  Format format;
  boolean summaryLine;
  boolean exactBytes;
  long minSize;
  Long maxSize;
  List<String> includes;
  List<String> excludes;
  boolean ignoreMode;
  boolean ignoreOwner;
  boolean respectTime;
  boolean keepOldest;
  boolean keepNewest;
  boolean followSymlinks;
  boolean oneFileSystem;
  int threads;
  Path cache;
  boolean noCache;
  boolean waitForLock;
  Boolean progress;
  Duration minAge;

  /** The model of the command line, whose parsed values {@link #call} reads. */
  static CommandSpec spec(LinkdupesCommand command) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
    command.spec = spec;
    spec.name("linkdupes").versionProvider(new VersionProvider());
    Map<String, String> exitCodes = new LinkedHashMap<>();
    exitCodes.put("0", "done");
    exitCodes.put("1", "some files could not be read or linked (each named on stderr; the "
        + "rest was done)");
    exitCodes.put("2", "bad usage");
    exitCodes.put("3", "another run holds the cache (and --wait was not given); nothing was "
        + "done");
    spec.usageMessage()
        .sortOptions(false)
        .autoWidth(true)
        .description("Finds files with identical content under the given paths and replaces "
            + "the duplicates with hard links to one kept copy. Every name stays and keeps its "
            + "bytes; only the space of the extra copies is freed.")
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(exitCodes);
    spec.addPositional(PositionalParamSpec.builder()
        .paramLabel("PATH").arity("1..*").required(true)
        .type(List.class).auxiliaryTypes(Path.class)
        .initialValue(new ArrayList<Path>())
        .description("Files or directories to deduplicate together.")
        .build());
    flag(spec, "Change nothing; report what would be linked and the space it would free.",
        "-n", "--dry-run");
    spec.addOption(OptionSpec.builder("-v", "--verbose").type(boolean[].class).arity("0")
        .initialValue(new boolean[0])
        .description("List every group (kept name first). Twice (-vv) adds debug logging.")
        .build());
    flag(spec, "Print nothing but errors (a report asked for with --format is still "
        + "written).", "-q", "--quiet");
    spec.addOption(OptionSpec.builder("--format").paramLabel("FORMAT").type(Format.class)
        .converters(new FormatConverter()).defaultValue("text")
        .description("Write the report on stdout as text (default), json or csv. json and csv "
            + "list every group and replace the text report and its summary.")
        .build());
    flag(spec, "Print the summary on one line instead of the table, for a cron mail or a "
        + "log. With -q, print it only when the run had an error.", "--summary");
    flag(spec, "Show sizes in the text report as exact byte counts instead of KiB, MiB, "
        + "GiB.", "--bytes");
    spec.addOption(OptionSpec.builder("-s", "--min-size").paramLabel("SIZE").type(long.class)
        .converters(new SizeConverter()).defaultValue("1")
        .description("Ignore files smaller than SIZE (default: ${DEFAULT-VALUE}; empty files "
            + "are never linked). Accepts 4096, 4k, 10M, 1.5G.")
        .build());
    spec.addOption(OptionSpec.builder("-S", "--max-size").paramLabel("SIZE").type(Long.class)
        .converters(new SizeConverter())
        .description("Ignore files larger than SIZE.")
        .build());
    spec.addOption(OptionSpec.builder("-i", "--include").paramLabel("GLOB")
        .type(List.class).auxiliaryTypes(String.class).initialValue(new ArrayList<String>())
        .description("Only consider files matching GLOB (repeatable). A glob without '/' "
            + "matches the file name; with '/' the path relative to its root.")
        .build());
    spec.addOption(OptionSpec.builder("-x", "--exclude").paramLabel("GLOB")
        .type(List.class).auxiliaryTypes(String.class).initialValue(new ArrayList<String>())
        .description("Skip files and directories matching GLOB (repeatable); an excluded "
            + "directory is not entered.")
        .build());
    flag(spec, "Link files even if their permission bits differ.", "-p", "--ignore-mode");
    flag(spec, "Link files even if their owner or group differ.", "-o", "--ignore-owner");
    flag(spec, "Only link files with equal modification times.", "--respect-time");
    flag(spec, "Keep the copy with the oldest modification time (default).",
        "-O", "--keep-oldest");
    flag(spec, "Keep the copy with the newest modification time.", "--keep-newest");
    flag(spec, "Follow symlinks to files and directories (loops are reported, not "
        + "followed). Off by default: symlinks are never followed nor linked.",
        "--follow-symlinks");
    flag(spec, "Do not descend into other mounted file systems.", "-1", "--one-file-system");
    spec.addOption(OptionSpec.builder("--threads").paramLabel("N").type(int.class)
        .defaultValue("0").showDefaultValue(Help.Visibility.NEVER)
        .description("Read and compare files on N threads (default: 8, or the number of CPUs "
            + "if more: a disk answers faster with several reads in flight), and link on up to 4 "
            + "of them.")
        .build());
    spec.addOption(OptionSpec.builder("--cache").paramLabel("FILE").type(Path.class)
        .description("Keep the digests of files read in FILE, an SQLite database, so later "
            + "runs read only files that changed (default: $XDG_CACHE_HOME/linkdupes/cache.db, "
            + "else ~/.cache/linkdupes/cache.db).")
        .build());
    flag(spec, "Use no cache: read every candidate file.", "--no-cache");
    flag(spec, "If another run holds the cache, wait for it to finish (default: exit at "
        + "once with code 3).", "--wait");
    spec.addOption(OptionSpec.builder("--progress").type(Boolean.class).negatable(true)
        .description("Show progress on stderr (default: only when stderr is a terminal, and "
            + "not with -q or --format json/csv); --no-progress never shows it.")
        .build());
    spec.addOption(OptionSpec.builder("--min-age").paramLabel("DURATION").type(Duration.class)
        .converters(new DurationConverter())
        .description("Leave alone files modified less than DURATION ago, such as a download "
            + "still being written: 90s, 10m, 2h, 1d.")
        .build());
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
        .description("Show this help message and exit.").build());
    spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
        .description("Print version information and exit.").build());
    return spec;
  }

  private static void flag(CommandSpec spec, String description, String... names) {
    spec.addOption(OptionSpec.builder(names).type(boolean.class).initialValue(false)
        .description(description).build());
  }

  /** Takes the values the command line was parsed into. */
  @SuppressWarnings("unchecked")
  private void parsed() {
    paths = (List<Path>) spec.positionalParameters().get(0).getValue();
    dryRun = value("--dry-run");
    verbose = value("--verbose");
    quiet = value("--quiet");
    format = value("--format");
    summaryLine = value("--summary");
    exactBytes = value("--bytes");
    minSize = value("--min-size");
    maxSize = value("--max-size");
    includes = value("--include");
    excludes = value("--exclude");
    ignoreMode = value("--ignore-mode");
    ignoreOwner = value("--ignore-owner");
    respectTime = value("--respect-time");
    keepOldest = value("--keep-oldest");
    keepNewest = value("--keep-newest");
    followSymlinks = value("--follow-symlinks");
    oneFileSystem = value("--one-file-system");
    threads = value("--threads");
    cache = value("--cache");
    noCache = value("--no-cache");
    waitForLock = value("--wait");
    progress = value("--progress");
    Duration age = value("--min-age");
    minAge = age == null ? Duration.ZERO : age;
  }

  private <T> T value(String option) {
    return spec.findOption(option).getValue();
  }

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
    parsed();
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
      try (Progress shownProgress = ProgressDisplay.on(err, shown)) {
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
