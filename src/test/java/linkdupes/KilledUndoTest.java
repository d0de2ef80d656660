package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import linkdupes.base.TemporaryNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An undo killed with SIGKILL at random instants, 20 times, loses nothing: every name holds its
 * bytes after each kill, and the next undo finishes the work, leaving the tree as it was before
 * the run it undoes (every name's bytes and metadata, each its own file) with no copy left over.
 *
 * <p>The undo runs in a JVM of its own ({@code java -cp <test class path> linkdupes.Main undo})
 * killed with {@link Process#destroyForcibly()}, SIGKILL on Linux. How many kills landed while
 * copies were being made is printed; the checks do not depend on it.
 */
class KilledUndoTest {
  private static final int CONTENTS = 400;
  private static final int KILLS = 20;

  @TempDir Path tmp;

  @Test
  @Timeout(600)
  void anUndoKilledAtAnyInstantLosesNothingAndTheNextOneFinishes() throws Exception {
    Path root = Trees.mkdirs(tmp.resolve("tree"));
    Path journal = tmp.resolve("state").resolve("journal.db");
    Random random = new Random(42);
    for (int c = 0; c < CONTENTS; c++) {
      byte[] bytes = Trees.random(c, 8_000 + random.nextInt(40_000));
      for (int k = 0; k < 2 + c % 3; k++) {
        Path p = Trees.write(root.resolve("d" + (c * 7 + k) % 25).resolve("f" + c + "_" + k),
            bytes);
        if (k == 1) {
          Trees.mode(p, "rw-r-----");
        }
      }
    }
    TakeBackTest.State before = TakeBackTest.state(root);
    Map<String, String> bytes = digests(root);
    CommandRun linked = CommandRun.main("--no-cache", "--journal", journal, "-p", root);
    linked.assertCleanSuccess();

    int landed = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      // killed as it starts a randomly drawn copy (each begins with a temporary name), so that
      // every kill lands in the middle of the work and each attempt leaves some of it done
      int copies = 1 + random.nextInt(30);
      Process p = startAndAwaitTemporaryNames(root, copies,
          () -> Subprocess.linkdupes("undo", "--journal", journal, "1")
              .start(tmp.resolve("out.txt"), tmp.resolve("err.txt")));
      boolean alive = p.isAlive();
      p.destroyForcibly();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "a killed undo did not end");
      landed += alive ? 1 : 0;
      assertEquals(bytes, digests(root), "after kill " + (kill + 1) + ": every name, its bytes");
    }
    System.out.println("KilledUndoTest: " + landed + " of " + KILLS + " kills landed while the "
        + "undo ran");

    CommandRun finish = Subprocess.linkdupes("undo", "--journal", journal, "1").run();
    assertEquals(0, finish.exitCode(), finish::toString);
    TakeBackTest.State after = TakeBackTest.state(root);
    assertTrue(before.equals(after), () -> "as before the run: "
        + TakeBackTest.difference(before, after) + "\n" + finish);
    try (Stream<Path> s = Files.walk(root)) {
      List<Path> temps = s.filter(f -> TemporaryNames.isTemporary(f.getFileName().toString()))
          .toList();
      assertEquals(List.of(), temps, "no copy or temporary name left over");
    }
  }

  /**
   * A linking run killed with SIGKILL midway: its journal lists as linked exactly the names that
   * are now another file than before the run, and undo gives back exactly those.
   */
  @Test
  @Timeout(300)
  void theJournalOfALinkingRunKilledMidwayListsExactlyWhatItChanged() throws Exception {
    Path root = Trees.mkdirs(tmp.resolve("tree"));
    Path journal = tmp.resolve("state").resolve("journal.db");
    for (int c = 0; c < CONTENTS; c++) {
      byte[] bytes = Trees.random(c, 4_000 + c);
      for (int k = 0; k < 3; k++) {
        Trees.write(root.resolve("d" + (c * 7 + k) % 25).resolve("f" + c + "_" + k), bytes);
      }
    }
    TakeBackTest.State before = TakeBackTest.state(root);
    Map<String, Long> inodes = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        inodes.put(p.toString(), Trees.ino(p));
      }
    }
    int links = 50 + new Random(7).nextInt(400);
    Process run = startAndAwaitTemporaryNames(root, links,
        () -> Subprocess.linkdupes("--no-cache", "--journal", journal, root)
            .start(tmp.resolve("out.txt"), tmp.resolve("err.txt")));
    assertTrue(run.isAlive(), "the run ended before it could be killed");
    run.destroyForcibly();
    assertTrue(run.waitFor(60, TimeUnit.SECONDS));
    Set<String> changed = new TreeSet<>();
    for (Map.Entry<String, Long> e : inodes.entrySet()) {
      Path p = Path.of(e.getKey());
      if (Files.exists(p) && Trees.ino(p) != e.getValue()) {
        changed.add(e.getKey());
      }
    }
    assertTrue(!changed.isEmpty() && changed.size() < CONTENTS * 2, "killed midway: "
        + changed.size());

    CommandRun listed = CommandRun.main("journal", "--journal", journal, "--format", "csv",
        "1");
    listed.assertCleanSuccess();
    Set<String> linked = new TreeSet<>();
    for (String row : listed.out().lines().skip(1).toList()) {
      String[] f = row.split(",");
      if (f[5].equals("linked")) {
        linked.add(f[1]);
      }
    }
    assertEquals(changed, linked);
    CommandRun undo = CommandRun.main("undo", "--journal", journal, "1");
    undo.assertCleanSuccess();
    TakeBackTest.State after = TakeBackTest.state(root);
    assertTrue(before.equals(after), () -> "as before the run: "
        + TakeBackTest.difference(before, after));
  }

  /** Each name's bytes, temporary names aside (an extra name or a copy, never the only one). */
  private static Map<String, String> digests(Path root) throws IOException {
    Map<String, String> d = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        if (!TemporaryNames.isTemporary(p.getFileName().toString())) {
          d.put(root.relativize(p).toString(), TreeListing.sha256(p));
        }
      }
    }
    return d;
  }

  /** Starts a process. */
  private interface Start {
    Process start() throws IOException;
  }

  /**
   * Starts the process with every folder of {@code root} watched, and returns it once it has
   * made {@code names} temporary names there (each a link or a copy about to be renamed over
   * a name), or ended, or a minute passed.
   */
  private static Process startAndAwaitTemporaryNames(Path root, int names, Start start)
      throws IOException, InterruptedException {
    try (WatchService watch = root.getFileSystem().newWatchService()) {
      try (Stream<Path> dirs = Files.list(root)) {
        for (Path d : dirs.toList()) {
          d.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
        }
      }
      Process p = start.start();
      int seen = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (p.isAlive() && seen < names && System.nanoTime() < deadline) {
        WatchKey key = watch.poll(2, TimeUnit.MILLISECONDS);
        if (key != null) {
          for (WatchEvent<?> e : key.pollEvents()) {
            seen += e.kind() == StandardWatchEventKinds.OVERFLOW
                || TemporaryNames.isTemporary(e.context().toString()) ? 1 : 0;
          }
          key.reset();
        }
      }
      return p;
    }
  }
}
