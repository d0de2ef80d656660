package linkdupes.scan;

import java.nio.file.Path;
import java.util.List;

/**
 * What a walk found: candidate files (within the size limits and filters), temporary names
 * left by an interrupted run, the roots, and what it counted for the report.
 */
public record ScanResult(
    FileTable candidates, List<FoundFile> leftovers, List<Root> roots, Counts counts) {

  /**
   * What the walk counted: regular files and their bytes, entries that are not regular files,
   * symlink loops not followed, files and folders it could not read, and files left alone
   * because they were modified within {@code --min-age}.
   */
  public record Counts(long files, long bytes, long otherEntries, long symlinkLoops,
      long unreadable, long tooRecent) {}

  /**
   * A root walked: where the walk started, its real path, its position on the command line.
   */
  public record Root(Path start, Path real, int index) {}

  /**
   * The real path of a file found under root {@code index}: the root's real path joined with
   * the path below it. It holds no symlink unless one was followed on purpose.
   */
  public Path realPath(Path found, int index) {
    for (Root r : roots) {
      if (r.index() == index) {
        return found.equals(r.start()) ? r.real() : r.real().resolve(r.start().relativize(found));
      }
    }
    throw new IllegalArgumentException("no root " + index);
  }
}
