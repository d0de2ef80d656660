package linkdupes;

import static linkdupes.Trees.mtime;
import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --follow-symlinks}, a symlink in the tree may lead out of it. Files out there are
 * read through the link but never replaced: the run must not change a name outside its roots.
 */
class FollowedSymlinksTest {
  @TempDir Path tmp;

  private static Object ino(Path p) throws Exception {
    return Files.readAttributes(p, "unix:ino").get("ino");
  }

  @Test
  void aFileOutsideTheRootsReachedThroughAFollowedSymlinkIsNeverReplaced() throws Exception {
    Path tree = Trees.mkdirs(tmp.resolve("tree"));
    Path outside = Trees.mkdirs(tmp.resolve("outside"));
    byte[] data = Trees.random(5, 5000);
    // the inside files are the oldest, so by default the outside one would be replaced
    mtime(write(tree.resolve("a"), data), 1_000_000_000L);
    mtime(write(tree.resolve("c"), data), 1_100_000_000L);
    Path theirs = write(outside.resolve("b"), data);
    Files.createSymbolicLink(tree.resolve("ext"), outside);
    Object before = ino(theirs);

    CommandRun r = CommandRun.main("--no-cache", "--follow-symlinks", tree);

    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(before, ino(theirs), "the file outside the tree is still its own inode");
    assertEquals(1, Files.readAttributes(theirs, "unix:nlink").get("nlink"));
    assertEquals(ino(tree.resolve("a")), ino(tree.resolve("c")), "the inside files are linked");
    assertNotEquals(before, ino(tree.resolve("a")));
    assertEquals(1, r.linkedNames(), r::toString);
  }
}
