package linkdupes;

import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OS's errors under a locale whose C library speaks another language: the tool runs in its
 * own JVM with {@code LC_ALL=de_DE.UTF-8}, where strerror, and so
 * {@link FileSystemException#getReason()}, is German ("Zu viele Links", "Ungültiger Link über
 * Gerätegrenzen hinweg"). A real link limit and a real cross-device link must be handled
 * exactly as they are in English.
 *
 * <p>Each test first makes the failing call itself, in this JVM (which runs under
 * {@code C.UTF-8}) and in a JVM under the German locale, and skips unless the two reasons
 * differ: where the locale is not installed, the run would be in English and prove nothing.
 * Mounting needs root; the tests skip without it.
 */
class NonEnglishLocaleTest {
  /** ext4's EXT4_LINK_MAX; the ext4 driver applies it to ext2 and ext3 volumes too. */
  private static final int EXT4_LINK_MAX = 65_000;

  private static final String LOCALE = "de_DE.UTF-8";

  /** The tool's environment: German messages from the C library. */
  private static final Map<String, String> GERMAN = Map.of("LC_ALL", LOCALE, "LANG", LOCALE);

  @TempDir Path tmp;

  /** What the test mounted, the last first: unmounted after the test. */
  private final Deque<Path> mounts = new ArrayDeque<>();

  @AfterEach
  void unmount() {
    while (!mounts.isEmpty()) {
      Path mountPoint = mounts.pop();
      if (Host.exec(List.of("umount", mountPoint.toString()), 60).exitCode() != 0) {
        Host.exec(List.of("umount", "-l", mountPoint.toString()), 60);
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // EMLINK

  /**
   * The kept file already has ext4's 65,000 names, all but one outside the scanned tree, so the
   * first link to it fails with EMLINK ("Zu viele Links"): that duplicate becomes the kept file
   * for the rest of the group, without an error (README, "Too many links").
   */
  @Test
  void aRealLinkLimitUnderAGermanLocalePromotesTheDuplicateWithoutAnError() throws IOException {
    Path fs = ext4();
    byte[] data = "the same bytes\n".getBytes(StandardCharsets.US_ASCII);
    Path tree = Trees.mkdirs(fs.resolve("tree"));
    Path kept = write(tree.resolve("kept/file"), data);
    Path outside = Trees.mkdirs(fs.resolve("outside"));
    for (int i = 1; i < EXT4_LINK_MAX; i++) {
      Files.createLink(outside.resolve("n" + i), kept);
    }
    assertEquals(EXT4_LINK_MAX, Trees.nlink(kept));
    List<Path> dups = Trees.rel("dups/dup1", "dups/dup2", "dups/dup3");
    for (Path d : dups) {
      write(tree.resolve(d), data);
    }
    assumeGerman("EMLINK", fs.resolve("probe"), kept);
    long keptIno = Trees.ino(kept);

    Outcome o = Outcome.of(tree, () -> runGerman(tree));

    o.run().assertCleanSuccess();
    assertEquals(2, o.run().linkedNames(), o.run()::toString);
    assertEquals(2L * data.length, o.before().bytesOfInodesGoneIn(o.after()),
        "two of the three duplicates' inodes are gone");
    o.after().assertOneInode(dups);
    assertNotEquals(keptIno, o.after().ino("dups/dup1"),
        "no duplicate was linked to the full kept file");
    assertEquals(keptIno, o.after().ino("kept/file"), "the kept file is left as it was");
    assertEquals(EXT4_LINK_MAX, o.after().get("kept/file").nlink());
    assertEquals(3, o.after().get("dups/dup1").nlink());
  }

  // ---------------------------------------------------------------------------------------
  // EXDEV

  /**
   * A file in the tree is a bind mount of a file of the same file system: every name has the
   * same st_dev, but link(2) to it from any directory fails with EXDEV ("Ungültiger Link über
   * Gerätegrenzen hinweg"). The mount is seen in the mount table and the file left apart as
   * one in another mount: no link to it is tried, so no error is reported in any language, and
   * its twins in the tree's own mount are linked to each other.
   */
  @Test
  void aBindMountedFileIsLeftApartAsAnotherMountAndNoCrossDeviceLinkIsTried()
      throws IOException {
    Assumptions.assumeTrue(Host.isRoot(), "mounting needs root");
    byte[] data = "bytes the kernel will not link\n".getBytes(StandardCharsets.US_ASCII);
    Path source = write(tmp.resolve("source/file"), data);
    // a second name outside the tree, so the planner would keep the bind-mounted file
    Files.createLink(tmp.resolve("source/second-name"), source);
    Path tree = Trees.mkdirs(tmp.resolve("tree"));
    Path kept = write(tree.resolve("k/kept"), new byte[0]);
    mount(List.of("mount", "--bind", source.toString(), kept.toString()), kept);
    Assumptions.assumeTrue(Trees.ino(kept) == Trees.ino(source)
        && Host.dev(kept) == Host.dev(source) && Host.dev(kept) == Host.dev(tree),
        "the bind mount does not show the source file on the same device");
    List<Path> dups = Trees.rel("a/dup1", "a/dup2", "a/dup3");
    for (Path d : dups) {
      write(tree.resolve(d), data);
    }
    assumeGerman("EXDEV", tree.resolve("a/probe"), kept); // premise: a link to it fails

    Outcome o = Outcome.of(tree, () -> runGerman(tree));

    o.run().assertCleanSuccess();
    assertEquals("", o.run().err(), o.run()::toString);
    assertEquals(2, o.run().linkedNames(), o.run()::toString);
    o.after().assertOneInode(dups);
    assertEquals(o.before().get("k/kept"), o.after().get("k/kept"), "left as it was");
    assertTrue(o.run().out().contains("1 on another device or mount"), o.run()::toString);
  }

  // ---------------------------------------------------------------------------------------
  // The German locale

  /**
   * Links {@code link} to {@code existing}, which must fail with the error named {@code errno},
   * here and in a JVM under the German locale; skips unless the two reasons differ. Returns the
   * German reason.
   */
  private static String assumeGerman(String errno, Path link, Path existing) {
    String english;
    try {
      Files.createLink(link, existing);
      Files.delete(link);
      return fail("linking " + link + " to " + existing + " worked; the test expects " + errno);
    } catch (FileSystemException e) {
      english = e.getReason();
    } catch (IOException e) {
      return fail("linking " + link + " to " + existing + ": " + e);
    }
    CommandRun probe = Subprocess.of(Subprocess.java(), "-cp", Subprocess.testClassPath(),
            LinkReason.class.getName(), link.toString(), existing.toString())
        .env(GERMAN).withoutEnv(NonEnglishLocaleTest::overridesLocale).run();
    assertEquals(0, probe.exitCode(), () -> "the probe of " + errno + ": " + probe);
    String german = probe.out().strip();
    String name = NonEnglishLocaleTest.class.getSimpleName();
    if (german.equals(english)) {
      String why = "LC_ALL=" + LOCALE + " did not take effect in a new JVM: " + errno + " reads \""
          + german + "\" there too (locale -a: "
          + String.join(" ", Host.exec(List.of("locale", "-a"), 60).out().split("\n"))
          + "; Debian: packages locales and libc-l10n, then localedef -i de_DE -f UTF-8 " + LOCALE
          + ")";
      System.out.println(name + " skips: " + why);
      Assumptions.abort(why);
    }
    return german;
  }

  /** LANGUAGE, where set, chooses gettext's messages before LC_ALL does. */
  private static boolean overridesLocale(String variable) {
    return variable.equals("LANGUAGE");
  }

  /** linkdupes in its own JVM, as the jar runs it, under the German locale. */
  private static CommandRun runGerman(Path tree) {
    return Subprocess.of(Subprocess.linkdupesCommand(Subprocess.testClassPath(),
            List.of("--add-opens", "java.base/sun.nio.fs=ALL-UNNAMED"), tree))
        .env(GERMAN).withoutEnv(NonEnglishLocaleTest::overridesLocale)
        .timeout(Duration.ofSeconds(60)).run();
  }

  /**
   * Run in a JVM of its own: links {@code args[0]} to {@code args[1]}, prints the reason it
   * fails with and exits 0; exits 1 when the link is made (and removes it) or fails without a
   * reason.
   */
  static final class LinkReason {
    private LinkReason() {}

    public static void main(String[] args) throws IOException {
      Path link = Path.of(args[0]);
      try {
        Files.createLink(link, Path.of(args[1]));
        Files.delete(link);
        System.out.println("linked");
      } catch (FileSystemException e) {
        if (e.getReason() != null) {
          System.out.println(e.getReason());
          return;
        }
        System.out.println(e);
      }
      System.exit(1);
    }
  }

  // ---------------------------------------------------------------------------------------
  // helpers

  /**
   * A folder on ext2/3/4 (whose driver allows 65,000 links per inode): {@link #tmp} itself, or
   * an ext4 image mounted on a loop device.
   */
  private Path ext4() throws IOException {
    if (Set.of("ext4", "ext3", "ext2").contains(Files.getFileStore(tmp).type())) {
      return tmp;
    }
    Assumptions.assumeTrue(Host.isRoot(), "@TempDir is "
        + Files.getFileStore(tmp).type() + ", not ext4, and mounting an ext4 image needs root");
    Optional<Path> mkfs = Host.which("mkfs.ext4");
    Assumptions.assumeTrue(mkfs.isPresent(), "mkfs.ext4 is not installed (Debian: e2fsprogs)");
    Path img = tmp.resolve("ext4.img");
    try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
      f.setLength(64 << 20);
    }
    CommandRun mkfsRun =
        Host.exec(List.of(mkfs.get().toString(), "-q", "-F", img.toString()), 60);
    Assumptions.assumeTrue(mkfsRun.exitCode() == 0, () -> "mkfs.ext4 failed: " + mkfsRun);
    Path mnt = Trees.mkdirs(tmp.resolve("mnt"));
    mount(List.of("mount", "-o", "loop", img.toString(), mnt.toString()), mnt);
    Assumptions.assumeTrue("ext4".equals(Files.getFileStore(mnt).type()),
        "the ext4 image is not mounted");
    return mnt;
  }

  /** Runs a mount command for {@code mountPoint}, to be unmounted after the test; or skips. */
  private void mount(List<String> command, Path mountPoint) {
    CommandRun run = Host.exec(command, 60);
    Assumptions.assumeTrue(run.exitCode() == 0, () -> "cannot mount: " + command + ": " + run);
    mounts.push(mountPoint);
  }
}
