package linkdupes.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import linkdupes.base.Paths;
import linkdupes.base.Sizes;
import linkdupes.pipeline.Split;
import linkdupes.pipeline.Undo;

/** What {@code linkdupes undo} and {@code split} did, or would do, as text. */
public final class TakeBackReport {
  private final PrintStream out;
  private final int verbosity;
  private final boolean quiet;

  public TakeBackReport(PrintStream out, int verbosity, boolean quiet) {
    this.out = out;
    this.verbosity = verbosity;
    this.quiet = quiet;
  }

  public void undo(Undo.Result r) {
    if (quiet) {
      return;
    }
    if (verbosity > 0) {
      for (Undo.Done d : r.names()) {
        String what = switch (d.outcome()) {
          case GIVEN_BACK -> "own copy";
          case WOULD_GIVE_BACK -> "would copy";
          case ALREADY_GIVEN_BACK -> "had its copy";
          default -> null;
        };
        if (what != null) {
          out.println("  " + what + "  " + Paths.display(d.entry().path()));
        }
      }
    }
    if (r.dryRun()) {
      out.println("Dry run: nothing was changed.");
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Undoing", "run " + r.undone().id() + " ("
        + r.undone().roots().stream().map(Paths::display).reduce((a, b) -> a + " " + b)
        .orElse("") + ")"});
    long given = r.count(r.dryRun() ? Undo.Outcome.WOULD_GIVE_BACK : Undo.Outcome.GIVEN_BACK);
    rows.add(new String[] {r.dryRun() ? "Would copy" : "Copied", names(given) + ", each its "
        + "own file again with the metadata it had (" + Sizes.human(r.bytes()) + ")"});
    if (r.count(Undo.Outcome.ALREADY_GIVEN_BACK) > 0) {
      rows.add(new String[] {"Already", r.count(Undo.Outcome.ALREADY_GIVEN_BACK)
          + " given back by an earlier undo"});
    }
    if (r.count(Undo.Outcome.SPLIT_SINCE) > 0) {
      rows.add(new String[] {"Split since", names(r.count(Undo.Outcome.SPLIT_SINCE))
          + " (own copies from 'linkdupes split' since), left as is"});
    }
    long left = r.count(Undo.Outcome.OTHER_FILE) + r.count(Undo.Outcome.MODIFIED)
        + r.count(Undo.Outcome.GONE) + r.count(Undo.Outcome.CHANGED);
    if (left > 0) {
      rows.add(new String[] {"Left", left + " changed since the run (named above)"});
    }
    if (r.count(Undo.Outcome.CLONE) > 0) {
      rows.add(new String[] {"Cloned", r.count(Undo.Outcome.CLONE) + " files, each its own "
          + "file already: nothing to give back"});
    }
    if (r.count(Undo.Outcome.FAILED) > 0) {
      rows.add(new String[] {"Failed", r.count(Undo.Outcome.FAILED) + " (named above)"});
    }
    if (!r.dryRun()) {
      rows.add(new String[] {"Journal", "run " + r.undoId()});
    }
    print(rows);
  }

  public void split(Split.Result r) {
    if (quiet) {
      return;
    }
    if (verbosity > 0) {
      for (Split.Done d : r.names()) {
        String what = switch (d.outcome()) {
          case SPLIT -> "own copy";
          case WOULD_SPLIT -> "would copy";
          case ALREADY_ITS_OWN -> "its own";
          default -> null;
        };
        if (what != null) {
          out.println("  " + what + "  " + Paths.display(d.path()));
        }
      }
    }
    if (r.dryRun()) {
      out.println("Dry run: nothing was changed.");
    }
    List<String[]> rows = new ArrayList<>();
    long split = r.count(r.dryRun() ? Split.Outcome.WOULD_SPLIT : Split.Outcome.SPLIT);
    rows.add(new String[] {r.dryRun() ? "Would copy" : "Copied", names(split) + ", each its "
        + "own file now (" + Sizes.human(r.bytes()) + ")"});
    if (r.count(Split.Outcome.ALREADY_ITS_OWN) > 0) {
      rows.add(new String[] {"Its own", r.count(Split.Outcome.ALREADY_ITS_OWN)
          + " files with no other name, left as they are"});
    }
    long left = r.count(Split.Outcome.CHANGED) + r.count(Split.Outcome.FAILED);
    if (left > 0) {
      rows.add(new String[] {"Left", left + " (named above)"});
    }
    if (r.runId() > 0) {
      rows.add(new String[] {"Journal", "run " + r.runId()});
    }
    print(rows);
  }

  private static String names(long n) {
    return n + (n == 1 ? " name" : " names");
  }

  private void print(List<String[]> rows) {
    int width = rows.stream().mapToInt(row -> row[0].length()).max().orElse(0) + 2;
    for (String[] row : rows) {
      out.println(String.format("%-" + width + "s%s", row[0] + ":", row[1]));
    }
  }
}
