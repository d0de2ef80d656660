package linkdupes.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import linkdupes.journal.Journal;
import linkdupes.pipeline.Format;
import linkdupes.pipeline.Options;
import linkdupes.pipeline.Subcommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/**
 * The subcommands, each option declared once as in {@link OptionTable}: {@code journal},
 * {@code undo} and {@code split}. A table holds the values of one parse.
 */
final class SubcommandTable {
  final CommandSpec journal = CommandSpec.create().name("journal");
  final CommandSpec undo = CommandSpec.create().name("undo");
  final CommandSpec split = CommandSpec.create().name("split");
  final CommandSpec names = CommandSpec.create().name("names");

  private final PositionalParamSpec journalRun = positional(journal, PositionalParamSpec
      .builder().paramLabel("RUN").arity("0..1").type(long.class).initialValue(0L)
      .description("A run's number: list its names. Without it, every run."));
  private final OptionTable.Option<Format> journalFormat = format(journal);
  private final OptionTable.Option<Path> journalFile = file(journal);

  private final PositionalParamSpec undoRun = positional(undo, PositionalParamSpec.builder()
      .paramLabel("RUN").arity("1").type(long.class)
      .description("The number of the run to take back, as 'linkdupes journal' lists it."));
  private final OptionTable.Option<Boolean> undoDry = flag(undo, "Change nothing; say what "
      + "would be given back and what would be left.", "-n", "--dry-run");
  private final OptionTable.Option<boolean[]> undoVerbose = verbose(undo);
  private final OptionTable.Option<Boolean> undoQuiet = quiet(undo);
  private final OptionTable.Option<Path> undoFile = file(undo);

  private final PositionalParamSpec splitPaths = positional(split, PositionalParamSpec
      .builder().paramLabel("PATH").arity("1..*").required(true).type(List.class)
      .auxiliaryTypes(Path.class)
      .initialValue(new ArrayList<Path>())
      .description("Files to give their own copy (with -r, folders of them)."));
  private final OptionTable.Option<Boolean> splitRecursive = flag(split, "Every file under "
      + "the named folders that has other names.", "-r", "--recursive");
  private final OptionTable.Option<Boolean> splitDry = flag(split, "Change nothing; say what "
      + "would be copied.", "-n", "--dry-run");
  private final OptionTable.Option<boolean[]> splitVerbose = verbose(split);
  private final OptionTable.Option<Boolean> splitQuiet = quiet(split);
  private final OptionTable.Option<Path> splitFile = file(split);
  private final OptionTable.Option<Boolean> splitNoJournal = flag(split, "Keep no record of "
      + "the split in the journal.", "--no-journal");

  private final PositionalParamSpec namesFiles = positional(names, PositionalParamSpec
      .builder().paramLabel("FILE").arity("1..*").required(true).type(List.class)
      .auxiliaryTypes(Path.class)
      .initialValue(new ArrayList<Path>())
      .description("Files whose names to find."));
  private final OptionTable.Option<List<Path>> namesIn = new OptionTable.Option<>(add(names,
      OptionSpec.builder("--in").paramLabel("ROOT").type(List.class).auxiliaryTypes(Path.class)
          .initialValue(new ArrayList<Path>())
          .description("Look only under ROOT (repeatable). Default: the file's own file "
              + "system from its mount point, or the folders a journaled run that linked it "
              + "was given, whichever is smaller.")));
  private final OptionTable.Option<Format> namesFormat = format(names);
  private final OptionTable.Option<Path> namesFile = file(names);
  private final OptionTable.Option<Path> namesCache = new OptionTable.Option<>(add(names,
      OptionSpec.builder("--cache").paramLabel("FILE").type(Path.class)
          .description("The hash cache, whose records of files may answer without a walk "
              + "(default: as for a run).")));

  SubcommandTable() {
    journal.usageMessage().description("Lists the runs the journal holds: when, over which "
        + "folders, how many names each changed and how many are still as it left them; with "
        + "RUN, that run's names and where each stands now.");
    undo.usageMessage().description("Takes a run back: every name it linked gets its own "
        + "copy again, with the mode, owner, group, times and extended attributes it had. "
        + "Each copy is written beside its name and renamed over it, so no name is ever "
        + "missing. A name changed since the run is left alone and named. Refuses, with the "
        + "figure, when a file system lacks room for the copies.");
    split.usageMessage().description("Gives the named files their own copy, each keeping the "
        + "metadata it has now, so that one can change without the others (a library copy "
        + "about to be retagged while the torrent it came from still seeds).");
    names.usageMessage().description("Lists every name each FILE has: the link count, each "
        + "name found under the roots searched, and how many lie outside them. Names the "
        + "journal and the cache record are checked first; when they account for every link, "
        + "nothing is walked. Exit code 1 when a FILE cannot be read.");
    for (CommandSpec s : List.of(journal, undo, split, names)) {
      s.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
          .description("Show this help message and exit.").build());
    }
  }

  private static PositionalParamSpec positional(CommandSpec spec,
      PositionalParamSpec.Builder builder) {
    PositionalParamSpec p = builder.build();
    spec.addPositional(p);
    return p;
  }

  private static OptionSpec add(CommandSpec spec, OptionSpec.Builder builder) {
    OptionSpec o = builder.build();
    spec.addOption(o);
    return o;
  }

  private static OptionTable.Option<Boolean> flag(CommandSpec spec, String description,
      String... names) {
    return new OptionTable.Option<>(add(spec, OptionSpec.builder(names).type(boolean.class)
        .initialValue(false).description(description)));
  }

  private static OptionTable.Option<boolean[]> verbose(CommandSpec spec) {
    return new OptionTable.Option<>(add(spec, OptionSpec.builder("-v", "--verbose")
        .type(boolean[].class).arity("0").initialValue(new boolean[0])
        .description("Name every file.")));
  }

  private static OptionTable.Option<Boolean> quiet(CommandSpec spec) {
    return flag(spec, "Print nothing but errors.", "-q", "--quiet");
  }

  private static OptionTable.Option<Format> format(CommandSpec spec) {
    return new OptionTable.Option<>(add(spec, OptionSpec.builder("--format")
        .paramLabel("FORMAT").type(Format.class).converters(new OptionTable.FormatConverter())
        .defaultValue("text").completionCandidates(List.of("text", "json", "csv"))
        .description("text (default), json or csv.")));
  }

  private static OptionTable.Option<Path> file(CommandSpec spec) {
    return new OptionTable.Option<>(add(spec, OptionSpec.builder("--journal").paramLabel("FILE")
        .type(Path.class).description("The journal (default: journal.db beside the cache, "
            + "$XDG_CACHE_HOME/linkdupes, else ~/.cache/linkdupes).")));
  }

  /** What the subcommand {@code name} was asked, its journal {@code defaultJournal} unless given. */
  Subcommand subcommand(String name, Path defaultCache, List<String> args) {
    Path defaultJournal = Journal.besideCache(defaultCache);
    String line = String.join(" ", args);
    return switch (name) {
      case "journal" -> new Subcommand.ListJournal(orDefault(journalFile, defaultJournal),
          (Long) journalRun.getValue(),
          new Options.Report(journalFormat.value(), 0, false, false, false, false));
      case "undo" -> {
        check(undo, !(undoQuiet.value() && undoVerbose.value().length > 0),
            "--quiet and --verbose cannot be used together");
        yield new Subcommand.Undo(orDefault(undoFile, defaultJournal),
            (Long) undoRun.getValue(), undoDry.value(), report(undoVerbose, undoQuiet), line);
      }
      case "split" -> {
        check(split, !(splitQuiet.value() && splitVerbose.value().length > 0),
            "--quiet and --verbose cannot be used together");
        check(split, !(splitNoJournal.value() && splitFile.value() != null),
            "--journal and --no-journal cannot be used together");
        @SuppressWarnings("unchecked")
        List<Path> paths = List.copyOf((List<Path>) splitPaths.getValue());
        yield new Subcommand.Split(splitNoJournal.value() ? null
            : orDefault(splitFile, defaultJournal), paths, splitRecursive.value(),
            splitDry.value(), report(splitVerbose, splitQuiet), line);
      }
      case "names" -> {
        @SuppressWarnings("unchecked")
        List<Path> files = List.copyOf((List<Path>) namesFiles.getValue());
        Path cache = orDefault(namesCache, defaultCache);
        // beside the cache named, as a run with --cache keeps it
        yield new Subcommand.Names(orDefault(namesFile, Journal.besideCache(cache)), cache, files, List.copyOf(namesIn.value()),
            new Options.Report(namesFormat.value(), 0, false, false, false, false));
      }
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static Path orDefault(OptionTable.Option<Path> option, Path defaultValue) {
    return option.value() != null ? option.value() : defaultValue;
  }

  private static Options.Report report(OptionTable.Option<boolean[]> verbose,
      OptionTable.Option<Boolean> quiet) {
    return new Options.Report(Format.TEXT, verbose.value().length, quiet.value(), false, false,
        false);
  }

  private static void check(CommandSpec spec, boolean ok, String message) {
    if (!ok) {
      throw new ParameterException(spec.commandLine(), message);
    }
  }
}
