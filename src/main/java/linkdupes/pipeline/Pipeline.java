package linkdupes.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import linkdupes.base.Paths;
import linkdupes.base.RunContext;
import linkdupes.cache.CacheSession;
import linkdupes.cache.Candidates;
import linkdupes.cache.RunLock;
import linkdupes.fs.Attributes;
import linkdupes.fs.ChangedDuringRunException;
import linkdupes.fs.Dedupe;
import linkdupes.fs.FolderAccess;
import linkdupes.fs.LinkOps;
import linkdupes.fs.Mounts;
import linkdupes.fs.VerifiedFile;
import linkdupes.group.ContentGroup;
import linkdupes.group.Grouping;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.hash.ContentReader;
import linkdupes.hash.Digests;
import linkdupes.hash.Thumbnails;
import linkdupes.link.CloneDevices;
import linkdupes.link.Cloner;
import linkdupes.link.GroupResult;
import linkdupes.link.Leftovers;
import linkdupes.journal.Journal;
import linkdupes.journal.LinkRun;
import linkdupes.link.Linker;
import linkdupes.plan.LinkGroup;
import linkdupes.plan.LinkPlan;
import linkdupes.plan.Method;
import linkdupes.plan.Planner;
import linkdupes.scan.FileTable;
import linkdupes.scan.ScanResult;
import linkdupes.scan.TreeWalker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run, stage by stage: walk the roots, group the files by size, then by inode (names of
 * one inode are one candidate), by their first and last blocks, by all their bytes; plan which
 * inode each group keeps; link the others to it, or in a dry run only say so. A group moves on
 * only while it holds two or more inodes, so nothing already linked is read.
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  /** Files of the size groups taken through the inode and content stages at once. */
  static final int BATCH_FILES = 1 << 16;
  /**
   * Groups linked at once, at most. Linking the mixed test tree (7,690 renames) took 4.5 s on
   * one thread, 4.0 s on two, 3.0 s on four, 2.9 s on eight and 3.2 s on sixteen.
   */
  static final int LINK_THREADS = 4;

  private final Options options;
  private final LinkOps ops;
  private final RunContext run;
  private final long start = System.nanoTime();
  /** The journal, opened when a run is about to change something; closed as it ends. */
  private Journal journal;

  /**
   * The summary and what became of each group, in the plan's order; with an HTML report, the
   * pictures made of the images read (else null).
   */
  public record Result(Summary summary, List<GroupResult> groups, Thumbnails thumbnails) {
    public Result(Summary summary, List<GroupResult> groups) {
      this(summary, groups, null);
    }
  }

  /** Pictures for the HTML report, made as the files are read; null without one. */
  private final Thumbnails thumbnails;

  public Pipeline(Options options, LinkOps ops, RunContext run) {
    this.options = options;
    this.ops = ops;
    this.run = run;
    this.thumbnails = options.htmlReport() == null ? null : Thumbnails.forReport();
  }

  /**
   * Runs, holding the cache's lock and using the cache when the options name one.
   *
   * @throws RunLock.HeldException when another run holds the cache and the options do not say
   *     to wait; nothing was done
   */
  public Result run() throws IOException, RunLock.HeldException {
    try {
      return runStages();
    } finally {
      if (journal != null) {
        journal.close();
      }
    }
  }

  private Result runStages() throws IOException, RunLock.HeldException {
    VerifiedFile.loadInBackground();
    try (CacheSession cache = CacheSession.open(options.cache().file(),
        options.cache().waitForLock(), run)) {
      ScanResult scan = new TreeWalker(options.walk(), run).walk(options.roots());
      log("walk", scan.candidates().rows(), "candidate files");
      List<int[]> sizeGroups = Grouping.bySize(scan.candidates());
      log("size", sizeGroups.size(), "groups");
      Function<Name, Path> realPath = realPaths(scan);
      CloneDevices devices = options.method() == Method.HARDLINK ? null
          : new CloneDevices(options.method() == Method.AUTO, realPath, run);
      List<ContentGroup> same = byContent(scan, sizeGroups, cache, realPath, devices);
      if (thumbnails != null) { // what the cache spared reading, pictured by an earlier run
        cache.pictures(same, thumbnails);
      }
      List<LinkGroup> clones = List.of();
      Map<String, Method> fileSystems = Map.of();
      if (devices != null) {
        CloneDevices.Split split = devices.split(same);
        fileSystems = split.fileSystems();
        clones = clonePlan(split.toClone(), realPath);
        same = split.toLink();
        log("blocks", clones.size(), "groups to clone");
      }
      Map<Inode, Long> mounts = new IdentityHashMap<>();
      same = byMount(same, Mounts.of(realRoots(scan)), realPath, mounts);
      log("mounts", same.size(), "groups");
      Attributed attributed = attributes(same, realPath);
      cache.attributesRead(attributed.read());
      same = attributed.same();
      log("attributes", same.size(), "groups");
      ToLongFunction<Inode> access = folderAccess(same, realFolders(scan));
      log("folder access", same.size(), "groups");
      LinkPlan plan = new Planner(options.policy(), attributed.fingerprints(), access,
          inode -> mounts.getOrDefault(inode, 0L)).plan(same).with(clones);
      if (options.maxLinks() > 0) {
        plan = plan.capped(options.maxLinks());
      }
      log("plan", plan.groups().size(), "groups");
      List<GroupResult> results;
      long leftovers;
      if (options.dryRun()) {
        results = planned(plan);
        leftovers = Leftovers.count(scan.leftovers());
      } else {
        LinkRun journaled = journal(plan, scan, realPath);
        java.util.concurrent.atomic.AtomicBoolean warned =
            new java.util.concurrent.atomic.AtomicBoolean();
        results = Linker.linkAll(plan.groups(), Math.min(LINK_THREADS, options.threads()), ops,
            realPath, run, k -> {
              IOException failed = journaled == null ? null : journaled.awaitRecorded(k);
              if (failed != null && warned.compareAndSet(false, true)) {
                run.problems().warning("the journal " + Paths.display(options.cache().journal())
                    + " failed: " + failed.getMessage() + " (the rest of this run is not "
                    + "recorded, and cannot be undone)");
              }
            });
        log("act", results.size(), "groups");
        if (journaled != null) {
          try {
            journaled.finished(results, Summary.Linked.of(results, 0).bytesFreed());
            log("journal", results.size(), "groups marked");
          } catch (IOException e) {
            if (!warned.get()) {
              run.problems().warning("the journal " + Paths.display(options.cache().journal())
                  + " does not say what was done (undo looks at each name): "
                  + e.getMessage());
            }
          }
        }
        cache.linked(results);
        leftovers = Leftovers.remove(scan.leftovers(), ops, realPath, run);
      }
      if (thumbnails != null) {
        cache.keepPictures(thumbnails);
      }
      cache.finish(scan.roots());
      run.progress().close();
      return new Result(summary(scan, plan, Summary.Linked.of(results, leftovers), fileSystems),
          results, thumbnails);
    }
  }

  /**
   * Records in the journal every name the plan is about to replace, committed before the first
   * is; null (and a warning: the run goes on, but cannot be undone) where the journal cannot be
   * used, and when there is nothing to change or no journal is kept.
   */
  private LinkRun journal(LinkPlan plan, ScanResult scan, Function<Name, Path> realPath) {
    Path file = options.cache().journal();
    if (file == null || plan.groups().isEmpty()) {
      return null;
    }
    try {
      // opened only now that there is something to record: a run that changes nothing (a
      // nightly run over a tree linked already) would load SQLite for nothing (0.34 s against
      // 0.37 s for the mixed tree without the cache)
      journal = Journal.open(file);
    } catch (IOException e) {
      run.problems().warning("not keeping the journal " + Paths.display(file) + ": "
          + e.getMessage() + " (this run cannot be undone)");
      return null;
    }
    return LinkRun.begin(journal, realRoots(scan), options.commandLine(), plan.groups(),
        realPath, !options.policy().ignoreXattrs());
  }

  /**
   * The size groups split into groups of equal content. They go through the inode and content
   * stages a batch at a time, so that only the inodes still in a group of duplicates outlive
   * their batch; each stage is given what the cache knows, and what the stages read is kept.
   * When a clone is to share blocks ({@code devices}, and not a dry run) and no report needs
   * digests, files with equal first and last blocks on a device that shares blocks are not
   * read further: the kernel compares them whole as it shares them
   * ({@link CloneDevices#leaveToKernel}).
   */
  private List<ContentGroup> byContent(ScanResult scan, List<int[]> sizeGroups,
      CacheSession cache, Function<Name, Path> realPath, CloneDevices devices) {
    boolean kernelCompares = devices != null && !options.dryRun() && !options.digests();
    FileTable table = scan.candidates();
    // followed symlinks may lead out of the roots: names there are never replaced
    List<Path> realRoots = realRoots(scan);
    run.progress().reading(bytesToRead(table, sizeGroups,
        kernelCompares && options.method() == Method.CLONE), run.tally().bytesRead);
    List<ContentGroup> same = new ArrayList<>();
    if (sizeGroups.isEmpty()) {
      return same; // nothing to read: no reader, and no wait for its native calls
    }
    try (ContentReader reader = new ContentReader(options.threads(),
        cache.isOpen() || options.digests(), run, thumbnails)) {
      cache.prepare(candidates(table, sizeGroups), scan.roots());
      HeapBound bound = new HeapBound();
      for (List<int[]> batch : batches(sizeGroups)) {
        List<List<Inode>> inodes = Grouping.byInode(table, batch,
            options.walk().followSymlinks(), realRoots, run);
        if (options.method() == Method.CLONE) { // not with auto: hard links compare them
          // the content stage of a clone of the mixed tree: 681-699 ms against 698-727 ms
          inodes.forEach(g -> g.forEach(Inode::attributesNotNeeded));
        }
        Digests known = cache.lookUp(inodes);
        ContentReader.Found ends = reader.byEnds(inodes, known);
        List<List<Inode>> open = ends.open();
        if (kernelCompares) {
          CloneDevices.Unread unread = devices.leaveToKernel(open);
          same.addAll(unread.toKernel());
          open = unread.toRead();
        }
        ContentReader.Found whole = reader.byContent(open, known);
        cache.record(inodes, known, realPath, ends.learned(), whole.learned());
        same.addAll(ends.same());
        same.addAll(whole.same());
        bound.afterBatch(); // what only this batch needed goes, before the next is read
      }
    }
    log("content", same.size(), "groups");
    return same;
  }

  /**
   * The groups whose duplicates are to share the kept file's blocks: by device alone, since
   * every file keeps its own metadata, and of each only the duplicates not sharing them yet.
   */
  private List<LinkGroup> clonePlan(List<ContentGroup> same, Function<Name, Path> realPath) {
    return Cloner.measure(Planner.forClones().plan(same).groups(),
        Math.min(LINK_THREADS, options.threads()), realPath, run);
  }

  /** The rows of the size groups, as the cache is told them before it is looked up. */
  private static Candidates candidates(FileTable table, List<int[]> sizeGroups) {
    return new Candidates() {
      @Override
      public int count() {
        int n = 0;
        for (int[] g : sizeGroups) {
          n += g.length;
        }
        return n;
      }

      @Override
      public int[] indexes() {
        int[] rows = new int[count()];
        int n = 0;
        for (int[] g : sizeGroups) {
          System.arraycopy(g, 0, rows, n, g.length);
          n += g.length;
        }
        return rows;
      }

      @Override
      public long dev(int row) {
        return table.dev(row);
      }

      @Override
      public long ino(int row) {
        return table.ino(row);
      }

      @Override
      public long size(int row) {
        return table.size(row);
      }

      @Override
      public long mtimeNanos(int row) {
        return table.mtimeNanos(row);
      }

      @Override
      public long ctimeNanos(int row) {
        return table.ctimeNanos(row);
      }
    };
  }

  private static List<Path> realRoots(ScanResult scan) {
    List<Path> real = new ArrayList<>();
    for (ScanResult.Root r : scan.roots()) {
      real.add(r.real());
    }
    return real;
  }

  /**
   * The groups with each inode's names split by the mount they are in, where the roots hold
   * more than one: link(2) refuses across mounts, even two of one file system (a bind mount).
   * An inode seen through two mounts becomes one part per mount, each with names outside
   * itself (the other part's), so linking one part frees nothing. {@code mountOf} gets the
   * mount of each part.
   */
  private List<ContentGroup> byMount(List<ContentGroup> same, Mounts mounts,
      Function<Name, Path> realPath, Map<Inode, Long> mountOf) {
    if (!mounts.several()) {
      return same; // nearly every run: one mount per device
    }
    List<ContentGroup> split = new ArrayList<>(same.size());
    for (ContentGroup g : same) {
      List<Inode> parts = new ArrayList<>(g.inodes().size());
      for (Inode inode : g.inodes()) {
        Map<Long, Inode> byMount =
            inode.partsBy(n -> mounts.of(realPath.apply(n).toAbsolutePath()));
        for (Map.Entry<Long, Inode> e : byMount.entrySet()) {
          mountOf.put(e.getValue(), e.getKey());
          parts.add(e.getValue());
        }
      }
      split.add(g.with(parts));
    }
    return split;
  }

  /** What is read of one inode to decide whether it may share a file with another. */
  private interface InodeKey {
    long of(Inode inode) throws IOException;
  }

  /**
   * Inodes of each group and the fingerprints of their attributes ({@link Attributes}), and
   * the inodes whose attributes were read here, for the cache.
   */
  private record Attributed(List<ContentGroup> same, ToLongFunction<Inode> fingerprints,
      List<Inode> read) {}

  private static final ToLongFunction<Inode> NO_ATTRIBUTES = inode -> Attributes.NONE;

  /**
   * Reads, through one descriptor per inode proven to be the walk's, the attributes linking
   * would make shared (extended attributes and flags: sets that differ keep inodes apart) and
   * the space each occupies. An inode changed since the walk leaves its group.
   */
  private Attributed attributes(List<ContentGroup> same, Function<Name, Path> realPath) {
    boolean compare = !options.policy().ignoreXattrs();
    if (!Attributes.available()) {
      return new Attributed(same, NO_ATTRIBUTES, List.of());
    }
    // without their fingerprint (not compared), not worth keeping: the next run may compare
    List<Inode> read = new ArrayList<>();
    // kept on the inodes themselves: a map of a million boxed numbers took 60-70 MiB
    List<ContentGroup> kept = new ArrayList<>(same.size());
    long unreadable = Long.MIN_VALUE;
    for (ContentGroup g : same) {
      List<Inode> unchanged = new ArrayList<>(g.inodes().size());
      for (Inode inode : g.inodes()) {
        if (!inode.wantsAttributes()) { // read with its bytes, through the same descriptor
          unchanged.add(inode);
          continue;
        }
        Path path = realPath.apply(inode.firstName());
        try {
          Attributes.Found found = Attributes.read(path, inode.stat(), compare);
          inode.attributes(found);
          unchanged.add(inode);
          if (compare) {
            read.add(inode);
          }
        } catch (ChangedDuringRunException e) {
          run.changed(inode.firstName().path());
        } catch (IOException e) {
          run.problems().error("cannot read the attributes of", inode.firstName().path(), e);
          inode.attributesUnreadable(unreadable++); // kept apart from every other
          unchanged.add(inode);
        }
      }
      if (unchanged.size() == g.inodes().size()) {
        kept.add(g);
      } else if (unchanged.size() >= 2) {
        kept.add(g.with(unchanged));
      }
    }
    return new Attributed(kept, compare ? Inode::attributes : NO_ATTRIBUTES, read);
  }

  /**
   * Who can reach each inode through the folders above its names ({@link FolderAccess}): the
   * users of every name, since the inode is theirs through any of them.
   */
  private ToLongFunction<Inode> folderAccess(List<ContentGroup> same,
      Function<Name, Path> realFolder) {
    if (options.policy().ignoreFolderAccess()) {
      return inode -> 0;
    }
    FolderAccess folders = new FolderAccess(options.policy().ignoreMode());
    // by the walk's own folder objects: one look-up per name, each real path made once
    Map<Path, Long> byFolder = new HashMap<>();
    InodeKey key = inode -> {
      if (folders.exempt(inode.stat())) {
        return 0;
      }
      long first = reach(inode.firstName(), folders, byFolder, realFolder);
      if (inode.nameCount() == 1) {
        return first; // nearly every inode
      }
      java.util.TreeSet<Long> reach = new java.util.TreeSet<>(); // each set of users once
      for (Name n : inode.names()) {
        reach.add(reach(n, folders, byFolder, realFolder));
      }
      long h = 0;
      for (long r : reach) {
        h = h * 0x9E3779B97F4A7C15L + r;
      }
      return reach.size() == 1 ? first : h;
    };
    long unreadable = Long.MIN_VALUE;
    for (ContentGroup g : same) {
      for (Inode inode : g.inodes()) {
        try {
          inode.access(key.of(inode));
        } catch (IOException e) {
          run.problems().error("cannot read the folders of", inode.firstName().path(), e);
          inode.access(unreadable++); // kept apart from all others
        }
      }
    }
    return Inode::access;
  }

  private static long reach(Name n, FolderAccess folders, Map<Path, Long> byFolder,
      Function<Name, Path> realFolder) throws IOException {
    Path folder = n.parent();
    Long known = byFolder.get(folder);
    if (known == null) {
      Path real = realFolder.apply(n);
      known = real == null ? 1 : folders.chain(real);
      byFolder.put(folder, known);
    }
    return known;
  }

  /** The size groups in batches of about {@link #BATCH_FILES} files, dropped as they are read. */
  private static List<List<int[]>> batches(List<int[]> sizeGroups) {
    List<List<int[]>> batches = new ArrayList<>();
    int from = 0;
    while (from < sizeGroups.size()) {
      int to = from;
      long files = 0;
      while (to < sizeGroups.size() && (files == 0 || files < BATCH_FILES)) {
        files += sizeGroups.get(to++).length;
      }
      batches.add(sizeGroups.subList(from, to));
      from = to;
    }
    return batches;
  }

  /**
   * The most bytes the content stages read: names of one inode are read once; of a file the
   * kernel is to compare ({@code endsOnly}), its first and last blocks.
   */
  private static long bytesToRead(FileTable table, List<int[]> sizeGroups, boolean endsOnly) {
    long bytes = 0;
    for (int[] g : sizeGroups) {
      long size = table.size(g[0]);
      boolean ends = endsOnly && !ContentReader.isWhollyRead(size)
          && size <= Dedupe.BYTES_PER_CALL;
      bytes += (ends ? 2L * ContentReader.BLOCK : size) * g.length;
    }
    return bytes;
  }

  /** The real path of a name's folder (absolute, no symlink in it), or null at {@code /}. */
  private Function<Name, Path> realFolders(ScanResult scan) {
    Function<Name, Path> real = realPaths(scan);
    return n -> real.apply(n).toAbsolutePath().getParent();
  }

  /** A name's path with no symlink in it: what is linked, and what the cache records. */
  private Function<Name, Path> realPaths(ScanResult scan) {
    return options.walk().followSymlinks()
        ? Name::path // names were made real when symlinks are followed
        : n -> scan.realPath(n.path(), n.root());
  }

  /** A dry run's results: every group as planned. */
  private static List<GroupResult> planned(LinkPlan plan) {
    return plan.groups().stream().map(GroupResult::planned).toList();
  }

  private Summary summary(ScanResult scan, LinkPlan plan, Summary.Linked linked,
      Map<String, Method> fileSystems) {
    return new Summary(options.dryRun(), scan.counts(), plan.counts(), linked,
        run.tally().changed.get(), run.tally().unreadable.get() + scan.counts().unreadable(),
        run.tally().bytesRead.get(), Duration.ofNanos(System.nanoTime() - start),
        options.method(), fileSystems);
  }

  private void log(String stage, long count, String what) {
    LOG.debug("after {}: {} {} ({} ms)", stage, count, what,
        (System.nanoTime() - start) / 1_000_000);
  }
}
