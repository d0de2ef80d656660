package linkdupes.link;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import linkdupes.base.Paths;
import linkdupes.base.RunContext;
import linkdupes.fs.FileStat;
import linkdupes.fs.LinkOps;
import linkdupes.group.Name;
import linkdupes.scan.FoundFile;

/**
 * Temporary names left by a killed run. Each is only an extra name of a file (a run creates it
 * as a second link), so removing it loses nothing; a file whose only name it is stays. A dry
 * run counts what a real run would remove.
 */
public final class Leftovers {
  private Leftovers() {}

  /** How many of {@code found} a real run would remove: those that are an extra name. */
  public static long count(List<FoundFile> found) {
    long n = 0;
    for (FoundFile f : found) {
      try {
        FileStat st = FileStat.of(f.path());
        n += st.isRegularFile() && st.nlink() >= 2 ? 1 : 0;
      } catch (IOException e) {
        // gone, or unreadable: a real run would not remove it either
      }
    }
    return n;
  }

  /**
   * Removes each of {@code found} that is an extra name of its file, in its directory opened
   * without following symlinks; returns how many were removed.
   */
  public static long remove(List<FoundFile> found, LinkOps ops,
      Function<Name, Path> realPath, RunContext run) {
    long removed = 0;
    try (Directories directories = new Directories(Directories.CACHED)) {
      for (FoundFile f : found) {
        removed += remove(new Name(f.path(), f.root()), ops, realPath, directories, run) ? 1 : 0;
      }
    }
    return removed;
  }

  private static boolean remove(Name name, LinkOps ops, Function<Name, Path> realPath,
      Directories directories, RunContext run) {
    Path path = name.path();
    try {
      FileStat st = FileStat.of(path);
      if (!st.isRegularFile() || st.nlink() < 2) {
        run.problems().warning("leaving " + Paths.display(path)
            + ": named like a temporary name, but it is the only name of its file");
        return false;
      }
      Directory dir = directories.open(realPath.apply(name).getParent());
      if (!FileStat.sameInode(dir.attributes(path.getFileName()), st)) {
        run.changed(path);
        return false;
      }
      ops.delete(dir.stream(), path.getFileName());
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      run.problems().error("cannot remove temporary name", path, e);
      return false;
    }
  }
}
