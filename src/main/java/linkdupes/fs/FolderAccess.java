package linkdupes.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Who can reach a name through the folders above it: a file's permission bits grant nothing to
 * someone who cannot search every folder from {@code /} down to it. Two names linked become
 * one file, reachable through either: where the folders above them let other users through to
 * one and not the other, linking would give those users the other file. Each folder is looked
 * at once per run.
 *
 * <p>A name's reach is told by the folders that do not let everyone through: their owner,
 * group and permission bits, in order from the name up. Two names with the same such folders
 * are reached by exactly the same users; folders that let everyone search restrict no one.
 */
public final class FolderAccess {
  private final Map<Path, FileStat> folders = new HashMap<>();
  /** Permission bits may differ between files linked (-p): a file's own bits exempt none. */
  private final boolean modesMerge;

  public FolderAccess(boolean modesMerge) {
    this.modesMerge = modesMerge;
  }

  /**
   * A number equal for two names exactly when the same users can reach them, as far as the
   * file's own bits let anyone but its owner in: 0 for a file only its owner can open, unless
   * files of other bits are linked (then the bits the linked file keeps may let others in).
   * {@code realPath} has no symlink in it; {@code file} is the file's attributes.
   */
  public long reach(Path realPath, FileStat file) throws IOException {
    if (!modesMerge && (file.permissions() & 0077) == 0) {
      return 0; // only its owner (and root) can open it, through any name
    }
    long h = 1;
    for (Path dir = realPath.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
      FileStat d = folder(dir);
      int m = d.permissions();
      if ((m & 0001) == 0) { // not everyone may search it: who may is told by these
        h = mix(mix(mix(h, d.uid()), d.gid()), m & 07770);
      }
    }
    return h == 0 ? 1 : h;
  }

  private static long mix(long h, long v) {
    long x = (h ^ v) * 0x9E3779B97F4A7C15L;
    return x ^ (x >>> 31);
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
