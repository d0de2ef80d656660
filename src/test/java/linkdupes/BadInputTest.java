package linkdupes;

import static linkdupes.Trees.random;
import static linkdupes.Trees.rel;
import static linkdupes.Trees.symlink;
import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import linkdupes.base.Paths;
import linkdupes.fs.LinkOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What people and systems hand the command that is not a tidy tree: roots that are missing,
 * files, repeated, nested or symlinks; kernel trees such as /proc; names that are not valid
 * UTF-8 under a JVM with no UTF-8 locale; paths longer than PATH_MAX.
 */
class BadInputTest {
  /** Linux's PATH_MAX, the terminating NUL included: a path of 4096 bytes or more fails. */
  private static final int PATH_MAX = 4096;
  /** One level of the deep trees: a 102-byte name plus its slash. */
  private static final String LEVEL = "d_" + "x".repeat(100);

  @TempDir Path tmp;
  Path tree;
  /** A tree with paths longer than PATH_MAX, which Java cannot delete: removed by rm -rf. */
  Path deep;

  @BeforeEach
  void setUp() {
    tree = Trees.mkdirs(tmp.resolve("tree"));
  }

  @AfterEach
  void removeDeepTree() {
    if (deep != null) {
      Trees.bash(tmp, "rm -rf -- \"$1\"", deep.toString());
    }
  }

  // ---------------------------------------------------------------------------------------
  // Roots

  @Test
  void missingRootsAreNamedWithTheReasonAndTheOtherRootsAreStillDone() {
    Path one = Trees.mkdirs(tmp.resolve("one"));
    Path two = Trees.mkdirs(tmp.resolve("two"));
    byte[] data = random(1, 700);
    write(one.resolve("a"), data);
    write(one.resolve("b"), data);
    write(two.resolve("c"), data);
    Path missing = tmp.resolve("no-such-dir");
    Path underFile = write(tmp.resolve("plain-file"), "x").resolve("sub");

    Outcome o = Outcome.main(tmp, one, missing, underFile, two);

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    assertEquals(List.of(
            "linkdupes: cannot scan " + missing + ": No such file or directory",
            "linkdupes: cannot scan " + underFile + ": Not a directory"),
        o.run().err().lines().toList(), o.run()::toString);
    o.after().assertOneInode(rel("one/a", "one/b", "two/c"));
    assertEquals(2, o.run().linkedNames());
    assertEquals(2 * 700, o.run().freedBytes());
    assertTrue(o.run().out().contains("Scanned:    3 files"), o.run()::toString);
  }

  @Test
  void twoFileRootsThatAreDuplicatesAreLinked() {
    byte[] data = random(2, 900);
    Path x = write(tmp.resolve("x.bin"), data);
    Path y = write(tmp.resolve("elsewhere/y.bin"), data);

    Outcome o = Outcome.main(tmp, x, y);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("x.bin", "elsewhere/y.bin"));
    assertEquals(900, o.run().freedBytes());
    assertTrue(o.run().out().contains("Scanned:    2 files"), o.run()::toString);
  }

  @Test
  void fileRootIsLinkedWithItsTwinInADirectoryRoot() {
    byte[] data = random(3, 1500);
    Path single = write(tmp.resolve("single"), data);
    Trees.mtime(single, 2_000_000_000L); // newest: it is the one replaced
    Trees.mtime(write(tree.resolve("twin"), data), 1_000_000_000L);
    Trees.mtime(write(tree.resolve("sub/other-twin"), data), 1_500_000_000L);
    write(tree.resolve("unrelated"), random(4, 1500));

    Outcome o = Outcome.main(tmp, single, tree);

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("single", "tree/twin", "tree/sub/other-twin"));
    assertEquals(o.before().ino("tree", "twin"), o.after().ino("single"), "the oldest is kept");
    assertEquals(1, o.after().get("tree", "unrelated").nlink());
    assertEquals(2 * 1500, o.run().freedBytes());
  }

  @Test
  void rootGivenSeveralTimesIsScannedOnce() {
    byte[] data = random(5, 800);
    write(tree.resolve("a"), data);
    write(tree.resolve("b"), data);
    write(tree.resolve("sub/c"), data);
    String same1 = tree + "/";
    String same2 = tree + "/./";
    String same3 = tmp + "/tree/../tree";

    Outcome o = Outcome.main(tmp, tree, same1, tree, same2, same3);

    assertEquals(0, o.run().exitCode(), o.run()::toString);
    List<String> warnings = o.run().err().lines().toList();
    assertEquals(4, warnings.size(), o.run()::toString);
    assertTrue(warnings.stream().allMatch(l -> l.startsWith("linkdupes: skipping ")
        && l.endsWith(": already scanned as part of " + tree)), o.run()::toString);
    assertTrue(o.run().out().contains("Scanned:    3 files"), o.run()::toString);
    o.after().assertOneInode(rel("tree/a", "tree/b", "tree/sub/c"));
    assertEquals(2, o.run().linkedNames());
    assertEquals(2 * 800, o.run().freedBytes());
  }

  @Test
  void rootsNestedInAnotherRootLinkEachFileOnceAndCountFreedBytesOnce() {
    byte[] data = random(6, 2500);
    Path a = Trees.mtime(write(tree.resolve("a"), data), 1_000_000_000L);
    Trees.link(tree.resolve("sub/a-link"), a); // already two names: a is kept
    write(tree.resolve("sub/b"), data);
    write(tree.resolve("sub/c"), data);
    write(tree.resolve("sub/deeper/d"), data);
    Path sub = tree.resolve("sub");
    Path deeper = tree.resolve("sub/deeper");

    // inner roots first and last, and a file root inside the tree
    Outcome o = Outcome.main(tmp, deeper, sub, tree, tree.resolve("sub/b"), sub);

    assertEquals(0, o.run().exitCode(), o.run()::toString);
    List<String> warnings = o.run().err().lines().toList();
    assertEquals(4, warnings.size(), o.run()::toString);
    // each skipped root names the root that was actually scanned
    assertTrue(warnings.contains("linkdupes: skipping " + deeper
        + ": already scanned as part of " + tree), o.run()::toString);
    assertTrue(warnings.contains("linkdupes: skipping " + sub
        + ": already scanned as part of " + tree), o.run()::toString);
    assertTrue(warnings.contains("linkdupes: skipping " + tree.resolve("sub/b")
        + ": already scanned as part of " + tree), o.run()::toString);
    assertTrue(o.run().out().contains("Scanned:    5 files"), o.run()::toString);
    o.after().assertOneInode(rel("tree/a", "tree/sub/a-link", "tree/sub/b", "tree/sub/c",
        "tree/sub/deeper/d"));
    assertEquals(o.before().ino("tree", "a"), o.after().ino("tree", "sub", "b"));
    assertEquals(5, o.after().get("tree", "a").nlink());
    assertEquals(3, o.run().linkedNames());
    assertEquals(3 * 2500, o.run().freedBytes());
  }

  @Test
  void symlinkToADirectoryGivenAsRootIsWalkedButNeverReplaced() {
    byte[] data = random(7, 1100);
    write(tree.resolve("x"), data);
    write(tree.resolve("sub/y"), data);
    write(tmp.resolve("other/z"), data);
    Path alias = symlink(tmp.resolve("alias"), "tree");
    Path aliasSub = tmp.resolve("alias/sub"); // a root below a symlinked directory

    Outcome o = Outcome.main(tmp, alias, tmp.resolve("other"));

    o.run().assertCleanSuccess();
    o.after().assertOneInode(rel("tree/x", "tree/sub/y", "other/z"));
    assertEquals(o.before().get("alias"), o.after().get("alias"),
        "the symlink itself is untouched");
    assertEquals(2 * 1100, o.run().freedBytes());

    // again through a root below the symlink, with a fresh copy: the copy is linked, the
    // symlink is still the same symlink
    write(tree.resolve("sub/w"), data);
    Outcome again = Outcome.main(tmp, aliasSub, tree.resolve("x"));
    again.run().assertCleanSuccess();
    again.after().assertOneInode(rel("tree/x", "tree/sub/y", "tree/sub/w", "other/z"));
    assertEquals(again.before().get("alias"), again.after().get("alias"));
    assertEquals(1100, again.run().freedBytes());
  }

  @Test
  void symlinkRootAndItsTargetTogetherAreScannedOnce() {
    byte[] data = random(8, 600);
    write(tree.resolve("a"), data);
    write(tree.resolve("b"), data);
    Path alias = symlink(tmp.resolve("alias"), "tree");

    Outcome o = Outcome.main(tmp, tree, alias);

    assertEquals(0, o.run().exitCode(), o.run()::toString);
    assertEquals(List.of("linkdupes: skipping " + alias + ": already scanned as part of " + tree),
        o.run().err().lines().toList());
    assertTrue(o.run().out().contains("Scanned:    2 files"), o.run()::toString);
    o.after().assertOneInode(rel("tree/a", "tree/b"));
    assertEquals(600, o.run().freedBytes());
  }

  @Test
  void danglingAndLoopingSymlinkRootsAreNamedAndTheRestIsDone() {
    byte[] data = random(9, 600);
    write(tree.resolve("a"), data);
    write(tree.resolve("b"), data);
    Path dangling = symlink(tmp.resolve("dangling"), "no-such-target");
    Path loop = symlink(tmp.resolve("loop"), "loop");

    Outcome o = Outcome.main(tmp, dangling, loop, tree);

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    List<String> errors = o.run().err().lines().toList();
    assertEquals(2, errors.size(), o.run()::toString);
    assertEquals("linkdupes: cannot scan " + dangling + ": No such file or directory",
        errors.get(0));
    assertTrue(errors.get(1).startsWith("linkdupes: cannot scan " + loop + ": Too many levels of"
        + " symbolic links"), o.run()::toString);
    assertEquals(o.before().get("dangling"), o.after().get("dangling"));
    assertEquals(o.before().get("loop"), o.after().get("loop"));
    o.after().assertOneInode(rel("tree/a", "tree/b"));
    assertEquals(600, o.run().freedBytes());
  }

  // ---------------------------------------------------------------------------------------
  // Kernel trees

  /** Link operations that must never be called: each call is counted and refused. */
  private static final class NoLinking implements LinkOps {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void createLink(Path link, Path existing) throws IOException {
      calls.incrementAndGet();
      throw new IOException("test: no link expected to " + existing);
    }

    @Override
    public void rename(SecureDirectoryStream<Path> dir, Path source, Path target)
        throws IOException {
      calls.incrementAndGet();
      throw new IOException("test: no rename expected");
    }

    @Override
    public void delete(SecureDirectoryStream<Path> dir, Path name) throws IOException {
      calls.incrementAndGet();
      throw new IOException("test: no delete expected");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "-n /proc/self",
      "-n /proc/self/task",
      "-n /sys/kernel/mm",
      "-n /proc/self/fd /proc/self/fdinfo",
      // not --follow-symlinks /proc/self/fd: it walks whatever directories the test JVM has
      // open, which can be a whole file system
      "-n --follow-symlinks /proc/self/fdinfo",
      "/proc/self/fd /proc/self/fdinfo",
  })
  void kernelTreesAreScannedWithoutCrashOrHangAndNothingIsLinked(String args) {
    List<String> argv = List.of(args.split(" "));
    for (String a : argv) {
      if (a.startsWith("/")) {
        Assumptions.assumeTrue(Files.isDirectory(Path.of(a)), a + " is not here");
      }
    }
    NoLinking ops = new NoLinking();

    CommandRun run = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> CommandRun.withOps(ops, argv.toArray()));

    assertTrue(run.exitCode() == 0 || run.exitCode() == 1, run::toString);
    assertFalse(run.err().contains("Exception") || run.err().contains("\tat "),
        "no stack trace\n" + run);
    assertTrue(run.err().lines().allMatch(l -> l.startsWith("linkdupes: ")),
        "every line on stderr is one of ours\n" + run);
    assertTrue(run.out().contains("Scanned:    "), run::toString);
    assertTrue(run.out().lines().anyMatch(l -> l.startsWith("Time:")), "the report is printed\n"
        + run);
    assertEquals(0, ops.calls.get(), "no link, rename or delete was tried\n" + run);
    long linked = run.linkedNames(); // exactly one "Linked:" or "Would link:" row
    if (argv.contains("-n")) {
      assertTrue(run.out().contains("Dry run: nothing was changed."), run::toString);
    } else {
      assertEquals(0, linked, run::toString);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Names under a JVM with no UTF-8 locale

  @Test
  void namesThatAreNotUtf8AreLinkedByAJvmRunningUnderLcAllC() throws Exception {
    String content = "the same bytes under every name\n";
    Trees.bash(tree, String.join("\n",
        "set -e",
        "p() { printf '%s' '" + content.strip() + "'; echo; }",
        "p > plain.txt",
        "p > $'bad-\\xff\\xfe.txt'",
        "mkdir $'dir-\\xc3\\x28'",
        "p > $'dir-\\xc3\\x28/\\x80\\x81.txt'",
        "p > $'caf\\xc3\\xa9.txt'",
        "mkdir $'\\xe6\\x97\\xa5\\xe6\\x9c\\xac'",
        "p > $'\\xe6\\x97\\xa5\\xe6\\x9c\\xac/\\xce\\xb1\\xce\\xb2\\xce\\xb3.txt'",
        "p > $'latin1-\\xe9t\\xe9.txt'"));
    List<Path> files;
    try (Stream<Path> all = Files.walk(tree)) {
      files = all.filter(Files::isRegularFile).map(tmp::relativize).sorted().toList();
    }
    assertEquals(6, files.size(), files::toString);
    TreeListing before = TreeListing.of(tmp);
    for (Path f : files) {
      assertEquals(content, Files.readString(tmp.resolve(f), StandardCharsets.ISO_8859_1),
          "premise: every name holds the same bytes: " + f);
    }

    CommandRun settings = underLocale(tmp, Map.of("LC_ALL", "C"),
        List.of(Subprocess.java(), "-XshowSettings:properties", "-version"));
    assertTrue(settings.err().contains("sun.jnu.encoding = ANSI_X3.4-1968"),
        () -> "premise: a JVM under LC_ALL=C decodes file names as ASCII\n" + settings);

    CommandRun run = underLocale(tmp, Map.of("LC_ALL", "C"),
        Subprocess.linkdupesCommand(Subprocess.testClassPath(),
            List.of(Subprocess.ADD_OPENS, Subprocess.OPENED), "-v", tree));
    TreeListing after = TreeListing.of(tmp);

    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.err(), run::toString);
    assertTrue(run.out().contains("Linked:     5 names\n"), run::toString);
    assertTrue(run.out().contains("(" + 5 * content.length() + " bytes)"), run::toString);
    before.assertNothingLostIn(after);
    after.assertNoTemporaryNames();
    after.assertOneInode(files);
    assertEquals(5L * content.length(), before.bytesOfInodesGoneIn(after));
  }

  // ---------------------------------------------------------------------------------------
  // Paths longer than PATH_MAX

  @Test
  void filesBeyondPathMaxAreNamedOnceWithTheReasonAndTheRestIsLinked() {
    deep = tree;
    int prefix = utf8Length(tree.toString());
    Assumptions.assumeTrue(prefix + 20 * (LEVEL.length() + 1) < 3000, "@TempDir path too long");
    // level k is the directory k levels below tree; the first whose path is too long cannot
    // be reached, and everything below it neither
    int firstTooLong = 1;
    while (prefix + firstTooLong * (LEVEL.length() + 1) < PATH_MAX) {
      firstTooLong++;
    }
    assertTrue(firstTooLong <= 40, "the chain crosses PATH_MAX");
    Trees.bash(tree, String.join("\n",
        "set -e",
        "printf shallow > a; printf shallow > b; printf deep-data > c",
        "for i in $(seq 1 40); do",
        "  mkdir " + LEVEL + "; cd " + LEVEL,
        "  if [ $i = 10 ] || [ $i = 20 ] || [ $i = 40 ]; then",
        "    printf deep-data > f; printf shallow > g",
        "  fi",
        "done",
        "[ ${#PWD} -gt " + PATH_MAX + " ]"));
    Map<String, String> before = deepListing(tree);
    assertEquals(9, before.values().stream().filter(v -> v.startsWith("F ")).count(),
        before::toString);

    CommandRun run = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> CommandRun.main(tree));
    Map<String, String> after = deepListing(tree);

    Path unreachable = level(tree, firstTooLong);
    assertEquals(1, run.exitCode(), run::toString);
    assertEquals(List.of("linkdupes: cannot read " + Paths.display(unreachable)
        + ": File name too long"), run.err().lines().toList(), run::toString);
    assertTrue(run.out().contains("Scanned:    7 files"), run::toString);
    assertNothingLost(before, after);
    // shallow and reachable deep copies are linked
    assertEquals(1, inodes(after, "./a", "./b", atLevel(10, "g"), atLevel(20, "g")).size(),
        after::toString);
    assertEquals(1, inodes(after, "./c", atLevel(10, "f"), atLevel(20, "f")).size(),
        after::toString);
    assertEquals(5, run.linkedNames(), run::toString);
    assertEquals(3 * 7 + 2 * 9, run.freedBytes(), run::toString);
    // the copies beyond the limit are left as they were
    assertEquals(before.get(atLevel(40, "f")), after.get(atLevel(40, "f")));
    assertEquals(before.get(atLevel(40, "g")), after.get(atLevel(40, "g")));
    assertTrue(after.get(atLevel(40, "f")).endsWith(" 1 9 " + sha256("deep-data")),
        () -> after.get(atLevel(40, "f")));
    assertTrue(after.get(atLevel(40, "g")).endsWith(" 1 7 " + sha256("shallow")),
        () -> after.get(atLevel(40, "g")));
  }

  /**
   * A duplicate whose own path fits in PATH_MAX but whose temporary name beside it would not
   * (a one-letter name in a directory whose path is 4080 bytes long): it is either linked or
   * named on stderr with the reason, and it is never lost.
   */
  @Test
  void duplicateWhoseTemporaryNameWouldBeTooLongIsNeverLost() {
    deep = tree;
    int prefix = utf8Length(tree.toString());
    int levels = (4080 - prefix - 1 - 100) / (LEVEL.length() + 1);
    int lastName = 4080 - prefix - levels * (LEVEL.length() + 1) - 1;
    Assumptions.assumeTrue(levels > 0 && lastName >= 1 && lastName <= 255, "odd @TempDir path");
    String last = "z".repeat(lastName);
    Trees.bash(tree, String.join("\n",
        "set -e",
        "printf shallow > a; printf shallow > b",
        "for i in $(seq 1 " + levels + "); do mkdir " + LEVEL + "; cd " + LEVEL + "; done",
        "mkdir " + last + "; cd " + last,
        "[ ${#PWD} = 4080 ]",
        "printf shallow > g"));
    Path g = level(tree, levels).resolve(last).resolve("g");
    assertEquals(4082, utf8Length(g.toString()), "premise: the duplicate's path fits");
    Map<String, String> before = deepListing(tree);
    String gKey = "./" + tree.relativize(g);

    CommandRun run = CommandRun.main(tree);
    Map<String, String> after = deepListing(tree);

    assertNothingLost(before, after);
    assertEquals(1, inodes(after, "./a", "./b").size(), after::toString);
    boolean gLinked = inodes(after, "./a", gKey).size() == 1;
    if (gLinked) {
      run.assertCleanSuccess();
      assertEquals(2 * 7, run.freedBytes(), run::toString);
    } else {
      assertEquals(1, run.exitCode(), run::toString);
      assertEquals(List.of("linkdupes: cannot link " + Paths.display(g)
          + ": File name too long"), run.err().lines().toList(), run::toString);
      assertEquals(before.get(gKey), after.get(gKey), "the duplicate is left as it was");
      assertEquals(7, run.freedBytes(), run::toString);
    }
  }

  private static Path level(Path tree, int k) {
    Path p = tree;
    for (int i = 0; i < k; i++) {
      p = p.resolve(LEVEL);
    }
    return p;
  }

  /** The key of {@code name} in level {@code k} in {@link #deepListing}. */
  private static String atLevel(int k, String name) {
    return "." + ("/" + LEVEL).repeat(k) + "/" + name;
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * Every entry under {@code root}, listed by bash walking down with relative cd (so no path
   * is longer than a name): "./relative/path" to "D", "L" or "F ino nlink size sha256".
   */
  private static Map<String, String> deepListing(Path root) {
    String out = Trees.bash(root, String.join("\n",
        "set -e",
        "shopt -s dotglob nullglob",
        "walk() {",
        "  local e",
        "  for e in *; do",
        "    if [ -L \"$e\" ]; then printf 'L\\t%s/%s\\n' \"$1\" \"$e\"",
        "    elif [ -d \"$e\" ]; then printf 'D\\t%s/%s\\n' \"$1\" \"$e\"; cd -- \"$e\";"
            + " walk \"$1/$e\"; cd ..",
        "    else printf 'F %s %s\\t%s/%s\\n' \"$(stat -c '%i %h %s' -- \"$e\")\""
            + " \"$(sha256sum < \"$e\" | cut -c1-64)\" \"$1\" \"$e\"",
        "    fi",
        "  done",
        "}",
        "walk ."));
    Map<String, String> listing = new TreeMap<>();
    for (String line : out.split("\n")) {
      if (!line.isEmpty()) {
        int tab = line.indexOf('\t');
        listing.put(line.substring(tab + 1), line.substring(0, tab));
      }
    }
    return listing;
  }

  /** The same paths, each of the same type and the same bytes; no temporary name. */
  private static void assertNothingLost(Map<String, String> before, Map<String, String> after) {
    assertEquals(before.keySet(), after.keySet(), "no path lost or added");
    for (Map.Entry<String, String> e : before.entrySet()) {
      String was = e.getValue();
      String now = after.get(e.getKey());
      if (was.startsWith("F ")) {
        // type, size and sha256 stay; inode and link count may change
        String[] w = was.split(" ");
        String[] n = now.split(" ");
        assertEquals(w[0] + " " + w[3] + " " + w[4], n[0] + " " + n[3] + " " + n[4], e.getKey());
      } else {
        assertEquals(was, now, e.getKey());
      }
    }
  }

  private static Set<String> inodes(Map<String, String> listing, String... keys) {
    return Stream.of(keys).map(k -> {
      String v = listing.get(k);
      assertTrue(v != null && v.startsWith("F "), () -> "no file " + k + " in " + listing);
      return v.split(" ")[1];
    }).collect(Collectors.toSet());
  }

  private static String sha256(String s) {
    return TreeListing.sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------------------------------
  // subprocesses

  /**
   * Runs a java command in {@code dir} with exactly the given locale variables and no JVM
   * options from the environment; its output is decoded as ISO-8859-1.
   */
  private static CommandRun underLocale(Path dir, Map<String, String> locale,
      List<String> command) {
    return Subprocess.of(command).in(dir)
        .withoutEnv(k -> k.equals("LANG") || k.equals("LANGUAGE") || k.startsWith("LC_")
            || k.startsWith("JAVA_TOOL_OPTIONS") || k.equals("_JAVA_OPTIONS")
            || k.equals("JDK_JAVA_OPTIONS"))
        .env(locale)
        .decodedAs(StandardCharsets.ISO_8859_1)
        .run();
  }

  /** Bad values found only when compiled or applied are bad usage too: exit 2, nothing done. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "-i|[|invalid glob for --include: '['",
      "-x|a{b|invalid glob for --exclude: 'a{b'",
      "--min-age|150000d|--min-age PT3600000H reaches back before 1970"})
  void badGlobsAndAgesAreUsageErrors(String option, String value, String message) {
    byte[] data = random(9, 600);
    write(tree.resolve("a"), data);
    write(tree.resolve("b"), data);
    CommandRun r = CommandRun.main(option, value, "--no-cache", tree);
    assertEquals(2, r.exitCode(), r::toString);
    assertTrue(r.err().contains(message), r::toString);
    assertEquals(1L, r.err().lines().filter(l -> l.contains(message)).count(), r::toString);
    assertNotEquals(ino(tree.resolve("a")), ino(tree.resolve("b")), "nothing linked");
  }

  private static Object ino(Path p) {
    try {
      return java.nio.file.Files.readAttributes(p, "unix:ino").get("ino");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
