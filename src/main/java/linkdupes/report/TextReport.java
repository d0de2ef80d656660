package linkdupes.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.nio.file.Path;
import linkdupes.link.GroupResult;

/** The report a person reads: optionally every group, then the summary as a table or a line. */
public final class TextReport {
  private final PrintStream out;
  private final int verbosity;

  public TextReport(PrintStream out, int verbosity) {
    this.out = out;
    this.verbosity = verbosity;
  }

  public void print(Summary s, List<GroupResult> groups) {
    if (verbosity > 0) {
      printGroups(s.dryRun(), groups);
    }
    printSummary(s);
    out.flush();
  }

  /** Every group if verbose, then the summary on one line instead of the table. */
  public void printBrief(Summary s, List<GroupResult> groups, int errors) {
    if (verbosity > 0) {
      printGroups(s.dryRun(), groups);
    }
    out.println(summaryLine(s, errors));
    out.flush();
  }

  /**
   * The summary on one line, for a cron mail or a log: {@code linkdupes: 18321 files, 5087
   * groups, 7690 names linked, freed 1.4 GiB (1514669221 bytes), 0 errors, 3.2 s}.
   */
  private static String summaryLine(Summary s, int errors) {
    String linked = s.dryRun()
        ? "would link " + count(s.namesLinked(), "name")
        : count(s.namesLinked(), "name") + " linked";
    return "linkdupes: " + count(s.filesScanned(), "file")
        + ", " + count(s.groups(), "group")
        + ", " + linked
        + ", " + (s.dryRun() ? "would free " : "freed ") + Sizes.human(s.bytesFreed())
        + " (" + s.bytesFreed() + " bytes)"
        + ", " + count(errors, "error")
        + ", " + seconds(s);
  }

  private void printGroups(boolean dryRun, List<GroupResult> groups) {
    for (GroupResult g : groups) {
      long size = g.group().size();
      out.printf(Locale.ROOT, "%s each, %d %s, %s %s%n", Sizes.human(size),
          g.linkedCount(), dryRun ? "to link" : "linked",
          dryRun ? "would free" : "freed", Sizes.human(g.bytesFreed()));
      Path kept = g.group().kept().firstName().path();
      out.println("  keep " + Paths.display(kept));
      for (GroupResult.Link link : g.linked()) {
        if (!link.kept().equals(kept)) {
          kept = link.kept();
          out.println("  keep " + Paths.display(kept) + "  (the file before had too many links)");
        }
        out.println("  link " + Paths.display(link.name().path()));
      }
    }
    if (!groups.isEmpty()) {
      out.println();
    }
  }

  private void printSummary(Summary s) {
    List<String[]> rows = new ArrayList<>();
    rows.add(row("Scanned",
        count(s.filesScanned(), "file") + ", " + Sizes.human(s.bytesScanned())));
    if (verbosity > 0) {
      rows.add(row("Not files",
          s.otherEntries() + " symlinks, devices, FIFOs or sockets left alone"));
    }
    rows.add(row("Duplicates", count(s.groups(), "group")));
    rows.add(row(s.dryRun() ? "Would link" : "Linked", count(s.namesLinked(), "name")));
    rows.add(row(s.dryRun() ? "Would free" : "Freed",
        Sizes.human(s.bytesFreed()) + " (" + s.bytesFreed() + " bytes)"));
    if (s.linkedWithOutsideNames() > 0) {
      rows.add(row("Not freed", count(s.linkedWithOutsideNames(), "file")
          + " with names outside the scanned trees (linked, but their space stays in use)"));
    }
    if (s.leftoversRemoved() > 0) {
      rows.add(row(s.dryRun() ? "Would clean" : "Cleaned", count(s.leftoversRemoved(),
          "temporary name") + " left by an interrupted run"));
    }
    List<String> skipped = new ArrayList<>();
    if (s.leftOtherMetadata() > 0) {
      skipped.add(s.leftOtherMetadata() + " with other permissions, owner or time");
    }
    if (s.leftOtherDevice() > 0) {
      skipped.add(s.leftOtherDevice() + " on another device");
    }
    if (s.changed() > 0) {
      skipped.add(s.changed() + " changed during the run");
    }
    if (s.unreadable() > 0) {
      skipped.add(s.unreadable() + " unreadable");
    }
    if (s.symlinkLoops() > 0) {
      skipped.add(s.symlinkLoops() + " symlink loops");
    }
    if (s.tooRecent() > 0) {
      skipped.add(s.tooRecent() + " modified too recently (--min-age)");
    }
    if (!skipped.isEmpty()) {
      rows.add(row("Skipped", String.join(", ", skipped)));
    }
    if (verbosity > 0) {
      rows.add(row("Read", Sizes.human(s.bytesRead()) + " (" + s.bytesRead() + " bytes)"));
    }
    rows.add(row("Time", seconds(s)));
    if (s.dryRun()) {
      out.println("Dry run: nothing was changed.");
    }
    int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0) + 2;
    for (String[] r : rows) {
      out.println(String.format(Locale.ROOT, "%-" + width + "s", r[0] + ":") + r[1]);
    }
  }

  private static String seconds(Summary s) {
    return String.format(Locale.ROOT, "%.1f s", s.elapsed().toMillis() / 1000.0);
  }

  private static String[] row(String label, String value) {
    return new String[] {label, value};
  }

  private static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
