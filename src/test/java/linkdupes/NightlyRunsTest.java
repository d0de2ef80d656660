package linkdupes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import linkdupes.cache.RunLock;
import linkdupes.fs.Attributes;
import linkdupes.fs.LinkOps;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs as cron makes them: night after night over one tree, with the cache and the lock. */
class NightlyRunsTest {
  @TempDir Path dir;

  private Path tree() throws Exception {
    return Files.createDirectories(dir.resolve("tree"));
  }

  private Path cache() {
    return dir.resolve("cache").resolve("cache.db");
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Two pairs of duplicates (one small, one large) and a near twin of the large one. */
  private Path photos() throws Exception {
    Path t = tree();
    byte[] big = random(300_000, 1);
    byte[] twin = big.clone();
    twin[150_000] ^= 1;
    Trees.write(t.resolve("a/big.jpg"), big);
    Trees.write(t.resolve("b/big.jpg"), big);
    Trees.write(t.resolve("c/twin.jpg"), twin);
    Trees.write(t.resolve("a/small.txt"), "the same few bytes");
    Trees.write(t.resolve("b/small.txt"), "the same few bytes");
    return t;
  }

  private CommandRun run(Object... args) {
    Object[] all = new Object[args.length + 3];
    all[0] = "--cache";
    all[1] = cache();
    all[2] = "-v";
    System.arraycopy(args, 0, all, 3, args.length);
    return CommandRun.main(all);
  }

  @Test
  void aSecondRunOverAnUnchangedTreeReadsNothing() throws Exception {
    Path t = photos();
    CommandRun first = run("--dry-run", t);
    assertEquals(0, first.exitCode(), first.toString());
    assertTrue(first.bytesRead() >= 2 * 300_000L, first.out());
    CommandRun second = run("--dry-run", t);
    assertEquals(0, second.exitCode(), second.toString());
    assertEquals(0, second.bytesRead(), second.out());
    assertEquals(first.freedBytes(), second.freedBytes());
    assertEquals(2, second.linkedNames());
  }

  /**
   * The cache keeps what a run read of each file's extended attributes, so that the next run
   * need not read them; an attribute set since moves the file's change time, and it is read
   * again and kept apart.
   */
  @Test
  void anAttributeSetSinceTheLastRunKeepsTheFileApart() throws Exception {
    Assumptions.assumeTrue(Attributes.available(), "extended attributes cannot be read here");
    Path t = photos();
    assertEquals(2, run("--dry-run", t).linkedNames());
    CommandRun second = run("--dry-run", t);
    assertEquals(0, second.bytesRead(), second.out());
    assertEquals(2, second.linkedNames(), second.out());
    try {
      Files.getFileAttributeView(t.resolve("b/big.jpg"), UserDefinedFileAttributeView.class)
          .write("stream", ByteBuffer.wrap("alternate data".getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      Assumptions.abort("no user attributes here: " + e);
    }
    CommandRun third = run("--dry-run", t);
    assertEquals(0, third.exitCode(), third.toString());
    assertEquals(1, third.linkedNames(), "the small pair only\n" + third.out());
    assertTrue(third.out().contains("1 with other permissions, owner, time, attributes"),
        third.out());
  }

  @Test
  void itsOwnLinksKeepTheCacheValid() throws Exception {
    Path t = photos();
    CommandRun linking = run(t);
    assertEquals(0, linking.exitCode(), linking.toString());
    assertEquals(2, linking.linkedNames());
    // the kept files' ctimes changed when names were linked to them
    CommandRun after = run("--dry-run", t);
    assertEquals(0, after.bytesRead(), after.out());
    assertEquals(0, after.linkedNames());
  }

  @Test
  void aFileRewrittenWithItsSizeAndMtimeRestoredIsReadAgainAndNotLinked() throws Exception {
    Path t = photos();
    run("--dry-run", t);
    Path b = t.resolve("b/big.jpg");
    FileTime mtime = Files.getLastModifiedTime(b);
    // the same first and last blocks as a/big.jpg: only the whole content tells them apart,
    // so a stale cache entry would have it linked to a/big.jpg
    byte[] other = Files.readAllBytes(b);
    other[100_000] ^= 1;
    Files.write(b, other);
    Files.setLastModifiedTime(b, mtime); // only the ctime tells
    CommandRun after = run(t);
    assertEquals(0, after.exitCode(), after.toString());
    assertEquals(1, after.linkedNames(), "only the small pair: " + after.out());
    assertTrue(after.bytesRead() >= 300_000, "the rewritten file was read: " + after.out());
    assertArrayEquals(other, Files.readAllBytes(b));
  }

  /**
   * The kept file rewritten, its size and modification time restored, just after a name was
   * linked to it: the cache must not take the change time it has at the end of the run as the
   * one its links gave it, or the next run would trust the old digest for the new bytes, and
   * link a copy of the old bytes to it (those bytes then lost). (A change within the clock
   * tick of the link itself leaves the change time as it was: that window is the README's.)
   */
  @Test
  void aKeptFileRewrittenAfterItsLastLinkIsReadAgainAndNotLinkedToItsOldTwin()
      throws Exception {
    Path t = photos();
    byte[] original = Files.readAllBytes(t.resolve("a/big.jpg"));
    byte[] rewritten = original.clone();
    rewritten[100_000] ^= 1; // the same ends: only the whole content tells
    LinkOps rewriting = new FakeOps() {
      @Override
      public void rename(SecureDirectoryStream<Path> d, Path source, Path target)
          throws IOException {
        super.rename(d, source, target);
        // the big group is linked first (one thread, largest first): this is after it, and
        // after the run looked at its kept file for the last time
        if (target.toString().equals("small.txt")) {
          try {
            Thread.sleep(50); // past the clock tick of the link's change time
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
          Path kept = t.resolve("a/big.jpg");
          FileTime mtime = Files.getLastModifiedTime(kept);
          Files.write(kept, rewritten);
          Files.setLastModifiedTime(kept, mtime);
        }
      }
    };
    CommandRun linking = CommandRun.withOps(rewriting, "--cache", cache(), "-v", "--threads",
        "1", t);
    assertEquals(0, linking.exitCode(), linking.toString());
    assertEquals(2, linking.linkedNames(), linking.toString());
    assertArrayEquals(rewritten, Files.readAllBytes(t.resolve("b/big.jpg")), "premise");

    Trees.write(t.resolve("c/big-copy.jpg"), original);
    CommandRun after = run(t);
    assertEquals(0, after.exitCode(), after.toString());
    assertEquals(0, after.linkedNames(), "the copy of the old bytes stays apart: " + after.out());
    assertArrayEquals(original, Files.readAllBytes(t.resolve("c/big-copy.jpg")));
  }

  @Test
  void aNewCopyOfAnAlreadyLinkedFileIsTheOnlyFileRead() throws Exception {
    Path t = photos();
    run(t);
    Files.copy(t.resolve("a/big.jpg"), t.resolve("c/big-copy.jpg"));
    CommandRun after = run(t);
    assertEquals(0, after.exitCode(), after.toString());
    assertEquals(1, after.linkedNames(), after.out());
    // the new copy's first and last 4 KiB, then all of it; nothing of the others
    assertEquals(300_000 + 2 * 4096, after.bytesRead(), "the new copy only: " + after.out());
  }

  @Test
  void aFileKnownOnlyByItsEndsIsRememberedInFullOnceRead() throws Exception {
    Path t = tree();
    byte[] photo = random(200_000, 5);
    byte[] other = random(200_000, 6); // same size, other first block: told apart by the key
    Trees.write(t.resolve("photo.jpg"), photo);
    Trees.write(t.resolve("other.jpg"), other);
    CommandRun first = run("--dry-run", t);
    assertEquals(2 * 2 * 4096, first.bytesRead(), "first and last blocks only: " + first.out());
    Trees.write(t.resolve("copy1.jpg"), photo);
    CommandRun second = run("--dry-run", t);
    assertEquals(4096 * 2 + 2 * 200_000, second.bytesRead(),
        "the copy's ends, then the photo and the copy in full: " + second.out());
    Trees.write(t.resolve("copy2.jpg"), photo);
    CommandRun third = run("--dry-run", t);
    assertEquals(4096 * 2 + 200_000, third.bytesRead(),
        "only the new copy: the photo's digest was kept: " + third.out());
    assertEquals(2, third.linkedNames());
  }

  @Test
  void aCorruptCacheIsOneWarningAndTheRunIsRight() throws Exception {
    Path t = photos();
    Files.createDirectories(cache().getParent());
    Files.writeString(cache(), "this is not a database ".repeat(100));
    CommandRun r = run("--dry-run", t);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("not using the cache " + cache()), r.err());
    assertEquals(2, r.linkedNames());
    assertEquals("this is not a database ".repeat(100), Files.readString(cache()));
  }

  @Test
  void withNoCacheNothingIsWrittenAndEverythingIsRead() throws Exception {
    Path t = photos();
    CommandRun r = CommandRun.main("--no-cache", "-v", "--dry-run", t);
    CommandRun again = CommandRun.main("--no-cache", "-v", "--dry-run", t);
    assertEquals(r.bytesRead(), again.bytesRead());
    assertTrue(again.bytesRead() > 0);
    assertFalse(Files.exists(cache().getParent()));
  }

  @Test
  void aSecondRunWhileTheCacheIsHeldExitsWithCode3() throws Exception {
    Path t = photos();
    try (RunLock held = RunLock.acquire(cache(), false, () -> { })) {
      CommandRun r = run("--dry-run", t);
      assertEquals(3, r.exitCode(), r.toString());
      assertEquals("", r.out());
      assertTrue(r.err().startsWith("linkdupes: another run of linkdupes (process "
          + ProcessHandle.current().pid() + ") is using the cache " + cache()), r.err());
      assertEquals(1, r.err().lines().count(), r.err());
    }
    assertEquals(0, run("--dry-run", t).exitCode(), "free again once released");
  }

  @Test
  void withWaitARunWaitsForTheHolderInAnotherProcess() throws Exception {
    Path t = photos();
    Files.createDirectories(cache().getParent());
    Path lock = RunLock.lockFile(cache());
    // another process holds the same kind of lock (fcntl) for 2 seconds
    Process holder = new ProcessBuilder("python3", "-c", "import fcntl,sys,time\n"
        + "f=open(sys.argv[1],'a')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('held',flush=True)\n"
        + "time.sleep(2)\n", lock.toString()).redirectErrorStream(true).start();
    assertEquals("held", new String(holder.getInputStream().readNBytes(4)));
    CommandRun refused = run("--dry-run", t);
    assertEquals(3, refused.exitCode(), refused.toString());
    long start = System.nanoTime();
    CommandRun waited = run("--wait", "--dry-run", t);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(0, waited.exitCode(), waited.toString());
    assertTrue(waited.err().contains("waiting for another run of linkdupes"), waited.err());
    assertTrue(took.toMillis() > 500, "it waited: " + took);
    assertEquals(2, waited.linkedNames());
    holder.waitFor();
  }

  @Test
  void filesModifiedWithinMinAgeAreLeftAlone() throws Exception {
    Path t = photos();
    Instant old = Instant.now().minus(Duration.ofDays(3));
    for (String f : new String[] {"a/big.jpg", "b/big.jpg", "c/twin.jpg", "a/small.txt"}) {
      Files.setLastModifiedTime(t.resolve(f), FileTime.from(old));
    }
    // b/small.txt was just written: a download still being written, say
    CommandRun r = run("--min-age", "1h", t);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(1, r.linkedNames(), r.out());
    assertTrue(r.out().contains("1 modified too recently (--min-age)"), r.out());
    assertEquals(1, Files.getAttribute(t.resolve("b/small.txt"), "unix:nlink"));
    CommandRun later = run("--min-age", "0s", t);
    assertEquals(1, later.linkedNames(), later.out());
  }

  @Test
  void aJsonReportCarriesTheDigestOfEveryGroupEvenWithoutTheCache() throws Exception {
    Path t = photos();
    CommandRun r = CommandRun.main("--no-cache", "--format", "json", "--dry-run", t);
    assertEquals(0, r.exitCode(), r.toString());
    var groups = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("groups");
    assertEquals(2, groups.size());
    for (var g : groups) {
      byte[] content = Files.readAllBytes(Path.of(g.get("kept").asText()));
      assertEquals(org.apache.commons.codec.digest.DigestUtils.sha256Hex(content),
          g.get("sha256").asText());
    }
  }

  @Test
  void aDurationThatCannotBeReadIsAUsageError() throws Exception {
    CommandRun r = CommandRun.main("--min-age", "soon", tree());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("'soon' is not a duration"), r.err());
  }
}
