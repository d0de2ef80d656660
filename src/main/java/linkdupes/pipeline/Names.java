package linkdupes.pipeline;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import linkdupes.base.Paths;
import linkdupes.base.Problems;
import linkdupes.base.RunContext;
import linkdupes.cache.CacheRecords;
import linkdupes.fs.FileStat;
import linkdupes.journal.Journal;
import linkdupes.journal.RunInfo;

/**
 * {@code linkdupes names FILE...}: every name each file has under the roots searched. The names
 * the journal and the cache lead to are checked first (a stat each); when they account for
 * every link the file has, nothing is walked. Otherwise the roots are walked once for all the
 * files, on their file system alone (a file's names are all on its own), and the walk stops
 * as soon as every link of every file is accounted for.
 */
public final class Names {
  private Names() {}

  /** What answered: the records alone, or a walk of the roots. */
  public enum Source {
    /** A file with one link: its name is the one given, and nothing is looked up. */
    ITSELF, JOURNAL, CACHE, JOURNAL_AND_CACHE, WALK
  }

  /**
   * One file: as given, its link count, its names under {@code roots} (sorted), how many of its
   * links lie outside them, and what answered; or, when it could not be read, {@code error}.
   */
  public record Found(Path file, long links, List<Path> names, long outside, List<Path> roots,
      Source source, String error) {}

  /** A file being looked for. */
  private static final class Target {
    final Path given;
    final FileStat stat;
    final List<Path> roots;
    final Set<Path> names = new TreeSet<>();
    /** Names found anywhere (by the records), inside the roots or not. */
    final Set<Path> everywhere = new LinkedHashSet<>();
    Source source;

    Target(Path given, FileStat stat, List<Path> roots) {
      this.given = given;
      this.stat = stat;
      this.roots = roots;
    }

    boolean complete() {
      return everywhere.size() >= stat.nlink();
    }

    void add(Path name) {
      everywhere.add(name);
      if (under(name, roots)) {
        names.add(name);
      }
    }
  }

  public static List<Found> run(Subcommand.Names asked, RunContext run) {
    // opened once: for the roots of its runs, then for the names it recorded
    try (Journal journal = openJournal(asked.journal())) {
      return run(asked, journal, run);
    }
  }

  private static List<Found> run(Subcommand.Names asked, Journal journal, RunContext run) {
    List<Found> out = new ArrayList<>();
    List<RunInfo> runs = journal == null || !asked.in().isEmpty() ? List.of() : runs(journal);
    List<Target> targets = new ArrayList<>();
    Map<Path, Found> failed = new LinkedHashMap<>();
    List<Path> in = new ArrayList<>();
    for (Path r : asked.in()) {
      try {
        in.add(r.toRealPath());
      } catch (IOException e) {
        run.problems().error("cannot search", r, e);
      }
    }
    for (Path given : asked.files()) {
      try {
        Path real = given.toRealPath();
        FileStat st = FileStat.of(real);
        if (!st.isRegularFile()) {
          throw new IOException("not a regular file");
        }
        List<Path> roots = asked.in().isEmpty() ? List.of(defaultRoot(real, st, runs)) : in;
        targets.add(new Target(given, st, roots));
      } catch (IOException e) {
        run.problems().error("cannot read", given, e);
        failed.put(given, new Found(given, 0, List.of(), 0, List.of(), null,
            Problems.reason(e)));
      }
    }
    fromRecords(targets, journal, asked.cache());
    walk(targets, run);
    int t = 0;
    for (Path given : asked.files()) {
      Found f = failed.get(given);
      if (f == null) {
        Target x = targets.get(t++);
        f = new Found(x.given, x.stat.nlink(), List.copyOf(x.names),
            Math.max(0, x.stat.nlink() - x.names.size()), x.roots, x.source, null);
      }
      out.add(f);
    }
    return out;
  }

  /** The journal, if there is one that can be read (none is made); else null. */
  private static Journal openJournal(Path file) {
    if (file == null || !Files.isRegularFile(file)) {
      return null;
    }
    try {
      return Journal.open(file);
    } catch (IOException | RuntimeException e) {
      return null; // the walk answers
    }
  }

  private static List<RunInfo> runs(Journal journal) {
    try {
      return journal.runs();
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * The smaller of the file's file system (from its mount point, the highest folder above it
   * on its device) and the deepest root of a journaled run that holds it.
   */
  static Path defaultRoot(Path real, FileStat st, List<RunInfo> runs) {
    Path mount = real.getParent();
    for (Path p = mount == null ? null : mount.getParent(); p != null; p = p.getParent()) {
      try {
        if (FileStat.of(p).dev() != st.dev()) {
          break;
        }
        mount = p;
      } catch (IOException e) {
        break;
      }
    }
    Path best = mount;
    for (RunInfo r : runs) {
      for (Path root : r.roots()) {
        if (real.startsWith(root) && (best == null || root.startsWith(best))) {
          best = root;
        }
      }
    }
    return best == null ? real.getRoot() : best;
  }

  /**
   * Checks every name the journal and the cache lead to: a name of the file now is one whose
   * lstat gives its device and inode. A file whose links are all found needs no walk.
   */
  private static void fromRecords(List<Target> targets, Journal journal, Path cacheFile) {
    if (targets.stream().allMatch(t -> t.stat.nlink() == 1)) {
      for (Target t : targets) { // no database opened for what a stat answers
        t.add(realName(t));
        t.source = Source.ITSELF;
      }
      return;
    }
    try (CacheRecords cache = CacheRecords.open(cacheFile)) {
      for (Target t : targets) {
        t.add(realName(t));
        if (t.complete()) {
          t.source = Source.ITSELF;
          continue;
        }
        boolean byJournal = false;
        boolean byCache = false;
        if (!t.complete() && cache != null) {
          Path p = cache.nameOf(t.stat.dev(), t.stat.ino());
          if (p != null && isNameOf(p, t.stat)) {
            byCache = !t.everywhere.contains(p);
            t.add(p);
          }
        }
        if (!t.complete() && journal != null) {
          try {
            for (Path p : journal.namesLinkedWith(List.copyOf(t.everywhere))) {
              if (!t.everywhere.contains(p) && isNameOf(p, t.stat)) {
                t.add(p);
                byJournal = true;
              }
            }
          } catch (IOException e) {
            // a lead only: the walk answers
          }
        }
        if (t.complete()) {
          t.source = byJournal && byCache ? Source.JOURNAL_AND_CACHE
              : byJournal ? Source.JOURNAL : byCache ? Source.CACHE : Source.WALK;
        }
      }
    }
  }

  /** The file as given, by its real folder and its own name (a symlink given is followed). */
  private static Path realName(Target t) {
    try {
      return t.given.toRealPath();
    } catch (IOException e) {
      return t.given.toAbsolutePath();
    }
  }

  private static boolean isNameOf(Path p, FileStat st) {
    try {
      return FileStat.of(p).sameInode(st);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Walks the roots of the files the records left incomplete, each root once for all of them,
   * on their devices alone, until every link of every one is found or the roots end.
   */
  private static void walk(List<Target> targets, RunContext run) {
    Map<Path, List<Target>> byRoot = new LinkedHashMap<>();
    for (Target t : targets) {
      if (t.complete()) {
        continue;
      }
      t.source = Source.WALK;
      for (Path r : t.roots) {
        byRoot.computeIfAbsent(r, k -> new ArrayList<>()).add(t);
      }
    }
    for (Map.Entry<Path, List<Target>> e : byRoot.entrySet()) {
      walkOne(e.getKey(), e.getValue(), run);
    }
  }

  private static void walkOne(Path root, List<Target> targets, RunContext run) {
    Set<Long> devices = new java.util.HashSet<>();
    for (Target t : targets) {
      devices.add(t.stat.dev());
    }
    try {
      Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              FileStat st = FileStat.of(attrs);
              // another file system holds none of the names (they are all on the file's own)
              return st != null && !devices.contains(st.dev()) ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (!attrs.isRegularFile()) {
                return FileVisitResult.CONTINUE;
              }
              // the stat the walk read, once for all the files looked for
              FileStat st = FileStat.of(attrs);
              boolean allDone = true;
              for (Target t : targets) {
                if (!t.complete() && (st != null ? st.sameInode(t.stat)
                    : FileStat.sameInode(attrs, t.stat))) {
                  t.add(file);
                }
                allDone &= t.complete();
              }
              return allDone ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              // a folder that cannot be read may hide a name: said, and counted as outside
              run.problems().warning("cannot search " + Paths.display(file) + ": "
                  + (e.getMessage() == null ? e : e.getMessage()));
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      run.problems().error("cannot search", root, e);
    }
  }

  /** True when {@code p} is under (or is) one of {@code roots}. */
  static boolean under(Path p, List<Path> roots) {
    for (Path r : roots) {
      if (p.startsWith(r)) {
        return true;
      }
    }
    return false;
  }
}
