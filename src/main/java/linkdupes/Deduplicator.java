package linkdupes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import linkdupes.cli.Options;
import linkdupes.group.Grouping;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.hash.Hasher;
import linkdupes.link.GroupResult;
import linkdupes.link.LinkOps;
import linkdupes.link.Linker;
import linkdupes.plan.LinkPlan;
import linkdupes.plan.Planner;
import linkdupes.report.Problems;
import linkdupes.report.Summary;
import linkdupes.report.Tally;
import linkdupes.scan.FileTable;
import linkdupes.scan.ScanResult;
import linkdupes.scan.TreeWalker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pipeline, stage by stage: walk, group by size, by inode, by content, plan, link. */
public final class Deduplicator {
  /** Made on first use: a run without -vv does not start the logging framework (~20 ms). */
  private static final class Debug {
    static final Logger LOG = LoggerFactory.getLogger(Deduplicator.class);
  }

  /** Files of the size groups taken through the inode and content stages at once. */
  private static final int BATCH_FILES = 1 << 16;

  private final Options options;
  private final LinkOps ops;
  private final Problems problems;

  /** The summary and what became of each group, in the plan's order. */
  public record Result(Summary summary, List<GroupResult> groups) {}

  public Deduplicator(Options options, LinkOps ops, Problems problems) {
    this.options = options;
    this.ops = ops;
    this.problems = problems;
  }

  public Result run() throws IOException {
    long start = System.nanoTime();
    Tally tally = new Tally();

    // Files are rows of one table for the whole run; each stage's groups are dropped as soon
    // as the next holds what is left of them.
    ScanResult scan = new TreeWalker(options.walkSettings(), problems).walk(options.roots());
    FileTable table = scan.candidates();
    log("walk", table.rows(), "candidate files", start);
    List<int[]> sizeGroups = Grouping.bySize(table);
    log("size", sizeGroups.size(), "groups", start);
    // Size groups go through the inode and content stages a batch at a time, so that only
    // the inodes still in a group of duplicates outlive their batch.
    List<List<Inode>> groups = new ArrayList<>();
    long inodeGroups = 0;
    long partialGroups = 0;
    try (Hasher hasher = new Hasher(options.threads(), problems, tally)) {
      int from = 0;
      while (from < sizeGroups.size()) {
        int to = from;
        long files = 0;
        while (to < sizeGroups.size() && (files == 0 || files < BATCH_FILES)) {
          files += sizeGroups.get(to++).length;
        }
        List<List<Inode>> batch = Grouping.byInode(table, sizeGroups.subList(from, to),
            options.followSymlinks(), problems, tally);
        inodeGroups += batch.size();
        batch = hasher.byPartial(batch);
        partialGroups += batch.size();
        groups.addAll(hasher.byContent(batch));
        from = to;
      }
    }
    sizeGroups = null;
    log("inode", inodeGroups, "groups", start);
    log("partial digest", partialGroups, "groups", start);
    log("content", groups.size(), "groups", start);
    LinkPlan plan = new Planner(options.policy()).plan(groups);
    groups = null;
    log("plan", plan.groups().size(), "groups", start);
    List<GroupResult> results;
    long leftovers;
    if (options.dryRun()) {
      results = plan.groups().stream().map(GroupResult::planned).toList();
      leftovers = scan.leftovers().stream().filter(f -> Linker.isLeftover(f.path())).count();
    } else {
      Function<Name, Path> realPath = options.followSymlinks()
          ? Name::path // names were made real when symlinks are followed
          : n -> scan.realPath(n.path(), n.root());
      try (Linker linker = new Linker(ops, realPath, problems, tally)) {
        results = plan.groups().stream().map(linker::link).toList();
        leftovers = scan.leftovers().stream()
            .filter(f -> linker.removeLeftover(new Name(f.path(), f.root()))).count();
      }
    }

    Summary summary = new Summary(
        options.dryRun(),
        scan.regularFiles(),
        scan.regularBytes(),
        scan.otherEntries(),
        scan.symlinkLoops(),
        plan.groups().size(),
        results.stream().mapToLong(GroupResult::linkedCount).sum(),
        results.stream().mapToLong(GroupResult::bytesFreed).sum(),
        plan.groups().stream().mapToLong(g -> g.duplicatesWithOutsideNames()).sum(),
        plan.leftOtherMetadata(),
        plan.leftOtherDevice(),
        leftovers,
        tally.changed.get(),
        tally.unreadable.get() + scan.unreadable(),
        tally.bytesRead.get(),
        Duration.ofNanos(System.nanoTime() - start));
    return new Result(summary, results);
  }

  private void log(String stage, long count, String what, long start) {
    if (options.verbosity() > 1 && Debug.LOG.isDebugEnabled()) {
      long ms = (System.nanoTime() - start) / 1_000_000;
      Debug.LOG.debug("after {}: {} {} ({} ms)", stage, count, what, ms);
    }
  }
}
