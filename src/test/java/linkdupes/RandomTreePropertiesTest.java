package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Random trees (sizes including 0, random duplicate structure, pre-existing links, permission
 * bits, owners, times, symlinks) and random option sets. After a run: every name keeps its
 * bytes, every eligible duplicate group is one inode, no two different contents or policy keys
 * share an inode, and a second run changes nothing.
 */
class RandomTreePropertiesTest {
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
  private static final String[] MODES = {"rw-r--r--", "r--r--r--", "rw-------"};

  /** One entry to create: a new file, a hard link to an earlier file, or a symlink to one. */
  record Entry(int dir, int content, int mode, int owner, int time, int kind, int other) {
    static final int FILE = 0;
    static final int HARD_LINK = 1;
    static final int SYMLINK = 2;
  }

  /** The options of one run. */
  record Flags(boolean ignoreMode, boolean ignoreOwner, boolean respectTime, boolean keepNewest,
      int minSize) {
    List<String> args() {
      List<String> a = new ArrayList<>();
      if (ignoreMode) {
        a.add("-p");
      }
      if (ignoreOwner) {
        a.add("-o");
      }
      if (respectTime) {
        a.add("--respect-time");
      }
      if (keepNewest) {
        a.add("--keep-newest");
      }
      a.add("--min-size=" + minSize);
      return a;
    }
  }

  /** 4 to 30 entries; the weights make most files share metadata, and some differ. */
  private static List<Entry> trees(Tries.Gen g) {
    return g.list(4, 30, () -> new Entry(
        g.uniform(0, 3),
        g.uniform(0, 5),
        g.weighted(6, 1, 1),
        g.weighted(5, 1),
        g.weighted(3, 1),
        g.weighted(8, 2, 1), // Entry.FILE, HARD_LINK, SYMLINK
        g.uniform(0, 1000)));
  }

  private static Flags flags(Tries.Gen g) {
    return new Flags(g.bool(), g.bool(), g.bool(), g.bool(), g.oneOf(0, 1, 2, 5000));
  }

  /** Sizes of the six contents; content 0 is empty and content 5 is a near twin of 4. */
  private static byte[] content(int id, long seed) {
    int[] sizes = {0, 1, 5000, 9000, 70_000, 70_000};
    byte[] b = new byte[sizes[id]];
    new Random(seed * 31 + Math.min(id, 4)).nextBytes(b);
    if (id == 5) {
      b[b.length / 2] ^= 1; // same size, first and last blocks as content 4
    }
    return b;
  }

  /** What a file's name must share with another to be merged under the flags. */
  private record Key(int content, int mode, int owner, int time) {}

  @Test
  void everyNameKeepsItsBytesAndEveryEligibleGroupBecomesOneInode() {
    Tries.run(g -> everyNameKeepsItsBytesAndEveryEligibleGroupBecomesOneInode(
        trees(g), flags(g), g.anyLong()));
  }

  private static void everyNameKeepsItsBytesAndEveryEligibleGroupBecomesOneInode(
      List<Entry> entries, Flags flags, long seed) throws IOException {
    Path root = Files.createTempDirectory("linkdupes-prop");
    try {
      Map<Path, Key> keys = build(root, entries, seed);
      TreeListing before = TreeListing.of(root);

      List<String> args = new ArrayList<>(flags.args());
      args.add(root.toString());
      CommandRun run = CommandRun.main(args.toArray());
      TreeListing after = TreeListing.of(root);

      assertEquals(0, run.exitCode(), run::toString);
      before.assertNothingLostIn(after);
      after.assertNoTemporaryNames();
      assertEquals(before.bytesOfInodesGoneIn(after), run.freedBytes(), run::toString);

      Map<Key, List<Path>> groups = new HashMap<>();
      for (Map.Entry<Path, Key> e : keys.entrySet()) {
        long size = content(e.getValue().content(), seed).length;
        if (size > 0 && size >= flags.minSize()) {
          groups.computeIfAbsent(policy(e.getValue(), flags), x -> new ArrayList<>())
              .add(root.relativize(e.getKey()));
        }
      }
      for (List<Path> group : groups.values()) {
        after.assertOneInode(group);
      }
      // No inode holds two contents or two policy keys (names of one inode share their key).
      Map<Long, Key> keyOfInode = new HashMap<>();
      for (Map.Entry<Path, Key> e : keys.entrySet()) {
        long ino = after.get(root.relativize(e.getKey())).ino();
        Key strict = policy(e.getValue(), flags);
        Key seen = keyOfInode.putIfAbsent(ino, strict);
        assertEquals(seen == null ? strict : seen, strict,
            "different contents or policy keys were merged: " + e.getKey() + "\n" + run);
      }

      CommandRun again = CommandRun.main(args.toArray());
      TreeListing third = TreeListing.of(root);
      assertEquals(0, again.exitCode(), again::toString);
      assertEquals(0, again.freedBytes(), again::toString);
      assertEquals(0, again.linkedNames(), again::toString);
      after.assertIdenticalTo(third);
    } finally {
      delete(root);
    }
  }

  /** The key with the fields the flags ignore set to zero. */
  private static Key policy(Key k, Flags flags) {
    return new Key(k.content(), flags.ignoreMode() ? 0 : k.mode(),
        flags.ignoreOwner() ? 0 : k.owner(), flags.respectTime() ? k.time() : 0);
  }

  /** Creates the tree; returns the policy-relevant facts of every regular file's name. */
  private static Map<Path, Key> build(Path root, List<Entry> entries, long seed)
      throws IOException {
    Map<Path, Key> keys = new HashMap<>();
    List<Path> files = new ArrayList<>();
    long t0 = 1_600_000_000_000L;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      Path dir = Files.createDirectories(root.resolve("d" + e.dir()));
      Path p = dir.resolve("f" + i);
      if (e.kind() == Entry.HARD_LINK && !files.isEmpty()) {
        Path target = files.get(e.other() % files.size());
        Files.createLink(p, target);
        keys.put(p, keys.get(target));
        files.add(p);
      } else if (e.kind() == Entry.SYMLINK && !files.isEmpty()) {
        Files.createSymbolicLink(p, files.get(e.other() % files.size()));
      } else {
        Files.write(p, content(e.content(), seed));
        int owner = ROOT ? e.owner() : 0;
        if (owner == 1) {
          Files.setAttribute(p, "unix:uid", 4242);
        }
        Files.setLastModifiedTime(p, FileTime.fromMillis(t0 + e.time() * 1000L));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(MODES[e.mode()]));
        keys.put(p, new Key(e.content(), e.mode(), owner, e.time()));
        files.add(p);
      }
    }
    return keys;
  }

  private static void delete(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  @Test
  void aDryRunChangesNothingAndPredictsTheRealRun() {
    Tries.run(50, g -> aDryRunChangesNothingAndPredictsTheRealRun(
        trees(g), flags(g), g.anyLong()));
  }

  private static void aDryRunChangesNothingAndPredictsTheRealRun(
      List<Entry> entries, Flags flags, long seed) throws IOException {
    Path root = Files.createTempDirectory("linkdupes-prop");
    try {
      build(root, entries, seed);
      TreeListing before = TreeListing.of(root);
      List<String> args = new ArrayList<>(flags.args());
      args.add(root.toString());
      List<String> dry = new ArrayList<>(args);
      dry.add(0, "--dry-run");
      CommandRun predicted = CommandRun.main(dry.toArray());
      before.assertIdenticalTo(TreeListing.of(root));
      CommandRun real = CommandRun.main(args.toArray());
      assertEquals(predicted.freedBytes(), real.freedBytes(), real::toString);
      assertEquals(predicted.linkedNames(), real.linkedNames(), real::toString);
    } finally {
      delete(root);
    }
  }
}
