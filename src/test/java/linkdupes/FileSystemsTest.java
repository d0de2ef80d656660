package linkdupes;

import static linkdupes.Trees.random;
import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real file systems and their limits: ext4's 65,000 links per inode, two devices, and a file
 * system without hard links (FAT). Each test skips when the machine cannot give it the file
 * system it needs.
 */
class FileSystemsTest {
  /** ext4's EXT4_LINK_MAX; the ext4 driver applies it to ext2 and ext3 volumes too. */
  private static final int EXT4_LINK_MAX = 65_000;

  @TempDir Path tmp;

  /** A directory made outside {@link #tmp} (on another device), deleted after the test. */
  private Path outsideTmp;
  /** The command that unmounts what a test mounted, if it mounted anything. */
  private List<String> unmount;

  @AfterEach
  void cleanUp() throws IOException {
    if (unmount != null) {
      if (Host.exec(unmount, 30).exitCode() != 0) {
        Host.exec(List.of("umount", "-l", unmount.get(unmount.size() - 1)), 30);
      }
      unmount = null;
    }
    if (outsideTmp != null) {
      deleteTree(outsideTmp);
      outsideTmp = null;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Link limits

  @Test
  void seventyThousandCopiesOnExt4EndAsTwoInodesOf65000And5000Links() throws IOException {
    String type = Files.getFileStore(tmp).type();
    Assumptions.assumeTrue(Set.of("ext4", "ext3", "ext2").contains(type),
        "needs ext2/3/4 (65,000 links per inode with the ext4 driver) under @TempDir, not " + type);
    int files = 70_000;
    int dirs = 70;
    byte[] data = "same bytes\n".getBytes(StandardCharsets.US_ASCII);
    Path tree = Trees.mkdirs(tmp.resolve("tree"));
    List<Path> names = new ArrayList<>(files);
    for (int d = 0; d < dirs; d++) {
      Path dir = Files.createDirectory(tree.resolve("d" + d));
      for (int i = 0; i < files / dirs; i++) {
        names.add(Files.write(dir.resolve("f" + i), data));
      }
    }

    CommandRun run = CommandRun.main(tree);

    run.assertCleanSuccess();
    assertTrue(run.out().contains("Scanned:    70000 files, "), run::toString);
    assertTrue(run.out().contains("Duplicates: 1 group\n"), run::toString);
    assertTrue(run.out().contains("Linked:     69998 names\n"), run::toString);
    // every inode but the kept one and the one promoted at the limit is gone
    assertEquals((long) (files - 2) * data.length, run.freedBytes(), run::toString);

    Map<Long, Integer> namesPerInode = new HashMap<>();
    Map<Long, Integer> nlinkPerInode = new HashMap<>();
    for (Path p : names) {
      Map<String, Object> a = Files.readAttributes(p, "unix:ino,nlink", LinkOption.NOFOLLOW_LINKS);
      long ino = (Long) a.get("ino");
      if (namesPerInode.merge(ino, 1, Integer::sum) == 1) {
        // the bytes of every inode left (a name holds its inode's bytes)
        assertArrayEquals(data, Files.readAllBytes(p), p::toString);
      }
      nlinkPerInode.put(ino, (Integer) a.get("nlink"));
    }
    assertEquals(2, namesPerInode.size(), namesPerInode::toString);
    assertEquals(List.of(files - EXT4_LINK_MAX, EXT4_LINK_MAX),
        namesPerInode.values().stream().sorted().toList(), "names per inode");
    assertEquals(namesPerInode, nlinkPerInode, "no inode has a name outside the tree");
    try (Stream<Path> all = Files.walk(tree)) {
      assertEquals(files + dirs + 1, all.count(), "no name lost, none added (no temporary name)");
    }
  }

  @Test
  void twentyCopiesUnderALimitOfFiveLinksEndAsFourInodesAndFreeWhatIsGone() {
    Path tree = Trees.mkdirs(tmp.resolve("tree"));
    byte[] data = random(101, 1234);
    List<Path> names = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Path f = write(tree.resolve("sub" + (i % 3)).resolve(String.format("f%02d", i)), data);
      Trees.mtime(f, 1_000_000_000L + i);
      names.add(tmp.relativize(f));
    }

    Outcome o = Outcome.of(tmp, () -> CommandRun.withOps(FakeOps.linkLimit(5), tree));

    o.run().assertCleanSuccess();
    Map<Long, Integer> perInode = o.after().namesPerInode(names);
    assertEquals(4, perInode.size(), () -> "20 names, 5 per inode\n" + o.after());
    assertEquals(List.of(5, 5, 5, 5), perInode.values().stream().sorted().toList(),
        perInode::toString);
    assertEquals(16, o.run().linkedNames(), o.run()::toString);
    long gone = o.before().bytesOfInodesGoneIn(o.after());
    assertEquals(16L * 1234, gone, "16 of the 20 inodes are gone");
    assertEquals(gone, o.run().freedBytes(), o.run()::toString);
    // the kept file, the oldest, keeps its inode
    assertEquals(o.before().get(names.get(0)).ino(), o.after().get(names.get(0)).ino());
  }

  // ---------------------------------------------------------------------------------------
  // Two devices

  @Test
  void identicalFilesOnTwoDevicesAreLinkedOnlyWithinEachDevice() throws IOException {
    Path shm = Path.of("/dev/shm");
    Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no writable /dev/shm");
    outsideTmp = Files.createTempDirectory(shm, "linkdupes-test-");
    Path a = Trees.mkdirs(tmp.resolve("disk"));
    Path b = outsideTmp;
    Assumptions.assumeTrue(Host.dev(a) != Host.dev(b), "/dev/shm is on the same device as @TempDir");

    // content -> names on the disk side, names on the shm side (one inode per name, except
    // where noted). The same content of each size is written on both sides.
    byte[] contentA = random(201, 100);
    byte[] contentB = random(202, 200);
    byte[] contentC = random(203, 300);
    byte[] contentD = random(204, 400);
    write(a.resolve("a1"), contentA);
    write(a.resolve("x/a2"), contentA);
    write(a.resolve("y/a3"), contentA);
    write(b.resolve("a1"), contentA);
    write(b.resolve("x/a2"), contentA);

    write(a.resolve("b1"), contentB);
    for (int i = 1; i <= 4; i++) {
      write(b.resolve("b" + i), contentB);
    }

    Path c1 = write(a.resolve("c1"), contentC);
    Trees.link(a.resolve("c2"), c1); // one inode, two names
    write(a.resolve("c3"), contentC);
    for (int i = 1; i <= 3; i++) {
      write(b.resolve("c" + i), contentC);
    }

    write(a.resolve("d1"), contentD);
    write(b.resolve("d1"), contentD);

    // Planner's rule: per content, the names on every device but the one with the most names.
    //   A: 3 on disk, 2 on shm -> 2; B: 1 and 4 -> 1; C: 3 names (2 inodes) and 3 -> 3;
    //   D: 1 and 1 -> 1.
    long expectedOtherDevice = leftOnOtherDevice(3, 2) + leftOnOtherDevice(1, 4)
        + leftOnOtherDevice(3, 3) + leftOnOtherDevice(1, 1);
    assertEquals(7, expectedOtherDevice);

    TreeListing beforeA = TreeListing.of(a);
    TreeListing beforeB = TreeListing.of(b);
    CommandRun run = CommandRun.main(a, b);
    TreeListing afterA = TreeListing.of(a);
    TreeListing afterB = TreeListing.of(b);

    run.assertCleanSuccess(); // in particular: no link was even tried across the devices
    beforeA.assertNothingLostIn(afterA);
    beforeB.assertNothingLostIn(afterB);
    afterA.assertNoTemporaryNames();
    afterB.assertNoTemporaryNames();
    afterA.assertOneInode(Trees.rel("a1", "x/a2", "y/a3"));
    afterB.assertOneInode(Trees.rel("a1", "x/a2"));
    afterB.assertOneInode(Trees.rel("b1", "b2", "b3", "b4"));
    afterA.assertOneInode(Trees.rel("c1", "c2", "c3"));
    afterB.assertOneInode(Trees.rel("c1", "c2", "c3"));
    assertEquals(beforeA.get("b1"), afterA.get("b1"), "a lone copy on one device is left alone");
    assertEquals(beforeA.get("d1"), afterA.get("d1"));
    assertEquals(beforeB.get("d1"), afterB.get("d1"));
    assertEquals(beforeA.ino("c1"), afterA.ino("c3"), "the inode with more links is kept");
    assertEquals(1, afterA.get("b1").nlink());

    assertTrue(run.out().contains(
        "Skipped:    " + expectedOtherDevice + " on another device or mount\n"),
        run::toString);
    assertTrue(run.out().contains("Duplicates: 5 groups\n"), run::toString);
    // A: 2 + 1, B: 3, C: 1 + 2, D: 0
    assertEquals(9, run.linkedNames(), run::toString);
    long gone = beforeA.bytesOfInodesGoneIn(afterA) + beforeB.bytesOfInodesGoneIn(afterB);
    assertEquals(3 * 100 + 3 * 200 + 3 * 300, gone);
    assertEquals(gone, run.freedBytes(), run::toString);
  }

  /** Planner's count for one content: every name outside the device holding the most. */
  private static long leftOnOtherDevice(int namesOnOne, int namesOnOther) {
    return namesOnOne + namesOnOther - Math.max(namesOnOne, namesOnOther);
  }

  // ---------------------------------------------------------------------------------------
  // A file system without hard links

  @Test
  void onFatEachGroupFailsWithOneErrorLineAndNothingIsLost() throws IOException {
    Assumptions.assumeTrue(Host.isRoot(), "mounting needs root");
    Optional<Path> mkfs = Host.which("mkfs.vfat").or(() -> Host.which("mkfs.fat"));
    Assumptions.assumeTrue(mkfs.isPresent(), "mkfs.vfat is not installed (Debian: dosfstools)");
    Path img = tmp.resolve("fat.img");
    try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
      f.setLength(16 << 20);
    }
    CommandRun mkfsRun = Host.exec(List.of(mkfs.get().toString(), img.toString()), 60);
    Assumptions.assumeTrue(mkfsRun.exitCode() == 0, () -> "mkfs.vfat failed: " + mkfsRun);
    Path mnt = Trees.mkdirs(tmp.resolve("mnt"));
    mountFat(img, mnt);
    String type = Files.getFileStore(mnt).type();
    Assumptions.assumeTrue(type.contains("fat") || type.equals("msdos"),
        () -> "the mount is " + type + ", not FAT");
    Assumptions.assumeTrue(Host.dev(mnt) != Host.dev(tmp), "the FAT volume is not mounted");

    Map<String, Integer> sizes = new LinkedHashMap<>();
    sizes.put("g1", 1000);
    sizes.put("g2", 2000);
    sizes.put("g3", 3000);
    int seed = 300;
    for (Map.Entry<String, Integer> g : sizes.entrySet()) {
      byte[] data = random(seed++, g.getValue());
      for (int i = 0; i < 50; i++) {
        write(mnt.resolve(g.getKey()).resolve(String.format("f%02d.bin", i)), data);
      }
    }

    Outcome o = Outcome.main(mnt, mnt);

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    o.before().assertIdenticalTo(o.after());
    assertTrue(o.run().out().contains("Duplicates: 3 groups\n"), o.run()::toString);
    assertEquals(0, o.run().linkedNames(), o.run()::toString);
    assertEquals(0, o.run().freedBytes(), o.run()::toString);
    List<String> lines = o.run().err().lines().toList();
    assertEquals(3, lines.size(), () -> "one line per group, not one per file\n" + o.run());
    Map<String, Long> linesPerGroup = new TreeMap<>();
    for (String line : lines) {
      assertTrue(line.startsWith("linkdupes: cannot link " + mnt + "/g"), line);
      assertTrue(line.contains(": Operation not permitted")
          || line.contains(": Operation not supported"), () -> "the reason is named: " + line);
      assertTrue(line.endsWith("(the rest of this group is left as it was)"), line);
      String group = line.substring(("linkdupes: cannot link " + mnt + "/").length(),
          ("linkdupes: cannot link " + mnt + "/g1").length());
      linesPerGroup.merge(group, 1L, Long::sum);
    }
    assertEquals(Map.of("g1", 1L, "g2", 1L, "g3", 1L), linesPerGroup, o.run()::toString);
  }

  /** Mounts a FAT image: the kernel's vfat, else fusefat where the kernel has no vfat. */
  private void mountFat(Path img, Path mnt) {
    CommandRun kernel = Host.exec(List.of("mount", "-o", "loop", img.toString(), mnt.toString()), 60);
    if (kernel.exitCode() == 0) {
      unmount = List.of("umount", mnt.toString());
      return;
    }
    Optional<Path> fusefat = Host.which("fusefat");
    Optional<Path> fusermount = Host.which("fusermount").or(() -> Host.which("fusermount3"));
    Assumptions.assumeTrue(fusefat.isPresent() && fusermount.isPresent(),
        () -> "cannot mount FAT: " + kernel.err().strip());
    CommandRun fuse = Host.exec(List.of(fusefat.get().toString(), "-o", "rw+", img.toString(),
        mnt.toString()), 60);
    Assumptions.assumeTrue(fuse.exitCode() == 0,
        () -> "cannot mount FAT: " + kernel.err().strip() + "; fusefat: " + fuse);
    unmount = List.of(fusermount.get().toString(), "-u", mnt.toString());
  }

  // ---------------------------------------------------------------------------------------
  // helpers

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    }
  }
}
