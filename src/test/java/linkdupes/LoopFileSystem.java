package linkdupes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A file system of its own kind made in an image file and loop-mounted for a test: btrfs, XFS
 * with reflinks, ext4. Where it cannot be made here (no root, no mkfs, no loop devices) the
 * test is skipped with the reason. Unmounted when closed.
 */
final class LoopFileSystem implements AutoCloseable {
  private final Path mountPoint;

  private LoopFileSystem(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  Path root() {
    return mountPoint;
  }

  static LoopFileSystem btrfs(Path dir) {
    return make(dir, "btrfs", List.of("mkfs.btrfs", "-q", "-f"), 200);
  }

  static LoopFileSystem xfs(Path dir) {
    return make(dir, "xfs", List.of("mkfs.xfs", "-q", "-f", "-m", "reflink=1"), 300);
  }

  static LoopFileSystem ext4(Path dir) {
    return make(dir, "ext4", List.of("mkfs.ext4", "-q", "-F"), 64);
  }

  /** An image of {@code mib} MiB under {@code dir}, made by {@code mkfs} and mounted. */
  private static LoopFileSystem make(Path dir, String kind, List<String> mkfs, int mib) {
    Assumptions.assumeTrue(Host.isRoot(), "mounting a " + kind + " image needs root");
    Assumptions.assumeTrue(Host.which(mkfs.get(0)).isPresent(),
        () -> mkfs.get(0) + " is not installed (Debian: "
            + (kind.equals("ext4") ? "e2fsprogs" : kind + "progs") + ")");
    try {
      Path img = dir.resolve(kind + ".img");
      Path mnt = Files.createDirectories(dir.resolve(kind));
      CommandRun truncate = Host.exec(
          List.of("truncate", "-s", mib + "M", img.toString()), 30);
      Assumptions.assumeTrue(truncate.exitCode() == 0, () -> "cannot make an image: " + truncate);
      List<String> make = new ArrayList<>(mkfs);
      make.add(img.toString());
      CommandRun made = Host.exec(make, 120);
      Assumptions.assumeTrue(made.exitCode() == 0, () -> "cannot make " + kind + ": " + made);
      CommandRun mount = Host.exec(
          List.of("mount", "-o", "loop", img.toString(), mnt.toString()), 60);
      Assumptions.assumeTrue(mount.exitCode() == 0,
          () -> "cannot mount a loop device here: " + mount);
      return new LoopFileSystem(mnt);
    } catch (IOException e) {
      Assumptions.abort("cannot make a " + kind + " image: " + e);
      return null;
    }
  }

  /**
   * The bytes the file system has free, once what is pending is written (btrfs frees the
   * blocks of an extent when its transaction commits).
   */
  long freeBytes() throws IOException {
    sync();
    return Files.getFileStore(mountPoint).getUnallocatedSpace();
  }

  void sync() {
    CommandRun s = Host.exec(List.of("sync", "-f", mountPoint.toString()), 60);
    if (s.exitCode() != 0) {
      throw new IllegalStateException("sync failed: " + s);
    }
  }

  /** A copy of {@code from} with blocks of its own, never a reflink (GNU cp makes those). */
  static Path copyUnshared(Path from, Path to) {
    return cp("--reflink=never", from, to);
  }

  /** A copy of {@code from} that shares all its blocks (a reflink). */
  static Path copyShared(Path from, Path to) {
    return cp("--reflink=always", from, to);
  }

  /** {@code cp -p} with the given reflink option, its metadata kept. */
  private static Path cp(String reflink, Path from, Path to) {
    CommandRun cp = Host.exec(List.of("cp", reflink, "-p", from.toString(), to.toString()), 60);
    if (cp.exitCode() != 0) {
      throw new IllegalStateException("cp " + reflink + " failed: " + cp);
    }
    return to;
  }

  @Override
  public void close() {
    if (Host.exec(List.of("umount", mountPoint.toString()), 60).exitCode() != 0) {
      Host.exec(List.of("umount", "-l", mountPoint.toString()), 60);
    }
  }
}
