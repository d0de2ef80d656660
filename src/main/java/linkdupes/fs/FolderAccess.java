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
 * group, permission bits and access ACL (which may let named users and groups in), in order
 * from the name up. Two names with the same such folders
 * are reached by exactly the same users; folders that let everyone search restrict no one.
 */
public final class FolderAccess {
  /** Who may reach what is in a folder, through it and every folder above it: see reach. */
  private final Map<Path, Long> chains = new HashMap<>();
  /** Permission bits may differ between files linked (-p): a file's own bits exempt none. */
  private final boolean modesMerge;

  public FolderAccess(boolean modesMerge) {
    this.modesMerge = modesMerge;
  }

  /**
   * True when only its owner (and root) can open the file, through any name: then who can
   * reach its names does not matter, unless files of other bits are linked (the bits the
   * linked file keeps may let others in). Two other names are reached by the same users
   * exactly when their folders' {@link #chain}s are equal.
   */
  public boolean exempt(FileStat file) {
    return !modesMerge && (file.permissions() & 0077) == 0;
  }

  /**
   * The folders that restrict who may reach {@code dir}'s contents, from it up to {@code /},
   * as one number, never 0; each folder's is worked out once. {@code dir} is a real path.
   */
  public long chain(Path dir) throws IOException {
    Long known = chains.get(dir);
    if (known != null) {
      return known;
    }
    Path parent = dir.getParent();
    long above = parent == null ? 1 : chain(parent);
    long who = folder(dir);
    long h = who == 0 ? above : mix(above, who);
    h = h == 0 ? 1 : h;
    chains.put(dir, h);
    return h;
  }

  private static long mix(long h, long v) {
    long x = (h ^ v) * 0x9E3779B97F4A7C15L;
    return x ^ (x >>> 31);
  }

  /** Who may search {@code dir}, as a number: 0 when everyone may. */
  private static long folder(Path dir) throws IOException {
    FileStat d = FileStat.of(dir);
    int m = d.permissions();
    // an ACL may keep a named user out of a folder that others may search
    long acl = Attributes.folderAcl(dir);
    if ((m & 0001) != 0 && acl == Attributes.NONE) {
      return 0; // everyone may search it: it restricts no one
    }
    return mix(mix(mix(mix(1, d.uid()), d.gid()), m & 07777), acl); // who may is told by these
  }
}
