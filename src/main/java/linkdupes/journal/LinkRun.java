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

/**
 * A linking run's record in the journal: every name of every duplicate it is about to replace
 * (or, of a clone, every file whose blocks it is about to share) written and committed before
 * the first change, with the name's metadata read just then; what was done marked at the end.
 */
public final class LinkRun {
  private final Journal journal;
  private final long id;
  private final Function<Name, Path> realPath;
  /** Each name planned, by the path the run shows it as: its entry. */
  private final Map<Path, Entry> byShown = new HashMap<>();
  /** Each file of the plan's groups (kept ones and duplicates) by a name as shown: its inode. */
  private final Map<Path, Inode> files = new HashMap<>();

  private LinkRun(Journal journal, long id, Function<Name, Path> realPath) {
    this.journal = journal;
    this.id = id;
    this.realPath = realPath;
  }

  /**
   * Starts the run in the journal and records every change {@code groups} plan, committed
   * before this returns. {@code realPath} gives the real path of a name, which is recorded.
   */
  public static LinkRun start(Journal journal, List<Path> roots, String options,
      List<LinkGroup> groups, Function<Name, Path> realPath) throws IOException {
    LinkRun r = new LinkRun(journal, journal.startRun("link", roots, options, 0), realPath);
    List<Entry> entries = new ArrayList<>();
    long seq = 0;
    for (int g = 0; g < groups.size(); g++) {
      LinkGroup group = groups.get(g);
      Inode kept = group.kept();
      r.files.put(kept.firstName().path(), kept);
      Path keptPath = real(realPath, kept.firstName());
      for (Inode dup : group.duplicates()) {
        for (Name n : dup.names()) {
          r.files.put(n.path(), dup);
          Entry e = r.entry(++seq, g, group, dup, n, keptPath, kept);
          r.byShown.put(n.path(), e);
          entries.add(e);
          if (group.isClone()) {
            break; // a clone is of the file, by its first name
          }
        }
      }
    }
    journal.record(r.id, entries);
    return r;
  }

  private Entry entry(long seq, long group, LinkGroup g, Inode dup, Name n, Path keptPath,
      Inode kept) {
    Path path = real(realPath, n);
    FileStat walked = dup.stat();
    FileMeta meta = null;
    if (!g.isClone()) {
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

  private static Path real(Function<Name, Path> realPath, Name n) {
    return realPath.apply(n).toAbsolutePath();
  }

  /** Marks what was done: each name linked (and to which file), the others not done. */
  public void finished(List<GroupResult> results, long bytesFreed) throws IOException {
    Map<Long, Integer> states = new HashMap<>();
    for (Entry e : byShown.values()) {
      states.put(e.seq(), Entry.NOT_DONE);
    }
    for (GroupResult result : results) {
      Path planned = result.group().kept().firstName().path();
      for (GroupResult.Link link : result.linked()) {
        Entry e = byShown.get(link.name().path());
        if (e == null) {
          continue;
        }
        states.put(e.seq(), Entry.DONE);
        Inode to = files.get(link.kept());
        if (!link.kept().equals(planned) && to != null) { // kept instead, on a link limit
          journal.keptInstead(id, e.seq(), real(realPath, to.firstName()), to.ino(),
              to.mtimeNanos());
        }
      }
    }
    long[] seqs = new long[states.size()];
    int[] values = new int[states.size()];
    int k = 0;
    for (Map.Entry<Long, Integer> s : states.entrySet()) {
      seqs[k] = s.getKey();
      values[k++] = s.getValue();
    }
    journal.states(id, seqs, values);
    journal.finish(id, bytesFreed);
  }
}
