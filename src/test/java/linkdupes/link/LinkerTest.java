package linkdupes.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import linkdupes.FakeOps;
import linkdupes.base.Problems;
import linkdupes.base.Progress;
import linkdupes.base.RunContext;
import linkdupes.base.Tally;
import linkdupes.base.TemporaryNames;
import linkdupes.fs.FileStat;
import linkdupes.fs.LinkOps;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.group.TestInodes;
import linkdupes.plan.LinkGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkerTest {
  @TempDir Path dir;

  private final Tally tally = new Tally();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final Problems problems = new Problems(new PrintStream(errBytes), false);

  private Linker linker(LinkOps ops) {
    return new Linker(ops, n -> n.path().toAbsolutePath(), new RunContext(problems, tally));
  }

  private Inode inode(Path... names) throws IOException {
    return TestInodes.of(FileStat.of(names[0]),
        Arrays.stream(names).map(n -> new Name(n, 0)).toArray(Name[]::new));
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private static long ino(Path p) throws IOException {
    return (Long) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
  }

  private List<Path> temporaries() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(TemporaryNames.PREFIX)).toList();
    }
  }

  @Test
  void replacesDuplicateWithHardLink() throws IOException {
    Path a = write("a", "content");
    Path b = write("b", "content");
    Inode kept = inode(a);
    GroupResult r = linker(LinkOps.SYSTEM)
        .link(new LinkGroup(kept, List.of(inode(b)), null));
    assertEquals(ino(a), ino(b));
    assertEquals("content", Files.readString(b));
    assertEquals(List.of(b), r.linked().stream().map(l -> l.name().path()).toList());
    assertEquals(7, r.bytesFreed());
    assertTrue(temporaries().isEmpty());
  }

  /** Equal ends and sizes are a clone's to check (the kernel compares); a link never trusts them. */
  @Test
  void neverLinksFilesWhoseBytesWereNotAllCompared() throws IOException {
    Path a = write("a", "one content");
    Path b = write("b", "one CONTENT");
    long before = ino(b);
    assertThrows(IllegalArgumentException.class, () -> linker(LinkOps.SYSTEM)
        .link(new LinkGroup(inode(a), List.of(inode(b)), null, false)));
    assertEquals(before, ino(b));
    assertEquals("one CONTENT", Files.readString(b));
  }

  @Test
  void temporaryNamesHaveAFixedLengthAndPrefix() {
    TemporaryNames names = new TemporaryNames();
    String a = names.next();
    String b = names.next();
    assertTrue(a.startsWith(TemporaryNames.PREFIX));
    assertEquals(a.length(), b.length());
    assertFalse(a.equals(b));
    assertTrue(TemporaryNames.isTemporary(a));
    assertFalse(TemporaryNames.isTemporary(a + "x"));
    assertFalse(TemporaryNames.isTemporary(a.substring(0, a.length() - 1) + "_"));
    assertFalse(TemporaryNames.isTemporary(".linkdupes.notes.txt"));
  }

  @Test
  void temporaryNamesAreRecognisedInTheBytesOfAPathAsInTheirText() {
    String made = new TemporaryNames().next();
    String[] names = {made, made + "x", made.substring(1), made.toUpperCase(java.util.Locale.ROOT),
        made.substring(0, made.length() - 1) + "_", made.substring(0, made.length() - 1) + "\u00e9",
        ".linkdupes.notes.txt", "", "photo.jpg"};
    for (String name : names) {
      byte[] path = ("/some/dir/" + name).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      // the definition, written out: the prefix, then 12 of [a-z0-9]
      boolean expected = name.length() == TemporaryNames.PREFIX.length() + 12
          && name.startsWith(TemporaryNames.PREFIX)
          && name.substring(TemporaryNames.PREFIX.length()).matches("[a-z0-9]*");
      assertEquals(expected, TemporaryNames.isTemporary(name), name);
      assertEquals(expected, TemporaryNames.isTemporary(path, 10, path.length), name);
    }
    byte[] path = ("/d/" + made).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(TemporaryNames.isTemporary(path, 3, path.length));
    assertFalse(TemporaryNames.isTemporary(path, 2, path.length)); // "/" + the name
  }

  @Test
  void skipsADuplicateThatChangedSinceItWasHashed() throws Exception {
    Path a = write("a", "content");
    Path b = write("b", "content");
    Inode dup = inode(b);
    Files.writeString(b, "other bytes, longer");
    GroupResult r = linker(LinkOps.SYSTEM)
        .link(new LinkGroup(inode(a), List.of(dup), null));
    assertTrue(r.linked().isEmpty());
    assertEquals(0, r.bytesFreed());
    assertEquals("other bytes, longer", Files.readString(b));
    assertEquals(1, tally.changed.get());
    assertTrue(errBytes.toString().contains("changed during the run"));
  }

  @Test
  void stopsTheGroupWhenTheKeptFileChanged() throws Exception {
    Path a = write("a", "content");
    Path b = write("b", "content");
    Inode kept = inode(a);
    Files.delete(a);
    Files.writeString(a, "new file under the old name");
    GroupResult r = linker(LinkOps.SYSTEM)
        .link(new LinkGroup(kept, List.of(inode(b)), null));
    assertTrue(r.linked().isEmpty());
    assertEquals("content", Files.readString(b));
    assertTrue(temporaries().isEmpty());
  }

  @Test
  void aFailedLinkLeavesTheDuplicateAsItWasAndNamesTheReason() throws Exception {
    Path a = write("a", "content");
    Path b = write("b", "content");
    long before = ino(b);
    LinkOps full = new FakeOps() {
      @Override
      public void createLink(Path link, Path existing) throws IOException {
        throw new FileSystemException(link.toString(), null, "No space left on device");
      }
    };
    GroupResult r = linker(full)
        .link(new LinkGroup(inode(a), List.of(inode(b)), null));
    assertTrue(r.linked().isEmpty());
    assertEquals(before, ino(b));
    assertEquals(1, problems.errorCount());
    assertTrue(errBytes.toString().contains("cannot link " + b + ": No space left on device"),
        errBytes.toString());
    assertTrue(temporaries().isEmpty());
  }

  @Test
  void aFailedRenameRemovesTheTemporaryName() throws Exception {
    Path a = write("a", "content");
    Path b = write("b", "content");
    LinkOps refusing = new FakeOps() {
      @Override
      public void rename(SecureDirectoryStream<Path> d, Path source, Path target)
          throws IOException {
        throw new FileSystemException(target.toString(), null, "Operation not permitted");
      }
    };
    linker(refusing).link(new LinkGroup(inode(a), List.of(inode(b)), null));
    assertEquals("content", Files.readString(b));
    assertFalse(ino(a) == ino(b));
    assertTrue(temporaries().isEmpty());
    assertEquals(1, problems.errorCount());
  }

  @Test
  void aFileWithTooManyLinksHandsOverToTheDuplicate() throws Exception {
    List<Inode> dups = new ArrayList<>();
    Path a = write("a", "content");
    for (int i = 0; i < 7; i++) {
      dups.add(inode(write("d" + i, "content")));
    }
    LinkOps limit3 = FakeOps.linkLimit(3);
    GroupResult r = linker(limit3)
        .link(new LinkGroup(inode(a), dups, null));
    assertEquals(0, problems.errorCount(), errBytes.toString());
    assertEquals("", errBytes.toString());
    // a + d0 + d1 | d2 + d3 + d4 | d5 + d6: three inodes of at most 3 names
    assertEquals(ino(a), ino(dir.resolve("d1")));
    assertEquals(ino(dir.resolve("d2")), ino(dir.resolve("d4")));
    assertEquals(ino(dir.resolve("d5")), ino(dir.resolve("d6")));
    assertEquals(5, r.linked().size());
    assertEquals(5 * 7, r.bytesFreed());
    assertTrue(temporaries().isEmpty());
  }

  /** Groups of three names with contents of their own, in subfolders g0, g1, ... */
  private List<LinkGroup> groups(int count) throws IOException {
    List<LinkGroup> groups = new ArrayList<>();
    for (int g = 0; g < count; g++) {
      Path sub = Files.createDirectories(dir.resolve("g" + g));
      String content = "group " + g + " ".repeat(g);
      Path kept = Files.writeString(sub.resolve("a"), content);
      Path b = Files.writeString(sub.resolve("b"), content);
      Path c = Files.writeString(dir.resolve("c" + g), content); // another directory
      groups.add(new LinkGroup(inode(kept), List.of(inode(b), inode(c)), null));
    }
    return groups;
  }

  private List<GroupResult> linkAll(List<LinkGroup> groups, int threads, LinkOps ops,
      Runnable afterEach) {
    Progress counting = new Progress() {
      @Override
      public void linkedGroup() {
        afterEach.run();
      }
    };
    return Linker.linkAll(groups, threads, ops, n -> n.path().toAbsolutePath(),
        new RunContext(problems, tally, counting));
  }

  @Test
  void groupsLinkedOnSeveralThreadsAreAllLinkedAndReportedInTheirOrder() throws Exception {
    List<LinkGroup> groups = groups(60);
    var after = new java.util.concurrent.atomic.AtomicInteger();
    java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<GroupResult> results = linkAll(groups, 4, LinkOps.SYSTEM, () -> {
      after.incrementAndGet();
      threads.add(Thread.currentThread());
    });
    assertEquals(60, results.size());
    assertEquals(60, after.get());
    for (int g = 0; g < 60; g++) {
      LinkGroup group = groups.get(g);
      assertTrue(results.get(g).group() == group, "result " + g + " is of its group");
      Path kept = dir.resolve("g" + g).resolve("a");
      String content = "group " + g + " ".repeat(g);
      for (Path p : List.of(dir.resolve("g" + g).resolve("b"), dir.resolve("c" + g))) {
        assertEquals(ino(kept), ino(p), p.toString());
        assertEquals(content, Files.readString(p));
      }
      assertEquals(2, results.get(g).linked().size());
      assertEquals(2L * content.length(), results.get(g).bytesFreed());
    }
    assertEquals("", errBytes.toString());
    assertTrue(temporaries().isEmpty());
    assertTrue(threads.size() > 1, "linked on " + threads);
  }

  @Test
  void aNameThatFailsOnOneThreadLeavesOnlyItselfUnlinked() throws Exception {
    List<LinkGroup> groups = groups(40);
    Path refused = dir.resolve("g17").resolve("b");
    LinkOps refusing = new FakeOps() {
      @Override
      public void rename(SecureDirectoryStream<Path> d, Path source, Path target)
          throws IOException {
        if (d.getFileAttributeView(target, java.nio.file.attribute.BasicFileAttributeView.class,
            LinkOption.NOFOLLOW_LINKS).readAttributes().fileKey().equals(
                Files.readAttributes(refused, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey())) {
          throw new FileSystemException(target.toString(), null, "No space left on device");
        }
        super.rename(d, source, target);
      }
    };
    List<GroupResult> results = linkAll(groups, 4, refusing, () -> { });
    long linked = results.stream().mapToLong(r -> r.linked().size()).sum();
    assertEquals(79, linked);
    assertFalse(ino(refused) == ino(dir.resolve("g17").resolve("a")));
    assertEquals("group 17" + " ".repeat(17), Files.readString(refused));
    assertEquals(ino(dir.resolve("c17")), ino(dir.resolve("g17").resolve("a")));
    assertEquals(1, problems.errorCount(), errBytes.toString());
    assertTrue(errBytes.toString().contains("No space left on device"), errBytes.toString());
    try (Stream<Path> s = Files.walk(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(TemporaryNames.PREFIX)),
          "no temporary name left");
    }
  }

  @Test
  void aFailingGroupStopsTheOtherThreadsAndReachesTheCaller() throws Exception {
    List<LinkGroup> groups = groups(30);
    LinkOps broken = FakeOps.withCreateLink((link, existing) -> {
      throw new IllegalStateException("a bug in a linker");
    });
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> linkAll(groups, 4, broken, () -> { }));
    assertEquals("a bug in a linker", e.getMessage());
    for (int g = 0; g < 30; g++) {
      assertEquals("group " + g + " ".repeat(g), Files.readString(dir.resolve("c" + g)));
      assertFalse(ino(dir.resolve("c" + g)) == ino(dir.resolve("g" + g).resolve("a")));
    }
  }
}
