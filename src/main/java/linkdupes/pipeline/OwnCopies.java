package linkdupes.pipeline;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import linkdupes.base.Paths;
import linkdupes.base.RunContext;
import linkdupes.base.Sizes;
import linkdupes.fs.FileMeta;
import linkdupes.fs.FileStat;
import linkdupes.fs.LinkOps;
import linkdupes.journal.Entry;
import linkdupes.journal.Journal;
import linkdupes.link.Splitter;

/**
 * Names given their own copy again, by undo and split alike: the room checked on every file
 * system first, then each name copied, recorded in the journal (when one is kept) before its
 * copy replaces it, and what was done marked at the end.
 */
final class OwnCopies implements AutoCloseable {
  /** A name to be given its own copy: what to record of it, and the file it is now. */
  record Name(Entry entry, FileStat shared) {}

  private final Journal journal;
  private final long runId;
  private final Splitter splitter;
  private final List<Long> seqs = new ArrayList<>();
  private final List<Integer> states = new ArrayList<>();

  /** With {@code journal} null, nothing is recorded. */
  OwnCopies(Journal journal, long runId, LinkOps ops, RunContext run) {
    this.journal = journal;
    this.runId = runId;
    this.splitter = new Splitter(ops, run);
  }

  /**
   * Throws, changing nothing, unless every file system has room for a copy of every name on
   * it: what a copy needs at most (where the file system shares the copy's blocks, as btrfs
   * and XFS do, it needs next to none).
   */
  static void checkRoom(List<Name> names) throws IOException {
    Map<FileStore, long[]> need = new LinkedHashMap<>();
    for (Name n : names) {
      FileStore store = Files.getFileStore(n.entry().path().getParent());
      long[] bytesAndCount = need.computeIfAbsent(store, s -> new long[2]);
      bytesAndCount[0] += n.shared().size();
      bytesAndCount[1]++;
    }
    for (Map.Entry<FileStore, long[]> e : need.entrySet()) {
      long free = e.getKey().getUsableSpace();
      long bytes = e.getValue()[0];
      if (bytes > free) {
        throw new IOException("not enough space on " + Paths.display(e.getKey().toString())
            + ": " + e.getValue()[1] + " copies need " + Sizes.human(bytes) + " (" + bytes
            + " bytes), " + Sizes.human(free) + " (" + free + " bytes) are free; nothing was "
            + "changed");
      }
    }
  }

  /** Gives one name its own copy with {@code meta}; recorded before the copy replaces it. */
  Splitter.Outcome give(Name n, FileMeta meta) {
    Entry e = n.entry();
    Splitter.Outcome outcome = splitter.split(e.path(), e.path(), n.shared(), meta,
        new Splitter.Record() {
          @Override
          public void naming(Path name, Path temp) throws IOException {
            copy(temp, 0); // its name, before it exists: a kill after leaves it findable
          }

          @Override
          public void copied(Path name, Path temp, long ino) throws IOException {
            copy(temp, ino);
          }

          private void copy(Path temp, long ino) throws IOException {
            if (journal != null) {
              journal.record(runId, List.of(new Entry(e.seq(), e.group(), e.method(),
                  e.path(), n.shared(), meta, e.sha256(), e.kept(), n.shared().ino(),
                  n.shared().mtimeNanos(), Entry.PLANNED, temp, ino)));
            }
          }
        });
    seqs.add(e.seq());
    states.add(outcome == Splitter.Outcome.SPLIT ? Entry.DONE : Entry.NOT_DONE);
    return outcome;
  }

  /** Removes a copy a killed run left under its temporary name; true when it did. */
  boolean removeLeftover(Path temp, long ino) {
    return splitter.removeCopy(temp, ino);
  }

  /**
   * Removes, in the folders of {@code entries}, the temporary names of their run (extra names of
   * the files of its groups) that a kill left.
   */
  void removeLeftoverLinks(List<Entry> entries) {
    java.util.Set<Long> inodes = new java.util.HashSet<>();
    java.util.Set<Path> folders = new java.util.LinkedHashSet<>();
    for (Entry e : entries) {
      inodes.add(e.keptIno());
      inodes.add(e.before().ino());
      folders.add(e.path().getParent());
    }
    for (Path f : folders) {
      splitter.removeLeftoverLinks(f, inodes);
    }
  }

  /** Marks in the journal what was done, and the run finished. */
  void finish(long bytes) throws IOException {
    if (journal == null) {
      return;
    }
    long[] s = new long[seqs.size()];
    int[] v = new int[seqs.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = seqs.get(i);
      v[i] = states.get(i);
    }
    journal.states(runId, s, v);
    journal.finish(runId, bytes);
  }

  @Override
  public void close() {
    splitter.close();
  }
}
