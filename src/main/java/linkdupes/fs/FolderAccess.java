package linkdupes.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Who can reach a name through the folders above it: a file's permission bits grant nothing to
 * someone who cannot search every folder from {@code /} down to it. Two names linked become
 * one file, reachable through either: where the folders above them let other users (or the
 * file's group) through to one and not the other, linking would give those users the other
 * file. Each folder is looked at once per run.
 */
public final class FolderAccess {
  /** Other users can search every folder above the name. */
  public static final long OTHERS = 1;
  /** Members of the file's group can search every folder above the name. */
  public static final long GROUP = 2;

  private final Map<Path, FileStat> folders = new HashMap<>();

  /**
   * Who, besides the owner, the file's own bits let in and its folders let through, for the
   * name at {@code realPath} (no symlink in it) of a file with the attributes {@code file}:
   * {@link #OTHERS} and {@link #GROUP} bits; 0 for a file only its owner can open.
   */
  public long reach(Path realPath, FileStat file) throws IOException {
    int mode = file.permissions();
    boolean others = (mode & 0007) != 0;
    boolean group = (mode & 0070) != 0;
    for (Path dir = realPath.toAbsolutePath().getParent(); dir != null && (others || group);
        dir = dir.getParent()) {
      FileStat d = folder(dir);
      int m = d.permissions();
      boolean othersSearch = (m & 0001) != 0;
      others &= othersSearch;
      group &= othersSearch || (d.gid() == file.gid() && (m & 0010) != 0);
    }
    return (others ? OTHERS : 0) | (group ? GROUP : 0);
  }

  private FileStat folder(Path dir) throws IOException {
    FileStat st = folders.get(dir);
    if (st == null) {
      st = FileStat.of(dir);
      folders.put(dir, st);
    }
    return st;
  }
}
