package linkdupes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import java.time.Duration;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.List;
import linkdupes.cache.HashCache;
import linkdupes.cache.RunLock;
import linkdupes.cli.Options;
import linkdupes.group.Grouping;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.hash.Hasher;
import linkdupes.link.GroupResult;
import linkdupes.fs.LinkOps;
import linkdupes.link.Linker;
import linkdupes.plan.LinkGroup;
import linkdupes.plan.LinkPlan;
import linkdupes.plan.Planner;
import linkdupes.base.Problems;
import linkdupes.base.Progress;
import linkdupes.report.Summary;
import linkdupes.base.Tally;
import linkdupes.fs.FileStat;
import linkdupes.scan.FileTable;
import linkdupes.scan.FoundFile;
import linkdupes.fs.PathBytes;
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
  /**
   * Groups linked at once, at most. Linking the mixed test tree (7,690 renames) took 4.5 s on
   * one thread, 4.0 s on two, 3.0 s on four, 2.9 s on eight and 3.2 s on sixteen.
   */
  static final int LINK_THREADS = 4;

  private final Options options;
  private final LinkOps ops;
  private final Problems problems;

  /** The summary and what became of each group, in the plan's order. */
  public record Result(Summary summary, List<GroupResult> groups) {}

  private final Progress progress;

  public Deduplicator(Options options, LinkOps ops, Problems problems) {
    this(options, ops, problems, Progress.NONE);
  }

  /** With a progress display, which the run closes when its work is done. */
  public Deduplicator(Options options, LinkOps ops, Problems problems, Progress progress) {
    this.options = options;
    this.ops = ops;
    this.problems = problems;
    this.progress = progress;
  }

  /**
   * Runs, holding the cache's lock and using the cache when the options name one.
   *
   * @throws RunLock.HeldException when another run holds the cache and the options do not say
   *     to wait; nothing was done
   */
  public Result run() throws IOException, RunLock.HeldException {
    if (options.cache() == null) {
      return run(null, null);
    }
    RunLock lock;
    try {
      lock = RunLock.acquire(options.cache(), options.waitForLock(), () -> problems.warning(
          "waiting for another run of linkdupes to finish with the cache " + options.cache()));
    } catch (IOException e) {
      problems.warning("not using the cache " + options.cache() + ": cannot lock "
          + RunLock.lockFile(options.cache()) + ": " + Problems.reason(e));
      return run(null, null);
    }
    try (lock) {
      // opened on another thread while the walk runs: loading the driver takes a while, and
      // a small cache is read whole meanwhile (a large one until the walk is done)
      AtomicBoolean needed = new AtomicBoolean();
      CompletableFuture<HashCache> opening = CompletableFuture.supplyAsync(
          () -> HashCache.open(options.cache(), problems, needed), r -> {
            Thread t = new Thread(r, "linkdupes-cache");
            t.setDaemon(true);
            t.start();
          });
      try {
        return run(opening, needed);
      } finally {
        needed.set(true);
        HashCache cache = opening.join();
        if (cache != null) {
          cache.close();
        }
      }
    }
  }

  private Result run(CompletableFuture<HashCache> opening, AtomicBoolean needed)
      throws IOException {
    long start = System.nanoTime();
    Tally tally = new Tally();

    // Files are rows of one table for the whole run; each stage's groups are dropped as soon
    // as the next holds what is left of them.
    ScanResult scan = new TreeWalker(options.walkSettings(), problems).showing(progress)
        .walk(options.roots());
    FileTable table = scan.candidates();
    log("walk", table.rows(), "candidate files", start);
    List<int[]> sizeGroups = Grouping.bySize(table);
    log("size", sizeGroups.size(), "groups", start);
    long toRead = 0;
    for (int[] g : sizeGroups) {
      toRead += table.size(g[0]) * g.length; // at most: names of one inode are read once
    }
    progress.reading(toRead, tally.bytesRead);
    // Size groups go through the inode and content stages a batch at a time, so that only
    // the inodes still in a group of duplicates outlive their batch.
    List<List<Inode>> groups = new ArrayList<>();
    long inodeGroups = 0;
    long partialGroups = 0;
    if (needed != null) {
      needed.set(true);
    }
    HashCache cache = opening == null ? null : opening.join();
    log("opening the cache", cache == null ? 0 : 1, "databases", start);
    // a name's path with no symlink in it: what is linked, and what the cache records
    Function<Name, Path> realPath = options.followSymlinks()
        ? Name::path // names were made real when symlinks are followed
        : n -> scan.realPath(n.path(), n.root());
    CacheUse cached = cache == null ? null : new CacheUse(cache, scan, realPath);
    boolean digests = cache != null || options.digests();
    try (Hasher hasher = new Hasher(options.threads(), digests, problems, tally)) {
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
        List<Inode> read = cached == null ? null : cached.lookUp(batch);
        batch = hasher.byPartial(batch);
        partialGroups += batch.size();
        groups.addAll(hasher.byContent(batch));
        if (cached != null) {
          cached.record(read);
        }
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
    // loops rather than streams here and below: each lambda is a class spun at its first use,
    // a few milliseconds apiece when the run is short
    results = new ArrayList<>(plan.groups().size());
    leftovers = 0;
    if (options.dryRun()) {
      for (LinkGroup g : plan.groups()) {
        results.add(GroupResult.planned(g));
      }
      for (FoundFile f : scan.leftovers()) {
        if (Linker.isLeftover(f.path())) {
          leftovers++;
        }
      }
    } else {
      progress.linking(plan.groups().size());
      results.addAll(Linker.linkAll(plan.groups(), Math.min(LINK_THREADS, options.threads()),
          ops, realPath, problems, tally, progress::linkedGroup));
      if (cached != null) {
        for (GroupResult r : results) {
          cached.linked(r);
        }
      }
      try (Linker linker = new Linker(ops, realPath, problems, tally)) {
        for (FoundFile f : scan.leftovers()) {
          if (linker.removeLeftover(new Name(f.path(), f.root()))) {
            leftovers++;
          }
        }
      }
    }
    results = List.copyOf(results);
    long linked = 0;
    long freed = 0;
    for (GroupResult r : results) {
      linked += r.linkedCount();
      freed += r.bytesFreed();
    }
    long outside = 0;
    for (LinkGroup g : plan.groups()) {
      outside += g.duplicatesWithOutsideNames();
    }

    if (cached != null) {
      cached.finish(start);
    }
    progress.close();

    Summary summary = new Summary(
        options.dryRun(),
        scan.regularFiles(),
        scan.regularBytes(),
        scan.otherEntries(),
        scan.symlinkLoops(),
        plan.groups().size(),
        linked,
        freed,
        outside,
        plan.leftOtherMetadata(),
        plan.leftOtherDevice(),
        leftovers,
        tally.changed.get(),
        tally.unreadable.get() + scan.unreadable(),
        tally.bytesRead.get(),
        Duration.ofNanos(System.nanoTime() - start),
        scan.tooRecent());
    return new Result(summary, results);
  }

  /**
   * The cache as one run uses it: digests looked up before a batch is read, what was read
   * recorded after, the new ctime of files linked to, and at the end entries under the roots
   * that the run did not see pruned. A failure of the cache is one warning; the run goes on
   * without it.
   */
  private final class CacheUse {
    private final HashCache cache;
    private final ScanResult scan;
    private final Function<Name, Path> realPath;
    /** The inodes of the batch lookUp returned last, and what the cache held of each or null. */
    private List<Inode> lookedUp = List.of();
    private HashCache.Cached[] found = new HashCache.Cached[0];
    private final Set<Path> keptSeen = new HashSet<>();
    private boolean failed;
    private long lookUpNanos;

    CacheUse(HashCache cache, ScanResult scan, Function<Name, Path> realPath) {
      this.cache = cache;
      this.scan = scan;
      this.realPath = realPath;
    }

    /** Gives each inode of {@code batch} the digests the cache holds for it; returns them all. */
    List<Inode> lookUp(List<List<Inode>> batch) {
      List<Inode> all = new ArrayList<>();
      batch.forEach(all::addAll);
      lookedUp = all;
      found = new HashCache.Cached[all.size()];
      if (failed) {
        return all;
      }
      long started = System.nanoTime();
      try {
        List<FileStat> stats = new ArrayList<>(all.size());
        for (Inode inode : all) {
          stats.add(inode.stat());
        }
        found = cache.get(stats);
        for (int i = 0; i < found.length; i++) {
          HashCache.Cached c = found[i];
          if (c != null) {
            Inode inode = all.get(i);
            inode.setPartialDigest(c.partial());
            inode.setFullDigest(c.sha256());
          }
        }
      } catch (SQLException e) {
        fail(e);
      }
      lookUpNanos += System.nanoTime() - started;
      return all;
    }

    /**
     * Records what was read of {@code inodes}, the list {@link #lookUp} returned last; drops
     * partial keys, which are no longer needed.
     */
    void record(List<Inode> inodes) {
      try {
        for (int i = 0; i < inodes.size(); i++) {
          if (failed) {
            break;
          }
          Inode inode = inodes.get(i);
          HashCache.Cached had = inodes == lookedUp ? found[i] : null;
          boolean learned = had == null
              ? inode.partialDigest() != null || inode.fullDigest() != null
              // a file the cache knew by its first and last blocks was now read in full
              : had.sha256() == null && inode.fullDigest() != null;
          if (learned) {
            cache.put(inode.stat(), inode.partialDigest(), inode.fullDigest(),
                PathBytes.of(realPath.apply(inode.firstName())));
          }
        }
      } catch (SQLException e) {
        fail(e);
      }
      for (Inode inode : inodes) {
        inode.setPartialDigest(null);
      }
      lookedUp = List.of();
      found = new HashCache.Cached[0];
    }

    /** Linking names to a file changes its ctime: the entry is given the new one. */
    void linked(GroupResult result) {
      for (GroupResult.Link link : result.linked()) {
        if (failed || !keptSeen.add(link.kept())) {
          continue;
        }
        try {
          FileStat now = FileStat.of(link.kept());
          cache.linked(now, now.ctimeNanos());
        } catch (IOException e) {
          // gone or changed since: its entry no longer matches and will be a miss
        } catch (SQLException e) {
          fail(e);
        }
      }
      keptSeen.clear();
    }

    void finish(long start) {
      if (failed) {
        return;
      }
      try {
        List<byte[]> roots = new ArrayList<>();
        for (ScanResult.Root r : scan.roots()) {
          roots.add(PathBytes.of(r.real()));
        }
        long pruned = cache.prune(roots);
        cache.commit();
        if (options.verbosity() > 1 && Debug.LOG.isDebugEnabled()) {
          Debug.LOG.debug("cache {}: {} hits, {} misses ({} ms looking up, {}), {} entries "
              + "pruned ({} ms)", cache.file(), cache.hits(), cache.misses(),
              lookUpNanos / 1_000_000, cache.preloaded() < 0 ? "in the database"
                  : cache.preloaded() + " entries read when opened",
              pruned, (System.nanoTime() - start) / 1_000_000);
        }
      } catch (SQLException e) {
        fail(e);
      }
    }

    private void fail(SQLException e) {
      failed = true;
      problems.warning("not using the cache " + cache.file() + " any further: "
          + e.getMessage());
    }
  }

  private void log(String stage, long count, String what, long start) {
    if (options.verbosity() > 1 && Debug.LOG.isDebugEnabled()) {
      long ms = (System.nanoTime() - start) / 1_000_000;
      Debug.LOG.debug("after {}: {} {} ({} ms)", stage, count, what, ms);
    }
  }
}
