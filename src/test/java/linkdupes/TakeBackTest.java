package linkdupes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import linkdupes.fs.FileMeta;
import linkdupes.fs.FileStat;
import linkdupes.fs.LinkOps;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changing your mind: the journal of every run, {@code undo} of a run, {@code split} of a name,
 * and {@code --max-links}, on real trees, with every name's bytes and metadata compared.
 */
class TakeBackTest {
  @TempDir Path tmp;

  private Path journal() {
    return tmp.resolve("state").resolve("journal.db");
  }

  /** Every file under {@code root}: its bytes' digest and metadata, as undo must give back. */
  record State(Map<String, String> files, Set<Set<String>> inodes) {}

  static State state(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    Map<Long, Set<String>> byInode = new HashMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String rel = root.relativize(p).toString();
        FileMeta.Read r = FileMeta.read(p);
        FileMeta m = r.meta();
        files.put(rel, TreeListing.sha256(p) + " mode=" + Integer.toOctalString(m.mode())
            + " uid=" + m.uid() + " gid=" + m.gid() + " mtime=" + m.mtimeNanos()
            + " xattrs=" + m.xattrs());
        byInode.computeIfAbsent(r.stat().ino(), k -> new HashSet<>()).add(rel);
      }
    }
    return new State(files, new HashSet<>(byInode.values()));
  }

  /**
   * A photo library filed three ways, its copies differing in what linking would make shared
   * with {@code -p -o --ignore-xattrs}: mode, owner, time, an attribute; a pair already
   * hard-linked; a file without a twin.
   */
  private Path photos() {
    Path root = Trees.mkdirs(tmp.resolve("photos"));
    byte[] a = Trees.random(1, 300_000);
    byte[] b = Trees.random(2, 90_000);
    byte[] c = Trees.random(3, 5_000);
    Trees.write(root.resolve("by-date/2024/IMG_1.jpg"), a);
    Trees.mode(Trees.write(root.resolve("by-person/alice/IMG_1.jpg"), a), "rw-------");
    Path kyoto = Trees.write(root.resolve("by-place/kyoto/IMG_1.jpg"), a);
    Trees.mtime(kyoto, 1_600_000_000L);
    xattr(kyoto, "user.tag", "kyoto");
    Trees.write(root.resolve("by-date/2024/IMG_2.jpg"), b);
    Path bob = Trees.write(root.resolve("by-person/bob/IMG_2.jpg"), b);
    if (Host.isRoot()) {
      owner(bob, 1000);
    }
    Path three = Trees.write(root.resolve("by-date/2024/IMG_3.jpg"), c);
    Trees.link(root.resolve("albums/IMG_3.jpg"), three);
    Trees.write(root.resolve("by-place/paris/IMG_3.jpg"), c);
    Trees.write(root.resolve("by-date/2024/unique.jpg"), Trees.random(4, 10_000));
    return root;
  }

  private static void xattr(Path p, String name, String value) {
    try {
      Files.getFileAttributeView(p, UserDefinedFileAttributeView.class)
          .write(name.substring("user.".length()), ByteBuffer.wrap(value.getBytes()));
    } catch (IOException e) {
      Assumptions.abort("no user attributes here: " + e);
    }
  }

  private static void owner(Path p, int uid) {
    try {
      Files.setAttribute(p, "unix:uid", uid);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private CommandRun link(Path root, Object... more) {
    List<Object> args = new ArrayList<>(List.of("--no-cache", "--journal", journal(), "-p",
        "-o", "--ignore-xattrs", "--ignore-folder-access"));
    args.addAll(List.of(more));
    args.add(root);
    return CommandRun.main(args.toArray());
  }

  @Test
  void undoGivesEveryNameItsOwnFileBackWithTheMetadataItHad() throws IOException {
    Path root = photos();
    State before = state(root);
    Path alice = root.resolve("by-person/alice/IMG_1.jpg");
    FileTime longAgo = FileTime.fromMillis(1_400_000_000_000L);
    Files.getFileAttributeView(alice, BasicFileAttributeView.class).setTimes(null, longAgo,
        null);

    CommandRun linked = link(root);
    linked.assertCleanSuccess();
    assertEquals(4, linked.linkedNames(), linked::toString);
    assertNotEquals(before.inodes(), state(root).inodes(), "the run linked");

    CommandRun dry = CommandRun.main("undo", "--journal", journal(), "-n", "1");
    dry.assertCleanSuccess();
    assertTrue(dry.out().contains("Would copy: 4 names"), dry::toString);
    assertNotEquals(before.inodes(), state(root).inodes(), "a dry run changes nothing");

    CommandRun undo = CommandRun.main("undo", "--journal", journal(), "1");

    undo.assertCleanSuccess();
    assertTrue(undo.out().contains("Copied:  4 names"), undo::toString);
    // before the files are read for the comparison, which moves it
    assertEquals(longAgo, Files.getAttribute(alice, "lastAccessTime"), "its access time too");
    State after = state(root);
    assertEquals(before.files(), after.files(), "every name's bytes and metadata");
    assertEquals(before.inodes(), after.inodes(), "each name its own file again, as before");

    CommandRun again = CommandRun.main("undo", "--journal", journal(), "1");
    again.assertCleanSuccess();
    assertTrue(again.out().contains("Copied:  0 names")
        && again.out().contains("Already: 4 given back by an earlier undo"), again::toString);
    assertEquals(after, state(root));
  }

  @Test
  void namesChangedSinceTheRunAreLeftAloneAndNamed() throws IOException {
    Path root = photos();
    link(root).assertCleanSuccess();
    Path replaced = root.resolve("by-person/alice/IMG_1.jpg");
    byte[] mine = Trees.random(9, 1000);
    Path fresh = Trees.write(root.resolve("fresh"), mine);
    Files.move(fresh, replaced, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path shared = root.resolve("by-person/bob/IMG_2.jpg"); // written to in place since
    try (var f = new java.io.RandomAccessFile(shared.toFile(), "rw")) {
      f.seek(10);
      f.write(7);
    }
    long sharedIno = Trees.ino(shared);

    CommandRun undo = CommandRun.main("undo", "--journal", journal(), "1");

    assertEquals(0, undo.exitCode(), undo::toString);
    assertEquals(List.of("linkdupes: leaving " + replaced + ": another file now than the run "
        + "left it", "linkdupes: leaving " + shared + ": the file it shares was written to "
        + "since the run"), undo.err().lines().sorted().toList(), undo::toString);
    assertArrayEquals(mine, Files.readAllBytes(replaced));
    assertEquals(sharedIno, Trees.ino(shared), "left linked: its shared file changed");
    assertTrue(undo.out().contains("Copied:  2 names") && undo.out().contains("Left:    2"),
        undo::toString);
  }

  /** An ext4 image with too little room for the copies: undo refuses first, with the figure. */
  @Test
  void aFullFileSystemRefusesTheUndoUpFrontAndChangesNothing() throws IOException {
    try (LoopFileSystem fs = LoopFileSystem.ext4(tmp)) {
      byte[] bytes = Trees.random(5, 4 << 20);
      for (int i = 0; i < 8; i++) {
        Trees.write(fs.root().resolve("d" + i + "/f"), bytes);
      }
      link(fs.root()).assertCleanSuccess();
      // leave room for fewer than the 7 copies
      long free = Files.getFileStore(fs.root()).getUsableSpace();
      CommandRun filled = Host.exec(List.of("fallocate", "-l", String.valueOf(free - (6L << 20)),
          fs.root().resolve("filler").toString()), 60);
      assertEquals(0, filled.exitCode(), filled::toString);
      Map<String, Long> inodes = new TreeMap<>();
      for (int i = 0; i < 8; i++) {
        inodes.put("d" + i, Trees.ino(fs.root().resolve("d" + i + "/f")));
      }

      CommandRun undo = CommandRun.main("undo", "--journal", journal(), "1");

      assertEquals(1, undo.exitCode(), undo::toString);
      List<String> lines = undo.err().lines().toList();
      assertEquals(1, lines.size(), undo::toString);
      assertTrue(lines.get(0).matches("linkdupes: not enough space on " + fs.root()
          + " .*: 7 copies need 28\\.0 MiB \\(29360128 bytes\\), .* are free; nothing was "
          + "changed"), undo::toString);
      for (int i = 0; i < 8; i++) {
        assertEquals(inodes.get("d" + i), Trees.ino(fs.root().resolve("d" + i + "/f")));
      }
    }
  }

  /** The library copy of a song about to be retagged: one name of five, split off alone. */
  @Test
  void splitOfOneNameInAGroupOfFiveLeavesFourLinkedAndOneAlone() throws IOException {
    Path root = Trees.mkdirs(tmp.resolve("music"));
    byte[] bytes = Trees.random(6, 200_000);
    Path first = Trees.write(root.resolve("torrent/01.flac"), bytes);
    xattr(first, "user.source", "seed");
    Trees.mtime(first, 1_500_000_000L);
    for (int i = 2; i <= 5; i++) {
      Trees.link(root.resolve("copy" + i + "/01.flac"), first);
    }
    Path library = root.resolve("copy3/01.flac");
    FileMeta shared = FileMeta.read(library).meta();

    CommandRun split = CommandRun.main("split", "--journal", journal(), library);

    split.assertCleanSuccess();
    assertEquals(4, Trees.nlink(first));
    assertEquals(1, Trees.nlink(library));
    assertNotEquals(Trees.ino(first), Trees.ino(library));
    assertArrayEquals(bytes, Files.readAllBytes(library));
    FileMeta own = FileMeta.read(library).meta();
    assertEquals(shared.mode(), own.mode());
    assertEquals(shared.uid(), own.uid());
    assertEquals(shared.mtimeNanos(), own.mtimeNanos());
    assertEquals(shared.xattrs(), own.xattrs());
    CommandRun listed = CommandRun.main("journal", "--journal", journal());
    assertTrue(listed.out().lines().anyMatch(l -> l.matches("1\\s+\\S+ \\S+\\s+split\\s+1\\s.*")),
        listed::toString);
    CommandRun again = CommandRun.main("split", "--journal", journal(), library);
    assertTrue(again.out().contains("Its own:"), again::toString);
  }

  /** A name split since the run is its own file already: undo says so, and warns of nothing. */
  @Test
  void undoLeavesANameSplitSinceAsItIsWithoutAWarning() throws IOException {
    Path root = photos();
    link(root).assertCleanSuccess();
    Path alice = root.resolve("by-person/alice/IMG_1.jpg"); // a name the run linked
    CommandRun.main("split", "--journal", journal(), alice).assertCleanSuccess();
    long own = Trees.ino(alice);

    CommandRun undo = CommandRun.main("undo", "--journal", journal(), "1");

    undo.assertCleanSuccess();
    assertTrue(undo.out().contains("Copied:      3 names")
        && undo.out().contains("Split since: 1 name"), undo::toString);
    assertEquals(own, Trees.ino(alice));
  }

  @Test
  void maxLinksOfThreeMakesTenIdenticalFilesFourAndTheDryRunSaysSo() throws IOException {
    Path root = Trees.mkdirs(tmp.resolve("ten"));
    byte[] bytes = Trees.random(7, 50_000);
    for (int i = 0; i < 10; i++) {
      Trees.write(root.resolve("f" + i), bytes);
    }

    CommandRun dry = link(root, "--max-links", "3", "-n");
    CommandRun run = link(root, "--max-links", "3");

    dry.assertCleanSuccess();
    run.assertCleanSuccess();
    assertEquals(6, dry.linkedNames(), dry::toString);
    assertEquals(6, run.linkedNames(), run::toString);
    Set<Long> inodes = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      Path f = root.resolve("f" + i);
      inodes.add(Trees.ino(f));
      assertTrue(Trees.nlink(f) <= 3, f + " has " + Trees.nlink(f) + " names");
      assertArrayEquals(bytes, Files.readAllBytes(f));
    }
    assertEquals(4, inodes.size());
  }

  /**
   * A run that stops midway (its link operations fail for good after 40 names, as a kill
   * would leave it, with nothing marked done): the journal lists as linked exactly the names
   * that are now another file than before, and undo gives exactly those back.
   */
  @Test
  void theJournalOfARunStoppedMidwayListsExactlyWhatWasChanged() throws IOException {
    Path root = Trees.mkdirs(tmp.resolve("pairs"));
    for (int i = 0; i < 120; i++) {
      byte[] bytes = Trees.random(100 + i, 3000 + i);
      Trees.write(root.resolve("a/f" + i), bytes);
      Trees.write(root.resolve("b/f" + i), bytes);
    }
    State before = state(root);
    Map<String, Long> inodes = inodes(root);
    LinkOps stopping = new FakeOps() {
      int renames;

      @Override
      public synchronized void rename(java.nio.file.SecureDirectoryStream<Path> dir, Path source,
          Path target) throws IOException {
        if (++renames > 40) {
          throw new IllegalStateException("stopped");
        }
        super.rename(dir, source, target);
      }
    };

    CommandRun stopped = CommandRun.withOps(stopping, "--no-cache", "--journal", journal(),
        root);
    assertEquals(1, stopped.exitCode(), stopped::toString);

    Map<String, Long> now = inodes(root);
    Set<String> changed = new HashSet<>();
    for (Map.Entry<String, Long> e : inodes.entrySet()) {
      if (!e.getValue().equals(now.get(e.getKey()))) {
        changed.add(root.resolve(e.getKey()).toString());
      }
    }
    assertEquals(40, changed.size());
    CommandRun listed = CommandRun.main("journal", "--journal", journal(), "--format", "csv",
        "1");
    listed.assertCleanSuccess();
    Set<String> listedLinked = new HashSet<>();
    for (String row : listed.out().lines().skip(1).toList()) {
      String[] f = row.split(",");
      if (f[5].equals("linked")) {
        listedLinked.add(f[1]);
      }
    }
    assertEquals(changed, listedLinked);

    CommandRun undo = CommandRun.main("undo", "--journal", journal(), "1");
    undo.assertCleanSuccess();
    State after = state(root);
    assertTrue(before.equals(after), () -> "not as before: " + difference(before, after));
  }

  static String difference(State a, State b) {
    Set<Set<String>> onlyA = new HashSet<>(a.inodes());
    onlyA.removeAll(b.inodes());
    Set<Set<String>> onlyB = new HashSet<>(b.inodes());
    onlyB.removeAll(a.inodes());
    return "inodes before only " + onlyA + ", after only " + onlyB + "; files equal: "
        + a.files().equals(b.files());
  }

  /** The command line keeps its shape: a folder named like a subcommand is given as a path. */
  @Test
  void aFolderNamedSplitIsReachedAsDotSlashSplitAndTheWordAloneIsTheCommand() {
    byte[] bytes = Trees.random(8, 5000);
    Trees.write(tmp.resolve("split/a"), bytes);
    Trees.write(tmp.resolve("split/b"), bytes);

    CommandRun path = Subprocess.linkdupes("--no-cache", "-n", "./split").in(tmp).run();
    CommandRun bare = Subprocess.linkdupes("--no-cache", "-n", "split").in(tmp).run();
    CommandRun word = Subprocess.linkdupes("split", "split").in(tmp).run();

    assertEquals(0, path.exitCode(), path::toString);
    assertTrue(path.out().contains("Would link: 1 name"), path::toString);
    assertEquals(2, bare.exitCode(), bare::toString);
    assertTrue(bare.err().contains("Try 'linkdupes split --help'"), bare::toString);
    assertEquals(1, word.exitCode(), word::toString);
    assertEquals(List.of("linkdupes: cannot split split: it is a folder (-r splits every file "
        + "under it)"), word.err().lines().toList(), word::toString);
    assertTrue(CommandRun.main("--help").out().contains("./split"), "the help says so");
  }

  private static Map<String, Long> inodes(Path root) throws IOException {
    Map<String, Long> inodes = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        inodes.put(root.relativize(p).toString(), FileStat.of(p).ino());
      }
    }
    return inodes;
  }

  /**
   * A journal that cannot be used (here a symlink where it goes, which the cache's rules
   * refuse) is said in one warning; the run links all the same, and the symlink's target is
   * left as it was.
   */
  @Test
  void aJournalThatCannotBeUsedIsOneWarningAndTheRunGoesOn() throws IOException {
    Path root = photos();
    Path elsewhere = Trees.write(tmp.resolve("elsewhere.db"), "not yours");
    Files.createDirectories(journal().getParent());
    Files.createSymbolicLink(journal(), elsewhere);

    CommandRun r = link(root);

    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(4, r.linkedNames(), r::toString);
    List<String> err = r.err().lines().toList();
    assertEquals(1, err.size(), r::toString);
    assertTrue(err.get(0).startsWith("linkdupes: not keeping the journal " + journal())
        && err.get(0).endsWith("(this run cannot be undone)"), r::toString);
    assertEquals("not yours", Files.readString(elsewhere));
  }
}
