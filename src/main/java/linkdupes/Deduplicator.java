package linkdupes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import java.time.Duration;
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
import linkdupes.scan.FoundFile;
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

    // Each stage's input is dropped as soon as the next holds what is left of it: on a tree
    // of a million files most of them are gone after the first stages.
    ScanResult walked = new TreeWalker(options.walkSettings(), problems).walk(options.roots());
    log("walk", walked.candidates().size(), "candidate files", start);
    List<List<FoundFile>> sizeGroups = Grouping.bySize(walked.candidates());
    ScanResult scan = walked.withoutCandidates();
    walked = null;
    log("size", sizeGroups.size(), "groups", start);
    List<List<Inode>> groups =
        Grouping.byInode(sizeGroups, options.followSymlinks(), problems, tally);
    sizeGroups = null;
    log("inode", groups.size(), "groups", start);
    try (Hasher hasher = new Hasher(options.threads(), problems, tally)) {
      groups = hasher.byPartial(groups);
      log("partial digest", groups.size(), "groups", start);
      groups = hasher.byContent(groups);
      log("content", groups.size(), "groups", start);
    }
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
        results.stream().mapToLong(r -> r.linked().size()).sum(),
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
