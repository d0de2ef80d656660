package linkdupes.scan;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import linkdupes.base.Paths;
import linkdupes.base.Problems;
import linkdupes.base.Progress;
import linkdupes.base.RunContext;
import linkdupes.base.TemporaryNames;
import linkdupes.fs.FileStat;
import linkdupes.fs.PathBytes;
import linkdupes.scan.ScanResult.Root;

/**
 * Walks the roots with {@link Files#walkFileTree} and collects the regular files that may have
 * duplicates. Symlinks are neither followed nor collected unless asked; each file is visited
 * once even when roots are repeated or nested.
 */
public final class TreeWalker {
  private final WalkSettings settings;
  private final PathFilter filter;
  private final Problems problems;
  private final Progress progress;

  /** A walk that reports its problems and the files it found so far to {@code run}. */
  public TreeWalker(WalkSettings settings, RunContext run) {
    this.settings = settings;
    this.filter = new PathFilter(settings.includes(), settings.excludes());
    this.problems = run.problems();
    this.progress = run.progress();
  }

  public ScanResult walk(List<Path> given) throws IOException {
    var visitor = new Visitor();
    List<Root> roots = roots(given);
    for (Root root : roots) {
      visitor.root = root;
      visitor.rootDev = settings.oneFileSystem() ? dev(root.start()) : 0;
      Set<FileVisitOption> options = settings.followSymlinks()
          ? EnumSet.of(FileVisitOption.FOLLOW_LINKS)
          : EnumSet.noneOf(FileVisitOption.class);
      Files.walkFileTree(root.start(), options, Integer.MAX_VALUE, visitor);
    }
    return new ScanResult(visitor.table, visitor.leftovers, roots, new ScanResult.Counts(
        visitor.regular, visitor.bytes, visitor.other, visitor.loops, visitor.unreadable,
        visitor.tooRecent));
  }

  /** Resolves the roots; drops missing ones (an error), repeated and nested ones (a warning). */
  List<Root> roots(List<Path> given) {
    List<Root> resolved = new ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      Path p = given.get(i);
      try {
        Path real = p.toRealPath();
        Path start = Files.isSymbolicLink(p) ? real : p.normalize();
        if (start.toString().isEmpty()) {
          start = Path.of(".");
        }
        resolved.add(new Root(start, real, i));
      } catch (IOException e) {
        problems.error("cannot scan", p, e instanceof NoSuchFileException
            ? new NoSuchFileException(p.toString(), null, "No such file or directory") : e);
      }
    }
    // another root is another Root object: records are not compared here, whose generated
    // equals would cost a run its first-use linking (see FileTable.Meta)
    List<Root> kept = new ArrayList<>();
    List<Root> inside = new ArrayList<>();
    for (Root r : resolved) {
      if (resolved.stream().noneMatch(o -> contains(o, r))) {
        kept.add(r);
      } else {
        inside.add(r);
      }
    }
    for (Root r : inside) {
      Root outer = kept.stream().filter(o -> contains(o, r)).findFirst().orElseThrow();
      problems.warning("skipping " + Paths.display(given.get(r.index()))
          + ": already scanned as part of " + Paths.display(given.get(outer.index())));
    }
    return kept;
  }

  /** True when {@code outer} covers {@code inner}: inner lies below it, or is it and came later. */
  private static boolean contains(Root outer, Root inner) {
    return outer != inner && inner.real().startsWith(outer.real())
        && (!inner.real().equals(outer.real()) || outer.index() < inner.index());
  }

  private static long dev(Path p) throws IOException {
    return (Long) Files.getAttribute(p, "unix:dev");
  }

  private final class Visitor extends SimpleFileVisitor<Path> {
    final FileTable table = new FileTable();
    final List<FoundFile> leftovers = new ArrayList<>();
    /** The table's index of each directory being walked, innermost last. */
    int[] dirs = new int[64];
    int depth;
    Root root;
    long rootDev;
    long regular;
    long bytes;
    long other;
    long loops;
    long unreadable;
    long tooRecent;
    /** Files modified after this instant (ns since the epoch) are too recent to link. */
    final long newest = settings.minAge().isZero() ? Long.MAX_VALUE
        : (System.currentTimeMillis() - settings.minAge().toMillis()) * 1_000_000L;

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
        throws IOException {
      if (!dir.equals(root.start())) {
        if (!filter.excludesNothing() && filter.excluded(root.start().relativize(dir))) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        if (settings.oneFileSystem() && dev(dir) != rootDev) {
          return FileVisitResult.SKIP_SUBTREE;
        }
      }
      if (depth == dirs.length) {
        dirs = java.util.Arrays.copyOf(dirs, depth * 2);
      }
      dirs[depth++] = table.directory(dir);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
      if (!attrs.isRegularFile()) {
        other++;
        return FileVisitResult.CONTINUE;
      }
      // the name as bytes, taken once: checked here and stored by the table
      byte[] all = table.keepsBytes() ? PathBytes.bytes(file) : null;
      int from = all == null ? 0 : FileTable.nameStart(all);
      boolean temporary = all != null ? TemporaryNames.isTemporary(all, from, all.length)
          : file.getFileName() != null
              && TemporaryNames.isTemporary(file.getFileName().toString());
      // the path below the root is only needed for globs, and costs a relativize per file
      Path relative = filter.isEmpty() ? null
          : file.equals(root.start()) ? file.getFileName() : root.start().relativize(file);
      if (relative != null && filter.excluded(relative)) {
        return FileVisitResult.CONTINUE;
      }
      if (temporary) {
        // a leftover of a killed run is removed only where the run may touch files at all
        if ((relative == null || filter.included(relative))
            && FileStat.nanos(attrs.lastModifiedTime()) <= newest) {
          leftovers.add(new FoundFile(file, root.index(), attrs.size()));
        }
        return FileVisitResult.CONTINUE;
      }
      regular++;
      long size = attrs.size();
      bytes += size;
      progress.walked(regular, bytes);
      if (size >= settings.minSize() && size <= settings.maxSize()
          && (relative == null || filter.included(relative))) {
        FileStat st = FileStat.of(attrs);
        if (st == null) {
          try {
            st = FileStat.of(file);
          } catch (IOException e) {
            unreadable++;
            problems.error("cannot read", file, e);
            return FileVisitResult.CONTINUE;
          }
        }
        if (st.mtimeNanos() > newest) {
          tooRecent++; // perhaps still being written: left alone
          return FileVisitResult.CONTINUE;
        }
        int row = depth > 0 ? table.add(dirs[depth - 1], all, from, file, root.index(), st)
            : table.add(file, root.index(), st); // a root that is a file
        table.accessed(row, FileStat.nanos(attrs.lastAccessTime()));
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) {
      if (e instanceof FileSystemLoopException) {
        loops++;
        problems.warning("not following " + Paths.display(file) + ": symbolic link loop");
      } else {
        unreadable++;
        problems.error("cannot read", file, e);
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException e) {
      depth--;
      if (e != null) {
        unreadable++;
        problems.error("cannot read directory", dir, e);
      }
      return FileVisitResult.CONTINUE;
    }
  }
}
