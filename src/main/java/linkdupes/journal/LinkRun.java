package linkdupes.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import linkdupes.fs.FileMeta;
import linkdupes.fs.FileStat;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.link.GroupResult;
import linkdupes.plan.LinkGroup;
import linkdupes.scan.FileTable;

/**
 * A linking run's record in the journal: every name of every duplicate it is about to replace
 * (or, of a clone, every file whose blocks it is about to share), each name's metadata read
 * just then, written and committed before any name of its group is changed; what was done
 * marked at the end.
 *
 * <p>The groups are recorded on a thread of their own, a chunk at a time, while the groups
 * recorded already are linked: a group is linked only once {@link #awaitRecorded} says it is
 * written. Recording the mixed test tree's 7,690 names before linking any took 170-230 ms of a
 * 2.2 s run (+14%); alongside the linking, with the metadata the walk and the attributes'
 * reading saw already, the run took 2.03 s (1.90-2.59) against 1.97 s (1.80-2.15) with no
 * journal (+3%; 8 runs each, alternating, --no-cache).
 */
public final class LinkRun {
  /** Groups recorded in one transaction; the first chunk is small, so linking starts soon. */
  private static final int CHUNK = 512;
  private static final int FIRST_CHUNK = 16;

  private final Journal journal;
  private final List<LinkGroup> groups;
  private final Function<Name, Path> realPath;
  /** The run compared attributes: an inode read to have none needs no second look. */
  private final boolean attributesCompared;
  private long id;
  /** Each name planned, by the path the run shows it as: its entry. */
  private final Map<Path, Entry> byShown = new HashMap<>();
  /** Each file of the plan's groups (kept ones and duplicates) by a name as shown: its inode. */
  private final Map<Path, Inode> files = new HashMap<>();
  private final Thread recorder;
  /** Groups recorded and committed so far, in the plan's order. */
  private int recorded;
  private IOException failure;

  private LinkRun(Journal journal, List<LinkGroup> groups,
      Function<Name, Path> realPath, boolean attributesCompared, List<Path> roots,
      String options) {
    this.journal = journal;
    this.groups = groups;
    this.realPath = realPath;
    this.attributesCompared = attributesCompared;
    this.recorder = new Thread(() -> record(roots, options), "linkdupes-journal");
    this.recorder.setDaemon(true);
  }

  /**
   * Starts recording {@code groups} in {@code journal}, on a thread of its own. {@code realPath} gives the real path of a name, which is recorded;
   * {@code attributesCompared}, that the run read and compared every inode's attributes.
   */
  public static LinkRun begin(Journal journal, List<Path> roots,
      String options, List<LinkGroup> groups, Function<Name, Path> realPath,
      boolean attributesCompared) {
    LinkRun r = new LinkRun(journal, groups, realPath, attributesCompared, roots, options);
    r.recorder.start();
    return r;
  }

  private void record(List<Path> roots, String options) {
    try {
      id = journal.startRun("link", roots, options, 0);
      long seq = 0;
      int from = 0;
      while (from < groups.size()) {
        int to = Math.min(groups.size(), from + (from == 0 ? FIRST_CHUNK : CHUNK));
        List<Entry> entries = new ArrayList<>();
        for (int g = from; g < to; g++) {
          seq = entries(g, seq, entries);
        }
        journal.record(id, entries);
        synchronized (this) {
          recorded = to;
          notifyAll();
        }
        from = to;
      }
    } catch (IOException e) {
      failed(e);
    } catch (RuntimeException e) {
      failed(new IOException(e.toString(), e));
    }
  }

  private synchronized void failed(IOException e) {
    failure = e;
    notifyAll();
  }

  /**
   * Waits until group {@code k} of the plan is recorded and committed. Returns null then, or
   * the journal's failure: the groups not recorded are linked all the same, without a record.
   */
  public synchronized IOException awaitRecorded(int k) {
    boolean interrupted = false;
    while (recorded <= k && failure == null) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return recorded > k ? null : failure;
  }

  /** The entries of group {@code g}, numbered from {@code seq} + 1; the last number. */
  private long entries(int g, long seq, List<Entry> into) {
    LinkGroup group = groups.get(g);
    Inode kept = group.kept();
    Path keptPath = real(kept.firstName());
    synchronized (files) {
      files.put(kept.firstName().path(), kept);
    }
    for (Inode dup : group.duplicates()) {
      for (Name n : dup.names()) {
        Entry e = entry(++seq, g, group, dup, n, keptPath, kept);
        synchronized (files) {
          files.put(n.path(), dup);
          byShown.put(n.path(), e);
        }
        into.add(e);
        if (group.isClone()) {
          break; // a clone is of the file, by its first name
        }
      }
    }
    return seq;
  }

  private Entry entry(long seq, long group, LinkGroup g, Inode dup, Name n, Path keptPath,
      Inode kept) {
    Path path = real(n);
    FileStat walked = dup.stat();
    FileMeta meta = null;
    long atime = dup.atimeNanos();
    if (!g.isClone() && attributesCompared && dup.hasNoAttributes()
        && atime != FileTable.UNKNOWN) {
      // all the walk and the attributes' reading saw already: no call for it (the mixed test
      // tree's 7,690 names took 110-140 ms to read again one by one)
      meta = new FileMeta(walked.permissions(), walked.uid(), walked.gid(), atime,
          walked.mtimeNanos(), List.of());
    } else if (!g.isClone()) {
      try {
        FileMeta.Read now = FileMeta.read(path);
        if (now.stat().sameContentIdentity(walked)) {
          meta = now.meta();
        }
      } catch (IOException e) {
        // the link of a name that cannot be read is refused too; kept as the walk saw it
      }
    }
    if (meta == null) { // as the walk saw it: no access time and no attributes read
      meta = new FileMeta(walked.permissions(), walked.uid(), walked.gid(),
          walked.mtimeNanos(), walked.mtimeNanos(), List.of());
    }
    return new Entry(seq, group, g.method().word(), path, walked, meta, g.digest(), keptPath,
        kept.ino(), kept.mtimeNanos(), Entry.PLANNED, null, 0);
  }

  private Path real(Name n) {
    return realPath.apply(n).toAbsolutePath();
  }

  /**
   * Marks what was done (each name linked, and to which file; the others not done) and the run
   * finished; throws the recorder's failure if it had one.
   */
  public void finished(List<GroupResult> results, long bytesFreed) throws IOException {
    try {
      recorder.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    if (failure != null) {
      throw failure;
    }
    List<Long> notDone = new ArrayList<>();
    Map<Long, Entry> done = new HashMap<>();
    for (GroupResult result : results) {
      Path planned = result.group().kept().firstName().path();
      for (GroupResult.Link link : result.linked()) {
        Entry e = byShown.get(link.name().path());
        if (e == null) {
          continue;
        }
        done.put(e.seq(), e);
        Inode to = files.get(link.kept());
        if (!link.kept().equals(planned) && to != null) { // kept instead, on a link limit
          journal.keptInstead(id, e, real(to.firstName()), to.ino(), to.mtimeNanos());
        }
      }
    }
    for (Entry e : byShown.values()) {
      if (!done.containsKey(e.seq())) {
        notDone.add(e.seq());
      }
    }
    journal.finish(id, bytesFreed, notDone);
  }
}
