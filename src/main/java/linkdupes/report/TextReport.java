package linkdupes.report;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import linkdupes.base.Paths;
import linkdupes.base.Sizes;
import linkdupes.link.GroupResult;
import linkdupes.pipeline.Summary;
import linkdupes.plan.Method;

/** The report a person reads: optionally every group, then the summary as a table or a line. */
public final class TextReport {
  /** Directory pairs listed without -v; -v lists all. */
  static final int TOP_PAIRS = 10;

  private final PrintStream out;
  private final int verbosity;
  private final boolean exactBytes;
  private final List<Path> roots;

  /**
   * @param exactBytes sizes as byte counts instead of binary units
   * @param roots the paths given: with one, directories are shown relative to it
   */
  public TextReport(PrintStream out, int verbosity, boolean exactBytes, List<Path> roots) {
    this.out = out;
    this.verbosity = verbosity;
    this.exactBytes = exactBytes;
    this.roots = List.copyOf(roots);
  }

  public void print(Summary s, List<GroupResult> groups) {
    if (verbosity > 0) {
      printGroups(s.dryRun(), groups);
    }
    printPairs(groups);
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
   * groups, 7690 names linked, freed 1.4 GiB (1514669221 bytes; 1.4 GiB on disk), 0 errors,
   * 3.2 s}.
   */
  private String summaryLine(Summary s, int errors) {
    long cloned = s.linked().filesCloned();
    String linked = s.dryRun()
        ? "would link " + count(s.linked().names(), "name")
        : count(s.linked().names(), "name") + " linked";
    String clones = s.dryRun() ? "would clone " + count(cloned, "file")
        : count(cloned, "file") + " cloned";
    linked = cloned == 0 && s.method() != Method.CLONE ? linked
        : s.linked().names() == 0 ? clones : linked + ", " + clones;
    return "linkdupes: " + count(s.scanned().files(), "file")
        + ", " + count(s.planned().groups(), "group")
        + ", " + linked
        + ", " + (s.dryRun() ? "would free " : "freed ") + freed(s.linked())
        + ", " + count(errors, "error")
        + ", " + seconds(s);
  }

  private void printGroups(boolean dryRun, List<GroupResult> groups) {
    for (GroupResult g : groups) {
      long size = g.group().size();
      Path kept = g.group().kept().firstName().path();
      if (g.group().isClone()) { // what a clone frees is the blocks not shared yet
        out.println(size(size) + " each, " + g.linkedCount() + (dryRun ? " to clone" : " cloned")
            + (dryRun ? ", would free " : ", freed ") + size(g.diskBytesFreed()) + " on disk");
        out.println("  keep " + Paths.display(kept));
        for (GroupResult.Link link : g.linked()) {
          if (!link.kept().equals(kept)) { // the kernel found the first kept file's bytes other
            kept = link.kept();
            out.println("  keep " + Paths.display(kept) + "  (other bytes than the file above)");
          }
          out.println("  clone " + Paths.display(link.name().path()));
        }
        continue;
      }
      out.println(size(size) + " each, " + g.linkedCount() + (dryRun ? " to link" : " linked")
          + (dryRun ? ", would free " : ", freed ") + size(g.bytesFreed()));
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
    List<String[]> rows = summaryRows(s);
    if (s.dryRun()) {
      out.println("Dry run: nothing was changed.");
    }
    int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0) + 2;
    for (String[] r : rows) {
      out.println(padRight(r[0] + ":", width) + r[1]);
    }
  }

  /** The summary's rows, each a label and its value, as the table shows them (and the page). */
  List<String[]> summaryRows(Summary s) {
    List<String[]> rows = new ArrayList<>();
    rows.add(row("Scanned",
        count(s.scanned().files(), "file") + ", " + size(s.scanned().bytes())));
    if (verbosity > 0) {
      rows.add(row("Not files",
          s.scanned().otherEntries() + " symlinks, devices, FIFOs or sockets left alone"));
    }
    rows.add(row("Duplicates", count(s.planned().groups(), "group")));
    boolean clones = s.method() == Method.CLONE;
    if (s.linked().names() > 0 || !clones && s.linked().filesCloned() == 0) {
      rows.add(row(s.dryRun() ? "Would link" : "Linked", count(s.linked().names(), "name")));
    }
    if (s.linked().filesCloned() > 0 || clones) { // each file its own, sharing blocks
      rows.add(row(s.dryRun() ? "Would clone" : "Cloned",
          count(s.linked().filesCloned(), "file")));
    }
    if (s.method() == Method.AUTO) { // which way each file system went
      for (Map.Entry<String, Method> fs : s.fileSystems().entrySet()) {
        rows.add(row(fs.getValue() == Method.CLONE ? "Clones on" : "Links on",
            fs.getKey()));
      }
    }
    rows.add(row(s.dryRun() ? "Would free" : "Freed",
        sizeAndBytes(s.linked().bytesFreed())));
    // a sparse file gives back fewer blocks than its size, every file a part of a block more
    rows.add(row("On disk", sizeAndBytes(s.linked().diskBytesFreed())
        + (s.dryRun() ? " would be" : "") + " given back to the file system"));
    if (s.planned().withOutsideNames() > 0) {
      rows.add(row("Not freed", count(s.planned().withOutsideNames(), "file")
          + " with names outside the scanned trees (linked, but their space stays in use)"));
    }
    if (s.linked().leftoversRemoved() > 0) {
      rows.add(row(s.dryRun() ? "Would clean" : "Cleaned", count(s.linked().leftoversRemoved(),
          "temporary name") + " left by an interrupted run"));
    }
    List<String> skipped = new ArrayList<>();
    if (s.planned().leftOtherMetadata() > 0) {
      skipped.add(s.planned().leftOtherMetadata() + " with other permissions, owner, time, attributes or folder access");
    }
    if (s.planned().leftOtherDevice() > 0) {
      skipped.add(s.planned().leftOtherDevice() + " on another device or mount");
    }
    if (s.changed() > 0) {
      skipped.add(s.changed() + " changed during the run");
    }
    if (s.unreadable() > 0) {
      skipped.add(s.unreadable() + " unreadable");
    }
    if (s.scanned().symlinkLoops() > 0) {
      skipped.add(s.scanned().symlinkLoops() + " symlink loops");
    }
    if (s.scanned().tooRecent() > 0) {
      skipped.add(s.scanned().tooRecent() + " modified too recently (--min-age)");
    }
    if (!skipped.isEmpty()) {
      rows.add(row("Skipped", String.join(", ", skipped)));
    }
    if (verbosity > 0) {
      rows.add(row("Read", sizeAndBytes(s.bytesRead())));
    }
    rows.add(row("Time", seconds(s)));
    return rows;
  }

  /**
   * Where the duplicates are: the directory pairs sharing the most bytes, each line its bytes,
   * its names and the two directories (or one, for names linked within a directory).
   */
  private void printPairs(List<GroupResult> groups) {
    DirectoryPairs pairs = new DirectoryPairs(roots);
    pairs.addAll(groups);
    List<DirectoryPairs.Shared> all = pairs.sorted();
    if (all.isEmpty()) {
      return;
    }
    List<DirectoryPairs.Shared> shown =
        verbosity > 0 || all.size() <= TOP_PAIRS ? all : all.subList(0, TOP_PAIRS);
    int sizeWidth = 0;
    int countWidth = 0;
    for (DirectoryPairs.Shared p : shown) {
      sizeWidth = Math.max(sizeWidth, size(p.bytes).length());
      countWidth = Math.max(countWidth, count(p.files, "file").length());
    }
    out.println("Where the duplicates are:");
    for (DirectoryPairs.Shared p : shown) {
      String where = p.pair.within() ? "within " + p.pair.a()
          : p.pair.a() + "  <->  " + p.pair.b();
      out.println("  " + padLeft(size(p.bytes), sizeWidth) + "  "
          + padRight(count(p.files, "file"), countWidth) + "  " + where);
    }
    if (shown.size() < all.size()) {
      out.println("  ... and " + (all.size() - shown.size()) + " more (-v lists all "
          + all.size() + ")");
    }
    out.println();
  }

  /** A size as people read it, or the exact byte count with --bytes. */
  private String size(long bytes) {
    return exactBytes ? bytes + " bytes" : Sizes.human(bytes);
  }

  /** A size as people read it with the exact count after it, or just the count with --bytes. */
  private String sizeAndBytes(long bytes) {
    return exactBytes ? bytes + " bytes" : Sizes.human(bytes) + " (" + bytes + " bytes)";
  }

  /** Content and disk bytes freed: {@code 1.4 GiB (1514669221 bytes; 1.4 GiB on disk)}. */
  private String freed(Summary.Linked linked) {
    long content = linked.bytesFreed();
    return exactBytes
        ? content + " bytes (" + linked.diskBytesFreed() + " bytes on disk)"
        : Sizes.human(content) + " (" + content + " bytes; "
            + Sizes.human(linked.diskBytesFreed()) + " on disk)";
  }

  private static String seconds(Summary s) {
    return Sizes.seconds(s.elapsed().toMillis());
  }

  // padding by hand, as sizes are shown without the formatter (see Sizes.human)
  private static String padRight(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  private static String padLeft(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }

  private static String[] row(String label, String value) {
    return new String[] {label, value};
  }

  private static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
