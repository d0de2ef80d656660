package linkdupes;

import static linkdupes.Trees.mtime;
import static linkdupes.Trees.random;
import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The file system refuses: read-only and immutable directories, immutable and append-only
 * files, a temporary name that cannot be made, unreadable files and directories, a full disk.
 * Each refusal is named on stderr with the path and the system's reason, the rest of the run is
 * done, the exit code is 1, and no name loses its bytes.
 */
class RefusalsTest {
  private static final int NOBODY = 65534;
  private static final long T = 1_000_000_000L;
  private static final byte[] DATA = random(90_001, 10_000);
  private static final byte[] OTHER = random(90_002, 5_000);

  @TempDir Path tmp;
  Path tree;

  /** Paths given chattr flags, undone after each test so the temporary directory can go. */
  private final List<Path> attributed = new ArrayList<>();
  private Path mounted;

  @BeforeEach
  void setUp() {
    tree = Trees.mkdirs(tmp.resolve("tree"));
  }

  @AfterEach
  void undo() {
    for (Path p : attributed) {
      exec("chattr", "-ia", p.toString());
    }
    if (mounted != null) {
      if (exec("umount", mounted.toString()) != 0) {
        exec("umount", "-l", mounted.toString());
      }
    }
  }

  /**
   * Group A: {@code k} is kept, {@code d1} (in {@code dir1}) is linked first, {@code ok/d2}
   * after it. Group B: {@code ok/b1} and {@code ok/b2}, linked after group A.
   */
  private record Layout(Path k, Path d1, Path d2, Path b1, Path b2) {}

  private Layout layout(Path d1) {
    Path k = mtime(write(tree.resolve("k"), DATA), T);
    mtime(write(d1, DATA), T + 1000);
    Path d2 = mtime(write(tree.resolve("ok/d2"), DATA), T + 2000);
    Path b1 = mtime(write(tree.resolve("ok/b1"), OTHER), T);
    Path b2 = mtime(write(tree.resolve("ok/b2"), OTHER), T + 1000);
    return new Layout(k, d1, d2, b1, b2);
  }

  // ---------------------------------------------------------------------------------------

  @Test
  void readOnlyDirectoryIsNamedWithTheReasonAndTheRestOfTheRunIsDone() {
    Layout t = layout(tree.resolve("ro/d1"));
    Path ro = t.d1().getParent();
    boolean root = isRoot();
    String reason;
    if (root) {
      assumeChattr();
      chattr("+i", ro);
      reason = "Operation not permitted";
    } else {
      Trees.mode(ro, "r-xr-xr-x");
      reason = "Permission denied";
    }
    Outcome o;
    try {
      o = Outcome.of(tmp, () -> CommandRun.main(tree));
    } finally {
      if (!root) {
        Trees.mode(ro, "rwxr-xr-x");
      }
    }

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    assertErrorNames(o.run(), t.d1(), reason);
    assertEquals(o.before().get(rel(t.d1())), o.after().get(rel(t.d1())), "d1 left as it was");
    o.after().assertOneInode(List.of(rel(t.b1()), rel(t.b2())));
    if (!root) {
      // EACCES touches only this directory: the rest of the group is linked
      o.after().assertOneInode(List.of(rel(t.k()), rel(t.d2())));
    }
  }

  @Test
  void immutableDirectoryStopsOnlyItsOwnDuplicateNotTheRestOfItsGroup() {
    assumeRoot("chattr +i needs CAP_LINUX_IMMUTABLE");
    assumeChattr();
    Layout t = layout(tree.resolve("ro/d1"));
    chattr("+i", t.d1().getParent());

    Outcome o = Outcome.of(tmp, () -> CommandRun.main(tree));

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    assertErrorNames(o.run(), t.d1(), "Operation not permitted");
    o.after().assertOneInode(List.of(rel(t.k()), rel(t.d2())));
    assertEquals(2, o.run().linkedNames(), "d2 and b2 are linked\n" + o.run());
  }

  // ---------------------------------------------------------------------------------------

  enum FileRefusal {
    IMMUTABLE_DUPLICATE("+i", false, "an immutable duplicate"),
    IMMUTABLE_KEPT_FILE("+i", true, "an immutable kept file"),
    APPEND_ONLY_DUPLICATE("+a", false, "an append-only duplicate"),
    APPEND_ONLY_KEPT_FILE("+a", true, "an append-only kept file");

    final String flag;
    final boolean kept;
    private final String description;

    FileRefusal(String flag, boolean kept, String description) {
      this.flag = flag;
      this.kept = kept;
      this.description = description;
    }

    @Override
    public String toString() {
      return description;
    }
  }

  /**
   * By default a file with another inode flag than its twins is left apart, as any other
   * attribute: it is not tried, so nothing fails.
   */
  @ParameterizedTest(name = "{0} is left apart")
  @EnumSource(FileRefusal.class)
  void fileWithAFlagThatRefusesIsLeftApartWithoutAnError(FileRefusal refusal) {
    assumeRoot("chattr +i and +a need CAP_LINUX_IMMUTABLE");
    assumeChattr();
    Assumptions.assumeTrue(linkdupes.fs.Attributes.available(), "flags cannot be read here");
    Layout t = layout(tree.resolve("d1"));
    Path flagged = refusal.kept ? t.k() : t.d1();
    chattr(refusal.flag, flagged);

    Outcome o = Outcome.of(tmp, () -> CommandRun.main(tree));

    o.run().assertCleanSuccess();
    assertEquals(o.before().get(rel(flagged)), o.after().get(rel(flagged)), "left as it was");
    assertTrue(o.run().out().contains("1 with other permissions, owner, time, attributes"),
        o.run()::toString);
    // the two of the group without the flag are linked
    o.after().assertOneInode(refusal.kept ? List.of(rel(t.d1()), rel(t.d2()))
        : List.of(rel(t.k()), rel(t.d2())));
    o.after().assertOneInode(List.of(rel(t.b1()), rel(t.b2())));
  }

  /** With the flags not compared (--ignore-xattrs), the refusal is met and named. */
  @ParameterizedTest(name = "{0} is named with the reason and the rest of the run is done")
  @EnumSource(FileRefusal.class)
  void fileThatRefusesIsNamedWithTheReasonAndTheRestOfTheRunIsDone(FileRefusal refusal) {
    assumeRoot("chattr +i and +a need CAP_LINUX_IMMUTABLE");
    assumeChattr();
    Layout t = layout(tree.resolve("d1"));
    chattr(refusal.flag, refusal.kept ? t.k() : t.d1());

    Outcome o = Outcome.of(tmp, () -> CommandRun.main("--ignore-xattrs", tree));

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    assertErrorNames(o.run(), t.d1(), "Operation not permitted");
    assertEquals(o.before().get(rel(t.d1())), o.after().get(rel(t.d1())), "d1 left as it was");
    assertEquals(o.before().get(rel(t.k())).ino(), o.after().get(rel(t.k())).ino(), "k kept");
    assertEquals(o.before().get(rel(t.k())).content(), o.after().get(rel(t.k())).content());
    o.after().assertOneInode(List.of(rel(t.b1()), rel(t.b2())));
    if (refusal.kept) {
      // no name of the group can be linked to a kept file that refuses links
      assertTrue(o.run().err().contains("cannot link " + t.d1() + " to " + t.k()
          + ": Operation not permitted"), o.run()::toString);
      assertEquals(o.before().get(rel(t.d2())), o.after().get(rel(t.d2())));
      assertEquals(1, o.run().linkedNames(), o.run()::toString);
    } else {
      // the duplicate refuses to be replaced: the rest of its group is linked
      o.after().assertOneInode(List.of(rel(t.k()), rel(t.d2())));
      assertEquals(2, o.run().linkedNames(), o.run()::toString);
    }
  }

  // ---------------------------------------------------------------------------------------

  /**
   * A duplicate with a short name so deep that its path is just under PATH_MAX (4095 bytes):
   * the temporary name beside it, longer than the duplicate's name, makes a path the kernel
   * refuses. Made by path (link(2), as where the C library cannot be called, here through the
   * test's operations), the link fails and is named; made in the opened directory (linkat(2)),
   * it needs no long path and the duplicate is linked.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "linked in its opened directory: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void directoryWhereNoTemporaryPathFitsIsNamedOrLinkedThroughItsDescriptor(boolean relative) {
    Assumptions.assumeTrue(!relative || linkdupes.fs.VerifiedFile.verified(),
        "the C library cannot be called here");
    int pathMax = 4095;
    int tempNameLength = TreeListing.TEMP_PREFIX.length() + 12;
    Path deep = tree;
    int target = pathMax - tempNameLength - 1 + 10; // the temporary path is 10 bytes too long
    while (target - deep.toString().length() > 201 + 2) {
      deep = deep.resolve("x".repeat(200));
    }
    deep = deep.resolve("y".repeat(target - deep.toString().length() - 1));
    assertEquals(target, deep.toString().length());
    Path d1 = deep.resolve("d");
    assertTrue(d1.toString().length() <= pathMax, "the duplicate's own path fits");
    assertEquals(pathMax + 10, deep.resolve("t".repeat(tempNameLength)).toString().length(),
        "a temporary name beside it does not");
    Layout t = layout(d1);

    Outcome o = Outcome.of(tmp, () -> relative ? CommandRun.main(tree)
        : CommandRun.withOps(new FakeOps(), tree));

    o.after().assertOneInode(List.of(rel(t.b1()), rel(t.b2())));
    if (relative) {
      o.run().assertCleanSuccess();
      o.after().assertOneInode(List.of(rel(t.k()), rel(t.d1()), rel(t.d2())));
      return;
    }
    assertEquals(1, o.run().exitCode(), o.run()::toString);
    assertErrorNames(o.run(), t.d1(), "File name too long");
    assertEquals(o.before().get(rel(t.d1())), o.after().get(rel(t.d1())), "d1 left as it was");
    o.after().assertOneInode(List.of(rel(t.k()), rel(t.d2())));
    assertEquals(2, o.run().linkedNames(), o.run()::toString);
  }

  // ---------------------------------------------------------------------------------------

  enum Unreadable {
    FILE("an unreadable file"), DIRECTORY("an unreadable directory");

    private final String description;

    Unreadable(String description) {
      this.description = description;
    }

    @Override
    public String toString() {
      return description;
    }
  }

  /**
   * Run as the user nobody (65534) on a tree nobody owns, but for one file or directory that
   * belongs to root and only root may read. Without root, the run is in process and the part
   * is made unreadable with chmod.
   */
  @ParameterizedTest(name = "{0} is named with the reason and the rest of the run is done")
  @EnumSource(Unreadable.class)
  void unreadablePartIsNamedWithTheReasonAndTheRestOfTheRunIsDone(Unreadable kind)
      throws IOException {
    boolean root = isRoot();
    if (root) {
      Assumptions.assumeTrue(Trees.canRun("setpriv"), "setpriv is not installed");
    }
    Path a1 = mtime(write(tree.resolve("a1"), DATA), T);
    Path a2 = mtime(write(tree.resolve("sub/a2"), DATA), T + 1000);
    Path b1 = mtime(write(tree.resolve("sub/b1"), OTHER), T);
    Path b2 = mtime(write(tree.resolve("b2"), OTHER), T + 1000);
    Path secret = kind == Unreadable.FILE
        ? mtime(write(tree.resolve("secret"), DATA), T - 1000)
        : Trees.mkdirs(tree.resolve("secret"));
    if (kind == Unreadable.DIRECTORY) {
      mtime(write(secret.resolve("s"), DATA), T - 1000);
    }
    Outcome o;
    if (root) {
      chown(tree, NOBODY);
      chown(secret, 0);
      Trees.mode(secret, kind == Unreadable.FILE ? "rw-------" : "rwx------");
      Trees.mode(tmp, "rwxr-xr-x"); // nobody must reach the tree
      Assumptions.assumeTrue(exec(nobody("sh", "-c", "test -w \"$1\" && test -x \"$2\"", "sh",
              tree.toString(), Subprocess.java())) == 0,
          "the user nobody cannot be switched to, or cannot reach the tree or run "
              + Subprocess.java());
      List<String> classpath = worldReadableClasspath();
      o = Outcome.of(tmp, () -> runAsNobody(classpath, tree));
    } else {
      // the listings before and after must read everything: unreadable only during the run
      Set<PosixFilePermission> readable = Files.getPosixFilePermissions(secret);
      try {
        o = Outcome.of(tmp, () -> {
          Trees.mode(secret, "---------");
          try {
            return CommandRun.main(tree);
          } finally {
            setPermissions(secret, readable);
          }
        });
      } finally {
        setPermissions(secret, readable);
      }
    }

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    assertErrorNames(o.run(), secret, "Permission denied");
    o.after().assertOneInode(Trees.rel("tree/a1", "tree/sub/a2"));
    o.after().assertOneInode(Trees.rel("tree/sub/b1", "tree/b2"));
    assertEquals(2, o.run().linkedNames(), o.run()::toString);
    if (kind == Unreadable.FILE) {
      assertEquals(o.before().get("tree", "secret"), o.after().get("tree", "secret"));
      assertTrue(o.run().out().contains("1 unreadable"), o.run()::toString);
    } else {
      assertEquals(o.before().get("tree", "secret", "s"), o.after().get("tree", "secret", "s"));
    }
    assertNotEquals(o.after().ino("tree", "a1"), o.after().get(tmp.relativize(
        kind == Unreadable.FILE ? secret : secret.resolve("s"))).ino());
    assertTrue(Files.exists(a1) && Files.exists(a2) && Files.exists(b1) && Files.exists(b2));
  }

  // ---------------------------------------------------------------------------------------

  /**
   * A real, small ext4 file system with no free block left and d1's directory block full to
   * the last slot, so no new name fits in it; the other directories still have room.
   */
  @Test
  void fullDiskIsNamedWithTheReasonAndTheRestOfTheRunIsDone() throws IOException {
    assumeRoot("mounting a file system image needs root");
    Assumptions.assumeTrue(Trees.canRun("mkfs.ext4") && Trees.canRun("mount"),
        "mkfs.ext4 or mount is not installed");
    Path img = tmp.resolve("disk.img");
    Path mnt = Trees.mkdirs(tmp.resolve("mnt"));
    Assumptions.assumeTrue(exec("truncate", "-s", "8M", img.toString()) == 0
        && exec("mkfs.ext4", "-q", "-F", "-b", "1024", "-N", "64", "-m", "0",
            "-O", "^has_journal", img.toString()) == 0,
        "cannot make an ext4 image");
    Assumptions.assumeTrue(exec("mount", "-o", "loop", img.toString(), mnt.toString()) == 0,
        "cannot mount a loop device here");
    mounted = mnt;
    tree = Trees.mkdirs(mnt.resolve("tree"));
    Layout t = layout(tree.resolve("full/d1"));
    Path empty = Files.createFile(mnt.resolve("empty"));
    // groups are linked several at once: a second group linked before d1 would free a block,
    // and d1's link might find room in it. One group here; the rest of the run is d2, linked
    // after d1 failed.
    Files.delete(t.b1());
    Files.delete(t.b2());

    fillUp(mnt.resolve("filler"), t.d1().getParent(), empty);
    // the preconditions: no name as long as a temporary one fits beside d1, one fits in ok/
    Path probe = t.d2().resolveSibling("t".repeat(TreeListing.TEMP_PREFIX.length() + 12));
    Files.createLink(probe, empty);
    Files.delete(probe);
    Path refused = t.d1().resolveSibling(probe.getFileName());
    FileSystemException e = assertThrows(FileSystemException.class,
        () -> Files.createLink(refused, empty), "d1's directory must be full");
    assertEquals("No space left on device", e.getReason());

    Outcome o = Outcome.of(tree, () -> CommandRun.main(tree));

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    assertErrorNames(o.run(), t.d1(), "No space left on device");
    assertEquals(o.before().get(tree.relativize(t.d1())), o.after().get(tree.relativize(t.d1())));
    o.after().assertOneInode(List.of(tree.relativize(t.k()), tree.relativize(t.d2())));
    assertEquals(1, o.run().linkedNames(), o.run()::toString);
  }

  /**
   * Takes every free block (a file grown until the disk is full, again after each sync, as
   * ext4 returns blocks it had reserved for delayed allocation) and then every slot left in
   * {@code dir} (names of 4 bytes take the smallest slot, so no longer one fits after them).
   */
  private static void fillUp(Path filler, Path dir, Path linkTarget) throws IOException {
    int names = 0;
    for (int round = 0; round < 20; round++) {
      long added = 0;
      try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ByteBuffer block = ByteBuffer.allocate(1024);
        try {
          while (true) {
            block.clear();
            added += ch.write(block);
          }
        } catch (IOException full) {
          assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"),
              full::toString);
        }
        ch.force(true);
      }
      try {
        while (names < 60_000) {
          Files.createLink(dir.resolve(String.format("%04d", names)), linkTarget);
          names++;
          added++;
        }
      } catch (FileSystemException full) {
        assertEquals("No space left on device", full.getReason(), full::toString);
      }
      assertEquals(0, exec("sync"), "sync");
      if (added == 0) {
        return;
      }
    }
  }

  // ---------------------------------------------------------------------------------------

  private Path rel(Path p) {
    return tmp.relativize(p);
  }

  /** One line on stderr names the path and gives the reason. */
  private static void assertErrorNames(CommandRun run, Path path, String reason) {
    assertTrue(run.err().lines().anyMatch(l -> l.startsWith("linkdupes: ")
            && (l.contains(" " + path + ": ") || l.contains(" " + path + " to "))
            && l.contains(reason)),
        () -> "an error naming " + path + " with '" + reason + "'\n" + run);
  }

  private static void setPermissions(Path p, Set<PosixFilePermission> permissions) {
    try {
      Files.setPosixFilePermissions(p, permissions);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(tmp, "unix:uid")) == 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void assumeRoot(String why) {
    Assumptions.assumeTrue(isRoot(), "not running as root: " + why);
  }

  /** chattr works here: installed, allowed, and supported by the file system of the tree. */
  private void assumeChattr() {
    Assumptions.assumeTrue(Trees.canRun("chattr"), "chattr is not installed");
    Path probe = tmp.resolve("chattr-probe");
    try {
      Files.createFile(probe);
      boolean works = exec("chattr", "+i", probe.toString()) == 0;
      exec("chattr", "-i", probe.toString());
      Files.delete(probe);
      Assumptions.assumeTrue(works, "chattr +i is refused here (capability or file system)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void chattr(String flag, Path p) {
    attributed.add(p);
    assertEquals(0, exec("chattr", flag, p.toString()), "chattr " + flag + " " + p);
  }

  private static void chown(Path top, int id) throws IOException {
    Files.walkFileTree(top, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
          throws IOException {
        set(dir);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        set(file);
        return FileVisitResult.CONTINUE;
      }

      private void set(Path p) throws IOException {
        Files.setAttribute(p, "unix:uid", id, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", id, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      }
    });
  }

  /** Runs a command; its exit code, or -1 when it cannot be started or does not finish. */
  private static int exec(String... command) {
    return Subprocess.of(command).timeout(Duration.ofSeconds(30)).run().exitCode();
  }

  // ---------------------------------------------------------------------------------------
  // Running the tool as the user nobody.

  @TempDir static Path classpathCopy;
  private static List<String> copiedClasspath;

  /** Copies of the test's classpath entries that any user can read (~/.m2 is root's). */
  private static synchronized List<String> worldReadableClasspath() throws IOException {
    if (copiedClasspath != null) {
      return copiedClasspath;
    }
    Trees.mode(classpathCopy, "rwxr-xr-x");
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : Subprocess.testClassPath().split(java.io.File.pathSeparator)) {
      Path from = Path.of(entry);
      if (entry.isEmpty() || !Files.exists(from)) {
        continue;
      }
      Path to = classpathCopy.resolve(n++ + "-" + from.getFileName());
      if (Files.isDirectory(from)) {
        copyTree(from, to);
      } else {
        Files.copy(from, to);
      }
      Trees.mode(to, Files.isDirectory(to) ? "rwxr-xr-x" : "rw-r--r--");
      entries.add(to.toString());
    }
    copiedClasspath = List.copyOf(entries);
    return copiedClasspath;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
          throws IOException {
        Path d = Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        Trees.mode(d, "rwxr-xr-x");
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Path f = to.resolve(from.relativize(file).toString());
        Files.copy(file, f);
        Trees.mode(f, "rw-r--r--");
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** The command, run as the user and group nobody with no supplementary groups. */
  private static String[] nobody(String... command) {
    List<String> all = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY,
        "--regid=" + NOBODY, "--clear-groups"));
    all.addAll(List.of(command));
    return all.toArray(new String[0]);
  }

  private static CommandRun runAsNobody(List<String> classpath, Object... args) {
    List<String> command = Subprocess.linkdupesCommand(
        String.join(java.io.File.pathSeparator, classpath),
        List.of("-XX:-UsePerfData", "-XX:TieredStopAtLevel=1"), args);
    return Subprocess.of(nobody(command.toArray(new String[0])))
        .env(Map.of("LC_ALL", "C.UTF-8", "HOME", "/"))
        .run();
  }
}
