package linkdupes.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import linkdupes.base.Sizes;
import linkdupes.journal.Journal;
import linkdupes.pipeline.Format;
import linkdupes.pipeline.Options;
import linkdupes.plan.Method;
import linkdupes.plan.Policy;
import linkdupes.scan.PathFilter;
import linkdupes.scan.WalkSettings;
import picocli.CommandLine.Help;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The command line, each option declared once: names, value type and converter, default and
 * description. The table is picocli's model, which parses the command line and prints the
 * help, and from which the build makes the man page and the completion; {@link #options()}
 * reads what was parsed through the typed fields below, never by an option's name.
 *
 * <p>The model is built with picocli's programmatic API rather than from annotations: reading
 * annotations makes the JDK generate a proxy class per annotation type. The launcher's run over
 * an empty folder took 61 ms longer with the same options read from annotations (46 ms with
 * the default cache; medians of 40 and 30 runs, alternating builds). A table holds the values
 * of one parse: make a new one per command line.
 */
final class OptionTable {
  /** An option of the table, and its value as parsed. */
  static final class Option<T> {
    final OptionSpec spec;

    Option(OptionSpec spec) {
      this.spec = spec;
    }

    @SuppressWarnings("unchecked")
    T value() {
      return (T) spec.getValue();
    }
  }

  final CommandSpec spec = CommandSpec.create();

  // not required of picocli, which would then ask it of a subcommand's command line too
  final PositionalParamSpec paths = positional(PositionalParamSpec.builder()
      .paramLabel("PATH").arity("0..*").required(false)
      .type(List.class).auxiliaryTypes(Path.class)
      .initialValue(new ArrayList<Path>())
      .description("Files or directories to deduplicate together."));
  final Option<Boolean> dryRun = flag(
      "Change nothing; report what would be linked and the space it would free.",
      "-n", "--dry-run");
  final Option<boolean[]> verbose = add(OptionSpec.builder("-v", "--verbose")
      .type(boolean[].class).arity("0").initialValue(new boolean[0])
      .description("List every group (kept name first). Twice (-vv) adds debug logging."));
  final Option<Boolean> quiet = flag("Print nothing but errors (a report asked for with "
      + "--format is still written).", "-q", "--quiet");
  final Option<Format> format = add(OptionSpec.builder("--format").paramLabel("FORMAT")
      .type(Format.class).converters(new FormatConverter()).defaultValue("text")
      .completionCandidates(List.of("text", "json", "csv")) // not the constants' names
      .description("Write the report on stdout as text (default), json or csv. json and csv "
          + "list every group and replace the text report and its summary."));
  final Option<Boolean> summaryLine = flag("Print the summary on one line instead of the "
      + "table, for a cron mail or a log. With -q, print it only when the run had an error.",
      "--summary");
  final Option<Boolean> exactBytes = flag("Show sizes in the text report as exact byte counts "
      + "instead of KiB, MiB, GiB.", "--bytes");
  final Option<Path> htmlReport = add(OptionSpec.builder("--report").paramLabel("FILE")
      .type(Path.class).description("Also write the report as one HTML page to FILE, to open "
          + "in a browser: the summary, savings by folder, the folders that repeat each other, "
          + "every group with a picture of its images, and a filter by path."));
  final Option<Long> minSize = add(OptionSpec.builder("-s", "--min-size").paramLabel("SIZE")
      .type(long.class).converters(new SizeConverter()).defaultValue("1")
      .description("Ignore files smaller than SIZE (default: ${DEFAULT-VALUE}; empty files "
          + "are never linked). Accepts 4096, 4k, 10M, 1.5G."));
  final Option<Long> maxSize = add(OptionSpec.builder("-S", "--max-size").paramLabel("SIZE")
      .type(Long.class).converters(new SizeConverter())
      .description("Ignore files larger than SIZE."));
  final Option<List<String>> includes = add(OptionSpec.builder("-i", "--include")
      .paramLabel("GLOB").type(List.class).auxiliaryTypes(String.class)
      .initialValue(new ArrayList<String>())
      .description("Only consider files matching GLOB (repeatable). A glob without '/' "
          + "matches the file name; with '/' the path relative to its root."));
  final Option<List<String>> excludes = add(OptionSpec.builder("-x", "--exclude")
      .paramLabel("GLOB").type(List.class).auxiliaryTypes(String.class)
      .initialValue(new ArrayList<String>())
      .description("Skip files and directories matching GLOB (repeatable); an excluded "
          + "directory is not entered."));
  final Option<Method> method = add(OptionSpec.builder("--method").paramLabel("METHOD")
      .type(Method.class).converters(new MethodConverter()).defaultValue("hardlink")
      .completionCandidates(List.of("hardlink", "clone", "auto"))
      .description("hardlink (default): make duplicates hard links to one kept copy. clone: "
          + "keep every file its own (names, permissions, owner, times) and let duplicates "
          + "share the kept copy's blocks, on file systems with copy-on-write extents (btrfs, "
          + "XFS with reflinks); the kernel compares the bytes itself. With clone, the options "
          + "on metadata below do not apply. auto: clone where the file system can, hard-link "
          + "elsewhere."));
  final Option<Boolean> ignoreMode = flag("Link files even if their permission bits differ.",
      "-p", "--ignore-mode");
  final Option<Boolean> ignoreOwner = flag("Link files even if their owner or group differ.",
      "-o", "--ignore-owner");
  final Option<Boolean> ignoreXattrs = flag("Link files even if their extended attributes "
      + "differ (access lists, file capabilities, security labels, user attributes).",
      "--ignore-xattrs");
  final Option<Boolean> ignoreFolderAccess = flag("Link files even if the folders above them "
      + "let different users through to them.", "--ignore-folder-access");
  final Option<Boolean> respectTime = flag("Only link files with equal modification times.",
      "--respect-time");
  final Option<Boolean> keepOldest = flag("Keep the copy with the oldest modification time "
      + "(default).", "-O", "--keep-oldest");
  final Option<Boolean> keepNewest = flag("Keep the copy with the newest modification time.",
      "--keep-newest");
  final Option<Boolean> followSymlinks = flag("Follow symlinks to files and directories (loops "
      + "are reported, not followed). Off by default: symlinks are never followed nor linked.",
      "--follow-symlinks");
  final Option<Boolean> oneFileSystem = flag("Do not descend into other mounted file systems.",
      "-1", "--one-file-system");
  final Option<Integer> threads = add(OptionSpec.builder("--threads").paramLabel("N")
      .type(int.class).defaultValue("0").showDefaultValue(Help.Visibility.NEVER)
      .description("Read and compare files on N threads (default: 8, or the number of CPUs "
          + "if more: a disk answers faster with several reads in flight), and link on up to 4 "
          + "of them."));
  final Option<Path> cache = add(OptionSpec.builder("--cache").paramLabel("FILE")
      .type(Path.class)
      .description("Keep the digests of files read in FILE, an SQLite database, so later "
          + "runs read only files that changed (default: $XDG_CACHE_HOME/linkdupes/cache.db, "
          + "else ~/.cache/linkdupes/cache.db)."));
  final Option<Boolean> noCache = flag("Use no cache: read every candidate file.",
      "--no-cache");
  final Option<Path> journal = add(OptionSpec.builder("--journal").paramLabel("FILE")
      .type(Path.class)
      .description("Record every name replaced, and what it was, in FILE, an SQLite "
          + "database, so that 'linkdupes undo' can take a run back (default: journal.db "
          + "beside the cache)."));
  final Option<Boolean> noJournal = flag("Keep no journal: the run cannot be undone.",
      "--no-journal");
  final Option<Integer> maxLinks = add(OptionSpec.builder("--max-links").paramLabel("N")
      .type(int.class).defaultValue("0").showDefaultValue(Help.Visibility.NEVER)
      .description("Give no file more than N names (a file system's own limit still holds): "
          + "for shares whose servers allow few links, and trees that need links to spare."));
  final Option<Boolean> waitForLock = flag("If another run holds the cache, wait for it to "
      + "finish (default: exit at once with code 3).", "--wait");
  final Option<Boolean> progress = add(OptionSpec.builder("--progress").type(Boolean.class)
      .negatable(true)
      .description("Show progress on stderr (default: only when stderr is a terminal, and "
          + "not with -q or --format json/csv); --no-progress never shows it."));
  final Option<Duration> minAge = add(OptionSpec.builder("--min-age").paramLabel("DURATION")
      .type(Duration.class).converters(new DurationConverter())
      .description("Leave alone files modified less than DURATION ago, such as a download "
          + "still being written: 90s, 10m, 2h, 1d."));

  OptionTable() {
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
            + "the duplicates with hard links to one kept copy, or with --method clone lets "
            + "them share its blocks, each file keeping its own metadata. Every name stays and "
            + "keeps its bytes; only the space of the extra copies is freed.")
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(exitCodes);
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
        .description("Show this help message and exit.").build());
    spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
        .description("Print version information and exit.").build());
    spec.addSubcommand("journal", subcommands.journal);
    spec.addSubcommand("undo", subcommands.undo);
    spec.addSubcommand("split", subcommands.split);
    spec.addSubcommand("names", subcommands.names);
    spec.usageMessage().footerHeading("%n").footer("A folder named journal, undo, split or "
        + "names is "
        + "given as a path, ./split, so it is not taken for the command.");
  }

  final SubcommandTable subcommands = new SubcommandTable();

  private PositionalParamSpec positional(PositionalParamSpec.Builder builder) {
    PositionalParamSpec p = builder.build();
    spec.addPositional(p);
    return p;
  }

  private <T> Option<T> add(OptionSpec.Builder builder) {
    OptionSpec o = builder.build();
    spec.addOption(o);
    return new Option<>(o);
  }

  private Option<Boolean> flag(String description, String... names) {
    return add(OptionSpec.builder(names).type(boolean.class).initialValue(false)
        .description(description));
  }

  // Converters are classes, not lambdas: picocli's classes are of Java 5, which the class-data
  // archive cannot hold, and JDK 17 crashes writing the archive of a lambda that implements
  // one of their interfaces.

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

  /** Converts {@code hardlink}, {@code clone}, {@code auto}. */
  static final class MethodConverter implements ITypeConverter<Method> {
    @Override
    public Method convert(String value) {
      try {
        return Method.of(value);
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

  /** What was parsed, checked for options that contradict each other. */
  Options options(List<String> args) {
    if (((List<?>) paths.getValue()).isEmpty()) {
      throw new MissingParameterException(spec.commandLine(), paths,
          "Missing required parameter: 'PATH'");
    }
    check(!(keepOldest.value() && keepNewest.value()),
        "--keep-oldest and --keep-newest cannot be used together");
    check(!(quiet.value() && verbose.value().length > 0),
        "--quiet and --verbose cannot be used together");
    check(!summaryLine.value() || format.value() == Format.TEXT,
        "--summary and --format " + format.value().word() + " cannot be used together");
    long max = maxSize.value() == null ? Long.MAX_VALUE : maxSize.value();
    check(max >= minSize.value(),
        "--max-size (" + max + ") is smaller than --min-size (" + minSize.value() + ")");
    check(threads.value() >= 0, "--threads must be at least 1");
    check(!(noCache.value() && cache.value() != null),
        "--cache and --no-cache cannot be used together");
    for (String glob : includes.value()) {
      String problem = PathFilter.problem(glob);
      check(problem == null, "invalid glob for --include: '" + glob + "': " + problem);
    }
    for (String glob : excludes.value()) {
      String problem = PathFilter.problem(glob);
      check(problem == null, "invalid glob for --exclude: '" + glob + "': " + problem);
    }
    // an age reaching back before 1970 overflowed the cut-off and disabled the filter
    check(minAge.value() == null || minAge.value().compareTo(
        Duration.between(java.time.Instant.EPOCH, java.time.Instant.now())) <= 0,
        "--min-age " + minAge.value() + " reaches back before 1970");
    @SuppressWarnings("unchecked")
    List<Path> roots = List.copyOf((List<Path>) paths.getValue());
    WalkSettings walk = new WalkSettings(followSymlinks.value(), oneFileSystem.value(),
        List.copyOf(includes.value()), List.copyOf(excludes.value()),
        Math.max(1, minSize.value()), max,
        minAge.value() == null ? Duration.ZERO : minAge.value());
    Policy policy = new Policy(ignoreMode.value(), ignoreOwner.value(), respectTime.value(),
        keepNewest.value(), ignoreXattrs.value(), ignoreFolderAccess.value());
    check(!(noJournal.value() && journal.value() != null),
        "--journal and --no-journal cannot be used together");
    check(maxLinks.value() == 0 || maxLinks.value() >= 2,
        "--max-links must be at least 2 (a file and one more name)");
    Path defaultCache = defaultCache(System.getenv());
    Path cacheFile = noCache.value() ? null : cache.value() != null ? cache.value()
        : defaultCache;
    Path journalFile = noJournal.value() ? null : journal.value() != null ? journal.value()
        : Journal.besideCache(cache.value() != null ? cache.value() : defaultCache);
    return new Options(roots, dryRun.value(),
        threads.value() == 0 ? Options.defaultThreads() : threads.value(), walk, policy,
        method.value(), maxLinks.value(),
        new Options.Cache(cacheFile, waitForLock.value(), journalFile), report(),
        String.join(" ", args), htmlReport.value());
  }

  private Options.Report report() {
    Format f = format.value();
    boolean q = quiet.value();
    // by default shown only on a terminal, and never with -q or a report for programs
    Boolean shown = progress.value() != null ? progress.value()
        : q || f != Format.TEXT ? Boolean.FALSE : null;
    return new Options.Report(f, verbose.value().length, q, summaryLine.value(),
        exactBytes.value(), shown);
  }

  private void check(boolean ok, String message) {
    if (!ok) {
      throw new ParameterException(spec.commandLine(), message);
    }
  }
}
