package linkdupes;

import static linkdupes.Trees.link;
import static linkdupes.Trees.random;
import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import linkdupes.base.TemporaryNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A linking run killed with SIGKILL at any instant loses nothing: every name still exists with
 * its bytes, and a temporary name left behind is only ever an extra name of a file. The next run
 * picks up where the killed one stopped, and a run to completion cleans the leftovers.
 *
 * <p>The tool runs as a separate JVM ({@code java -cp <test class path> linkdupes.Main TREE}) that
 * is killed with {@link Process#destroyForcibly()}, which is SIGKILL on Linux: no shutdown hook,
 * no finally block, no flush runs in it. Half of the kills come after a random delay, half as
 * the run starts a randomly drawn link (the test watches the tree's directories for the
 * temporary name each link begins with), so that many kills land while linking.
 *
 * <p>The figures (kills, in which phase, names linked by each, temporary names left) are printed
 * on standard output; timings vary with the machine's load, the checks do not depend on them.
 */
class KilledRunTest {
  private static final int CONTENTS = 1000;
  private static final int DIRECTORIES = 50;
  private static final int KILLS = 20;
  private static final int MAX_ATTEMPTS = 60;
  /** Exit value of a process killed by signal 9, as {@link Process#exitValue()} reports it. */
  private static final int SIGKILLED = 128 + 9;
  private static final Pattern CLEANED =
      Pattern.compile("^Cleaned:\\s+(\\d+) temporary names? left by an interrupted run$",
          Pattern.MULTILINE);
  private static final Pattern WOULD_CLEAN =
      Pattern.compile("^Would clean:\\s+(\\d+) temporary names? left by an interrupted run$",
          Pattern.MULTILINE);

  @TempDir Path tmp;

  /** What the test knows about the tree it built: each name's bytes and content. */
  private static final class Built {
    /** Every name made, in the order made, with the SHA-256 of its bytes. */
    final Map<Path, String> sha256 = new LinkedHashMap<>();
    /** Every name made, with the number of its content. */
    final Map<Path, Integer> content = new HashMap<>();
    /** The names of each content (a content with one name has nothing to link). */
    final Map<Integer, List<Path>> namesOf = new HashMap<>();
    int contents;

    void add(Path p, int c, byte[] bytes) {
      sha256.put(p, TreeListing.sha256(bytes));
      content.put(p, c);
      namesOf.computeIfAbsent(c, k -> new ArrayList<>()).add(p);
    }

    void addLink(Path p, Path existing) {
      int c = content.get(existing);
      sha256.put(p, sha256.get(existing));
      content.put(p, c);
      namesOf.get(c).add(p);
    }
  }

  /** One look at the tree: the inode of each name, and the temporary names found. */
  private record State(Map<Path, Long> ino, List<Path> temporaries, int namesToLink) {}

  // ---------------------------------------------------------------------------------------------

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void runsKilledAtRandomInstantsLoseNothingAndAFinalRunFinishesTheJob() throws Exception {
    long t0 = System.nanoTime();
    Path tree = tmp.resolve("tree");
    Path logs = Trees.mkdirs(tmp.resolve("logs"));
    long seed = System.nanoTime();
    Built built = build(tree, new Random(42));
    long builtMs = (System.nanoTime() - t0) / 1_000_000;
    State start = check(tree, built);
    int total = start.namesToLink();
    assertTrue(total > 1500, "names to link in the built tree: " + total);

    // How long runs take here: a JVM that does nothing, and a full run on a copy of the tree.
    long jvmMs = Child.start(logs, null, "--version").awaitEnd();
    Path copy = copyTree(tree, tmp.resolve("copy"));
    long fullMs = Child.start(logs, null, copy).awaitEnd();
    assertEquals(0, check(copy, rebase(built, tree, copy)).namesToLink(), "the measured run");
    System.out.printf(Locale.ROOT, "KilledRunTest: %d names, %d to link; JVM start %d ms, full"
        + " run %d ms; seed %d; tree built in %d ms, setup %d ms%n", built.sha256.size(), total,
        jvmMs, fullMs, seed, builtMs, (System.nanoTime() - t0) / 1_000_000);

    // When to kill. Even runs: after a delay drawn uniformly from [JVM start, full run]; it
    // lands in JVM start, walk, hashing, linking or cleanup. Odd runs: as soon as the run has
    // started its k-th link, k drawn uniformly from 1 to a quarter of the names left to link.
    // Links are seen as they start, by watching the tree's directories for temporary names
    // (inotify). No run is let past a quarter of the names left, so a run faster than the
    // measured one is killed while linking rather than completing, and the final run still has
    // links to make and leftovers to clean. Each run starts where the last one stopped.
    Random rnd = new Random(seed);
    int kills = 0;
    int killsInLinking = 0;
    int killsWithLinks = 0;
    int killsLeavingNewTemporaries = 0;
    int mostTemporaries = 0;
    Set<Path> temporariesSeen = new HashSet<>();
    int completed = 0;
    long checkingNanos = 0;
    List<String> perRun = new ArrayList<>();
    State before = start;
    for (int attempt = 0; kills < KILLS && attempt < MAX_ATTEMPTS; attempt++) {
      int toLinkBefore = before.namesToLink();
      int quarter = toLinkBefore == 0 ? Integer.MAX_VALUE : Math.max(1, toLinkBefore / 4);
      boolean atALink = attempt % 2 == 1 && toLinkBefore > 0;
      long delay = atALink ? 120_000
          : jvmMs + Math.round(rnd.nextDouble() * Math.max(0, fullMs - jvmMs));
      int atLink = atALink ? 1 + rnd.nextInt(quarter) : quarter;
      Child c = Child.start(logs, tree, tree);
      int exit = c.kill(delay, atLink);
      assertTrue(exit == 0 || exit == SIGKILLED, () -> "exit " + exit + "\n" + c);
      assertTrue(c.problems().isEmpty(), () -> "the run reported problems:\n" + c);

      long t1 = System.nanoTime();
      State after = check(tree, built);
      checkingNanos += System.nanoTime() - t1;
      int linked = toLinkBefore - after.namesToLink();
      assertTrue(linked >= 0, () -> "a run undid links: " + toLinkBefore + " names to link"
          + " before it, " + after.namesToLink() + " after");
      String how = (atALink ? "k" : "t") + c.endedAt + "ms:";
      if (exit == SIGKILLED) {
        kills++;
        killsInLinking += c.linksStarted > 0 || c.overflowed ? 1 : 0;
        killsWithLinks += linked > 0 ? 1 : 0;
        List<Path> fresh = after.temporaries().stream()
            .filter(t -> !temporariesSeen.contains(t)).toList();
        temporariesSeen.addAll(fresh);
        killsLeavingNewTemporaries += fresh.isEmpty() ? 0 : 1;
        mostTemporaries = Math.max(mostTemporaries, after.temporaries().size());
        perRun.add(how + linked + (fresh.isEmpty() ? "" : "+" + fresh.size() + "t"));
      } else {
        completed++;
        assertEquals(0, after.namesToLink(), "names left to link after a completed run");
        assertTrue(after.temporaries().isEmpty(), "a completed run left temporary names");
        perRun.add(how + linked + "(completed)");
      }
      before = after;
    }
    System.out.printf(Locale.ROOT, "KilledRunTest: %d kills (%d after the run's first link, %d"
        + " after some names were linked), %d runs completed before their kill; %d temporary"
        + " names left by %d kills (at most %d at once); %d of %d names linked by killed runs;"
        + " %d ms so far (%d checking)%n  per run (t = killed after a drawn delay, k = at a"
        + " drawn link; ms from start to kill: names linked [+new temporary names]): %s%n",
        kills, killsInLinking, killsWithLinks, completed, temporariesSeen.size(),
        killsLeavingNewTemporaries, mostTemporaries, total - before.namesToLink(), total,
        (System.nanoTime() - t0) / 1_000_000, checkingNanos / 1_000_000,
        String.join(" ", perRun));
    assertTrue(kills >= KILLS, "only " + kills + " kills in " + MAX_ATTEMPTS + " runs");

    // A run to completion: everything linked, every leftover cleaned, every byte kept.
    TreeListing listed = TreeListing.of(tree);
    CommandRun run = CommandRun.main(tree).assertCleanSuccess();
    State end = check(tree, built);
    TreeListing done = TreeListing.of(tree);
    assertEquals(before.namesToLink(), run.linkedNames(), run::toString);
    assertEquals(listed.bytesOfInodesGoneIn(done), run.freedBytes(), run::toString);
    assertEquals(0, end.namesToLink());
    assertTrue(end.temporaries().isEmpty(), () -> "temporary names left: " + end.temporaries());
    done.assertNoTemporaryNames();
    Matcher cleaned = CLEANED.matcher(run.out());
    if (before.temporaries().isEmpty()) {
      assertFalse(cleaned.find(), run::toString);
    } else {
      assertTrue(cleaned.find(), run::toString);
      assertEquals(before.temporaries().size(), Integer.parseInt(cleaned.group(1)), run::toString);
    }
    for (List<Path> names : built.namesOf.values()) {
      Set<Long> inodes = new HashSet<>();
      names.forEach(n -> inodes.add(end.ino().get(n)));
      assertEquals(1, inodes.size(), () -> "one content, several inodes: " + names);
    }
    assertEquals(built.contents, new HashSet<>(end.ino().values()).size(),
        "one inode per content, none shared by two contents");
    System.out.printf(Locale.ROOT, "KilledRunTest: the final run linked %d names and cleaned %d"
        + " temporary names; %d ms in all%n", run.linkedNames(), before.temporaries().size(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void cleanupRemovesOnlyTemporaryNamesThatAreExtraNamesOfAFile() throws IOException {
    Path tree = tmp.resolve("tree");
    Leftovers l = leftovers(tree);
    TreeListing before = TreeListing.of(tree);

    CommandRun run = CommandRun.main(tree);

    TreeListing after = TreeListing.of(tree);
    assertEquals(0, run.exitCode(), run::toString);
    assertFalse(Files.exists(l.realLeftover, LinkOption.NOFOLLOW_LINKS), "the real leftover");
    assertEquals(1, Trees.nlink(l.kept), "the kept file lost only its extra name");
    assertEquals(1, count(CLEANED, run), run::toString);
    assertTrue(run.err().contains("leaving " + l.lonely + ": named like a temporary name, but it"
        + " is the only name of its file"), run::toString);
    assertEquals(1, run.err().lines().count(), () -> "one warning, no error: " + run);
    assertTrue(Files.isRegularFile(l.lonely, LinkOption.NOFOLLOW_LINKS), "the lonely file");
    assertTrue(Files.isRegularFile(tree.resolve("c/.linkdupes.notes.txt"),
        LinkOption.NOFOLLOW_LINKS), "a name of the wrong shape");
    // Every name but the real leftover is still there with its type and bytes; the one pair of
    // duplicates was linked.
    Map<Path, TreeListing.Entry> expected = new HashMap<>(before.entries());
    expected.remove(tree.relativize(l.realLeftover));
    assertEquals(expected.keySet(), after.entries().keySet());
    for (TreeListing.Entry e : expected.values()) {
      assertEquals(e.content(), after.get(e.relative()).content(), e::toString);
    }
    assertEquals(after.ino("dup", "one"), after.ino("dup", "two"));
    assertEquals(1, run.linkedNames(), run::toString);
  }

  @Test
  void aDryRunRemovesNoTemporaryName() {
    Path tree = tmp.resolve("tree");
    leftovers(tree);
    TreeListing before = TreeListing.of(tree);

    CommandRun run = CommandRun.main("-n", tree);

    assertEquals(0, run.exitCode(), run::toString);
    before.assertIdenticalTo(TreeListing.of(tree));
    assertTrue(run.out().contains("Dry run: nothing was changed.\n"), run::toString);
  }

  @Test
  void aDryRunCountsOnlyTheTemporaryNamesARealRunWouldClean() {
    Path tree = tmp.resolve("tree");
    leftovers(tree);

    CommandRun dry = CommandRun.main("-n", tree);
    CommandRun real = CommandRun.main(tree);

    assertEquals(1, count(CLEANED, real), real::toString);
    assertEquals(1, count(WOULD_CLEAN, dry), dry::toString);
  }

  /** The number on the one line of the report that matches, or -1 if none does. */
  private static int count(Pattern row, CommandRun run) {
    Matcher m = row.matcher(run.out());
    if (!m.find()) {
      return -1;
    }
    int n = Integer.parseInt(m.group(1));
    assertFalse(m.find(), () -> "two such rows:\n" + run);
    return n;
  }

  /** Names of a tree for the cleanup tests. */
  private record Leftovers(Path kept, Path realLeftover, Path lonely) {}

  /**
   * A tree with one real leftover (an extra name of a file, named exactly like a temporary name)
   * and names that only look like one: a lonely file, wrong shapes, a symlink, a directory.
   */
  private static Leftovers leftovers(Path tree) {
    Path kept = write(tree.resolve("a/kept"), random(1, 5000));
    Path realLeftover = link(tree.resolve("a/.linkdupes.0a1b2c3d4e5f"), kept);
    // The right shape, but the only name of its file: a user's file, not ours to remove.
    Path lonely = write(tree.resolve("b/.linkdupes.zz9yy8xx7ww6"), random(2, 3000));
    // Wrong shapes, each also an extra name of a file: never touched by the cleanup.
    write(tree.resolve("c/.linkdupes.notes.txt"), "my notes\n");
    Path other = write(tree.resolve("c/other"), random(3, 4000));
    link(tree.resolve("c/.linkdupes.ABCDEFGHIJKL"), other);
    link(tree.resolve("c/.linkdupes.0a1b2c3d4e5f6"), other);
    link(tree.resolve("c/.linkdupes.0a1b2c3d4e5"), other);
    link(tree.resolve("c/linkdupes.0a1b2c3d4e5f"), other);
    // Right shapes on what is not a regular file.
    Trees.symlink(tree.resolve("d/.linkdupes.symlinkabcde"), "../a/kept");
    write(tree.resolve("d/.linkdupes.directory123/inside"), random(4, 2000));
    // And one pair of duplicates, so the run links something.
    write(tree.resolve("dup/one"), random(5, 6000));
    write(tree.resolve("dup/two"), random(5, 6000));
    assertTrue(TemporaryNames.isTemporary(realLeftover.getFileName().toString()));
    assertTrue(TemporaryNames.isTemporary(lonely.getFileName().toString()));
    return new Leftovers(kept, realLeftover, lonely);
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * ~3000 names: {@value #CONTENTS} contents of 1 to 20 KiB in 3 copies spread over
   * {@value #DIRECTORIES} directories (some copies made as hard links beforehand, some contents
   * with two linked pairs), plus files that must never be linked: unique ones, near twins of
   * equal size and linked pairs with no copy.
   */
  private static Built build(Path tree, Random r) {
    Built b = new Built();
    List<Path> dirs = new ArrayList<>();
    for (int d = 0; d < DIRECTORIES; d++) {
      dirs.add(Trees.mkdirs(tree.resolve(d % 5 == 4 ? "d" + (d - 1) + "/sub" + d : "d" + d)));
    }
    int c = 0;
    for (; c < CONTENTS; c++) {
      byte[] data = random(1000 + c, 1024 + r.nextInt(19 * 1024 + 1));
      int names = c % 10 == 7 ? 4 : 3;
      Path first = null;
      Path pairTwo = null;
      for (int k = 0; k < names; k++) {
        Path p = dirs.get(r.nextInt(dirs.size())).resolve(String.format("c%04d-%d.bin", c, k));
        if (k == 1 && (c % 10 == 3 || c % 10 == 7)) {
          link(p, first);
          b.addLink(p, first);
        } else if (k == 3) {
          link(p, pairTwo);
          b.addLink(p, pairTwo);
        } else {
          write(p, data);
          b.add(p, c, data);
        }
        if (k == 0) {
          first = p;
        } else if (k == 2) {
          pairTwo = p;
        }
      }
    }
    for (int i = 0; i < 30; i++, c++) {
      byte[] data = random(5000 + c, 1 + r.nextInt(20 * 1024));
      Path p = dirs.get(r.nextInt(dirs.size())).resolve("unique-" + i);
      write(p, data);
      b.add(p, c, data);
    }
    for (int i = 0; i < 20; i++) {
      byte[] data = random(7000 + i, 12 * 1024);
      Path p = dirs.get(r.nextInt(dirs.size())).resolve("twin-" + i + "-a");
      write(p, data);
      b.add(p, c++, data);
      data = data.clone();
      data[6 * 1024] ^= 1;
      p = dirs.get(r.nextInt(dirs.size())).resolve("twin-" + i + "-b");
      write(p, data);
      b.add(p, c++, data);
    }
    for (int i = 0; i < 10; i++, c++) {
      byte[] data = random(9000 + c, 1 + r.nextInt(20 * 1024));
      Path p = dirs.get(r.nextInt(dirs.size())).resolve("pair-" + i + "-a");
      write(p, data);
      b.add(p, c, data);
      Path q = link(dirs.get(r.nextInt(dirs.size())).resolve("pair-" + i + "-b"), p);
      b.addLink(q, p);
    }
    b.contents = c;
    return b;
  }

  /**
   * The checks after every run, killed or not: every name made exists, is a regular file and
   * holds its bytes; every other name is a temporary name that is an extra name of one of those
   * files. Returns the inodes seen and how many names are still to link.
   */
  private static State check(Path tree, Built built) throws IOException {
    Map<Path, Long> inoOf = new HashMap<>();
    Map<Long, String> shaOfInode = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<Path, String> e : built.sha256.entrySet()) {
      Path p = e.getKey();
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        problems.add("lost: " + p);
        continue;
      }
      Map<String, Object> a = Files.readAttributes(p, "unix:ino,mode", LinkOption.NOFOLLOW_LINKS);
      if (((Integer) a.get("mode") & 0170000) != 0100000) {
        problems.add("not a regular file: " + p);
        continue;
      }
      long ino = (Long) a.get("ino");
      inoOf.put(p, ino);
      // Names of one inode hold the same bytes: read each inode once.
      String sha = shaOfInode.get(ino);
      if (sha == null) {
        sha = TreeListing.sha256(p);
        shaOfInode.put(ino, sha);
      }
      if (!sha.equals(e.getValue())) {
        problems.add("changed bytes: " + p);
      }
    }

    List<Path> temporaries = new ArrayList<>();
    Files.walkFileTree(tree, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (built.sha256.containsKey(file)) {
          return FileVisitResult.CONTINUE;
        }
        if (!TemporaryNames.isTemporary(file.getFileName().toString())) {
          problems.add("a name that is neither made nor temporary: " + file);
          return FileVisitResult.CONTINUE;
        }
        temporaries.add(file);
        Map<String, Object> a =
            Files.readAttributes(file, "unix:ino,nlink,mode", LinkOption.NOFOLLOW_LINKS);
        if (((Integer) a.get("mode") & 0170000) != 0100000) {
          problems.add("a temporary name that is not a regular file: " + file);
        } else if ((Integer) a.get("nlink") < 2) {
          problems.add("a temporary name that is the only name of its file: " + file);
        } else if (!shaOfInode.containsKey((Long) a.get("ino"))) {
          problems.add("a temporary name of a file with no other name in the tree: " + file);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        throw e;
      }
    });
    assertTrue(problems.isEmpty(), () -> problems.size() + " problems:\n"
        + String.join("\n", problems.subList(0, Math.min(50, problems.size()))));

    // Names still to link: per content, the names not on the inode with the most of them (the
    // kept inode only gains names, the others only lose them).
    int toLink = 0;
    for (List<Path> names : built.namesOf.values()) {
      Map<Long, Integer> perInode = new HashMap<>();
      names.forEach(n -> perInode.merge(inoOf.get(n), 1, Integer::sum));
      toLink += names.size() - perInode.values().stream().mapToInt(Integer::intValue).max()
          .orElse(0);
    }
    return new State(inoOf, temporaries, toLink);
  }

  /** A copy of the tree with the same hard links, for a timed run. */
  private static Path copyTree(Path from, Path to) throws IOException {
    Map<Object, Path> copied = new HashMap<>();
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
          throws IOException {
        Files.createDirectories(to.resolve(from.relativize(dir)));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Path target = to.resolve(from.relativize(file));
        Path earlier = copied.putIfAbsent(attrs.fileKey(), target);
        if (earlier == null) {
          Files.copy(file, target);
        } else {
          Files.createLink(target, earlier);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return to;
  }

  /** The same names and contents under another root. */
  private static Built rebase(Built built, Path from, Path to) {
    Built b = new Built();
    for (Map.Entry<Path, String> e : built.sha256.entrySet()) {
      Path p = to.resolve(from.relativize(e.getKey()));
      int c = built.content.get(e.getKey());
      b.sha256.put(p, e.getValue());
      b.content.put(p, c);
      b.namesOf.computeIfAbsent(c, k -> new ArrayList<>()).add(p);
    }
    b.contents = built.contents;
    return b;
  }

  /**
   * The tool in its own JVM: {@code java -cp <test class path> linkdupes.Main ARGS}, output to
   * files. The directories of a tree can be watched for the temporary names the run creates,
   * one at the start of each link.
   */
  private static final class Child {
    final Process process;
    final long startNanos;
    final Path logs;
    final WatchService watch;
    /** Temporary names seen created, one per link started. */
    int linksStarted;
    /** True when the watch lost events: the run had started many links. */
    boolean overflowed;
    /** Milliseconds from the start to the kill or the end. */
    long endedAt = -1;

    private Child(Process process, long startNanos, Path logs, WatchService watch) {
      this.process = process;
      this.startNanos = startNanos;
      this.logs = logs;
      this.watch = watch;
    }

    /** Starts the tool; {@code watched}, unless null, is a tree whose links are counted. */
    static Child start(Path logs, Path watched, Object... args) throws IOException {
      WatchService watch = null;
      if (watched != null) {
        watch = watched.getFileSystem().newWatchService();
        try (var dirs = Files.walk(watched)) {
          for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
            d.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
          }
        } catch (IOException | RuntimeException e) {
          watch.close();
          throw e;
        }
      }
      Subprocess tool = Subprocess.linkdupes(args);
      long t = System.nanoTime();
      Process p = tool.start(logs.resolve("out.txt"), logs.resolve("err.txt"));
      return new Child(p, t, logs, watch);
    }

    /**
     * Kills the run {@code ms} after its start, or as soon as it has started {@code links}
     * links if that comes first, unless it ended before; returns its exit value.
     */
    int kill(long ms, int links) throws IOException, InterruptedException {
      try {
        long deadline = startNanos + ms * 1_000_000;
        while (process.isAlive() && linksStarted < links && !overflowed) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          WatchKey key = watch == null
              ? null : watch.poll(Math.min(left, 2_000_000), TimeUnit.NANOSECONDS);
          if (key == null) {
            process.waitFor(Math.min(left, 2_000_000), TimeUnit.NANOSECONDS);
            continue;
          }
          for (WatchEvent<?> e : key.pollEvents()) {
            if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
              overflowed = true; // lost count: kill now
            } else if (TemporaryNames.isTemporary(e.context().toString())) {
              linksStarted++;
            }
          }
          key.reset();
        }
        if (process.isAlive()) {
          endedAt = sinceStart();
          process.destroyForcibly(); // SIGKILL
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "a killed run did not end");
        if (endedAt < 0) {
          endedAt = sinceStart();
        }
        return process.exitValue();
      } finally {
        process.destroyForcibly();
        if (watch != null) {
          watch.close();
        }
      }
    }

    /** Waits for the run to end by itself; fails unless it exits 0; returns its duration. */
    long awaitEnd() throws IOException, InterruptedException {
      int exit = kill(120_000, Integer.MAX_VALUE);
      assertEquals(0, exit, this::toString);
      return endedAt;
    }

    long sinceStart() {
      return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Lines the tool printed on standard error for errors and warnings. */
    List<String> problems() {
      return read("err.txt").lines().filter(l -> l.startsWith("linkdupes:")).toList();
    }

    private String read(String file) {
      try {
        return Files.readString(logs.resolve(file), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return e.toString();
      }
    }

    @Override
    public String toString() {
      return "exit " + (process.isAlive() ? "(running)" : process.exitValue())
          + "\n--- stdout ---\n" + read("out.txt") + "--- stderr ---\n" + read("err.txt");
    }
  }
}
