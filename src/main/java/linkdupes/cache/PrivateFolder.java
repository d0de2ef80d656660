package linkdupes.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import linkdupes.fs.FileStat;
import linkdupes.fs.Identity;

/**
 * What keeps anyone else from steering a run through its cache: the rule {@code ssh} applies to
 * {@code ~/.ssh}. The cache's folder must belong to the user running linkdupes and be writable
 * by no one else, and so must every folder above it, except that those may belong to root and
 * may be writable by all when their sticky bit keeps others from renaming what is not theirs
 * ({@code /tmp}). The cache, its lock and the native library beside it are then out of every
 * other user's reach: no one else can plant, replace or redirect them. Folders made here are
 * 0700 and files 0600, so no one else can read which paths and digests they hold either.
 */
public final class PrivateFolder {
  private PrivateFolder() {}

  public static final FileAttribute<Set<PosixFilePermission>> FOLDER =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  public static final FileAttribute<Set<PosixFilePermission>> FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;
  private static final int S_ISVTX = 01000;
  private static final int GROUP_OR_OTHERS_WRITE = 0022;

  /**
   * Makes the folder of {@code cache} (0700) where it is missing and checks it, the folders
   * above it, and the cache and its lock where they exist.
   *
   * @return null when the cache may be used, else why not
   */
  public static String refusal(Path cache) throws IOException {
    Path file = cache.toAbsolutePath().normalize();
    Path folder = file.getParent();
    if (folder == null) {
      return "it is not in a folder";
    }
    if (!Files.exists(folder)) {
      Files.createDirectories(folder, FOLDER);
    }
    int uid = Identity.effectiveUid();
    Path real = folder.toRealPath();
    String why = folderRefusal(real, uid, true);
    for (Path p = real.getParent(); why == null && p != null; p = p.getParent()) {
      why = folderRefusal(p, uid, false);
    }
    if (why == null) {
      why = fileRefusal(real.resolve(file.getFileName()), uid);
    }
    if (why == null) {
      why = fileRefusal(RunLock.lockFile(real.resolve(file.getFileName())), uid);
    }
    return why;
  }

  /** Why {@code dir} cannot hold the cache, or null. */
  private static String folderRefusal(Path dir, int uid, boolean own) throws IOException {
    FileStat st = FileStat.of(dir);
    if ((st.mode() & S_IFMT) != S_IFDIR) {
      return dir + " is not a folder";
    }
    boolean sticky = (st.mode() & S_ISVTX) != 0;
    if (own ? st.uid() != uid : st.uid() != uid && st.uid() != 0) {
      return "the folder " + dir + " belongs to another user (uid " + st.uid() + ")";
    }
    if ((st.mode() & GROUP_OR_OTHERS_WRITE) != 0 && (own || !sticky)) {
      return "the folder " + dir + " is writable by other users (mode "
          + Integer.toOctalString(st.permissions()) + ")";
    }
    return null;
  }

  /** Why the existing {@code file} cannot be used as a file of the cache, or null. */
  private static String fileRefusal(Path file, int uid) throws IOException {
    FileStat st;
    try {
      st = FileStat.of(file); // the name itself: a symlink is refused, never followed
    } catch (NoSuchFileException e) {
      return null; // made 0600 when needed
    }
    if (!st.isRegularFile()) {
      return file + " is not a regular file";
    }
    if (st.uid() != uid) {
      return file + " belongs to another user (uid " + st.uid() + ")";
    }
    if ((st.permissions() & 0077) != 0) {
      // written by an earlier version, open to all: only its owner should read what it holds
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    return null;
  }
}
