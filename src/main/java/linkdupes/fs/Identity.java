package linkdupes.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this process is to the file system. */
public final class Identity {
  private Identity() {}

  private static final int UID = find();

  /** The effective user id: the owner of what this process creates. */
  public static int effectiveUid() {
    return UID;
  }

  private static int find() {
    if (Libc.AVAILABLE) {
      return Libc.geteuid();
    }
    try {
      // the kernel makes /proc/self belong to the process's effective user
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | RuntimeException e) {
      return -1; // owns nothing: every ownership check fails, which is the safe side
    }
  }
}
