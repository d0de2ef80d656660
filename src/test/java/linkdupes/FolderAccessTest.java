package linkdupes;

import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file others may write, in a folder only its owner can enter, and its twin in a folder all
 * can enter: linked, anyone could write the private one through the public name. Linking must
 * give no one a way to bytes they could not reach before.
 */
class FolderAccessTest {
  @TempDir Path tmp;
  Path tree;
  Path hidden;
  Path open;

  @BeforeEach
  void setUp() throws Exception {
    tree = Trees.mkdirs(tmp.resolve("tree"));
    Path priv = Trees.mkdirs(tree.resolve("private"));
    Path pub = Trees.mkdirs(tree.resolve("public"));
    Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    byte[] data = Trees.random(21, 2000);
    hidden = write(priv.resolve("f"), data);
    open = write(pub.resolve("f"), data);
  }

  private static Object ino(Path p) throws Exception {
    return Files.readAttributes(p, "unix:ino").get("ino");
  }

  /** A run over the tree succeeds and links the two twins. */
  private void assertLinked(String why) throws Exception {
    CommandRun r = CommandRun.main("--no-cache", tree);
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(ino(hidden), ino(open), why + ": " + r);
  }

  /** A run over the tree succeeds and leaves the two twins apart. */
  private void assertLeftApart(String why) throws Exception {
    CommandRun r = CommandRun.main("--no-cache", tree);
    assertEquals(0, r.exitCode(), r::toString);
    assertNotEquals(ino(hidden), ino(open), why + ": " + r);
  }

  private void chmodBoth(String mode) throws Exception {
    Files.setPosixFilePermissions(hidden, PosixFilePermissions.fromString(mode));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString(mode));
  }

  @Test
  void aFileOthersMayWriteInAPrivateFolderIsNotLinkedToItsTwinInAnOpenOne() throws Exception {
    chmodBoth("rw-rw-rw-");
    CommandRun r = CommandRun.main("--no-cache", tree);
    assertEquals(0, r.exitCode(), r::toString);
    assertNotEquals(ino(hidden), ino(open), r::toString);
    assertTrue(r.out().contains("1 with other permissions, owner, time, attributes or folder "
        + "access"), r::toString);

    CommandRun ignoring = CommandRun.main("--no-cache", "--ignore-folder-access", tree);
    assertEquals(0, ignoring.exitCode(), ignoring::toString);
    assertEquals(ino(hidden), ino(open), "linked with --ignore-folder-access");
  }

  @Test
  void theSameGoesForAFileItsGroupMayRead() throws Exception {
    chmodBoth("rw-r-----");
    assertLeftApart("the group may read it");
  }

  @Test
  void filesOnlyTheirOwnerCanOpenAreLinkedWhateverTheFolders() throws Exception {
    chmodBoth("rw-------");
    assertLinked("only their owner can open them");
  }

  @Test
  void twinsBehindFoldersOpenToTheSameUsersAreLinked() throws Exception {
    chmodBoth("rw-rw-rw-");
    Files.setPosixFilePermissions(hidden.getParent(), PosixFilePermissions.fromString("rwxr-x--x"));
    assertLinked("both folders let others search");
  }

  /**
   * Two folders with the same owner and bits, closed to others, one of them letting user
   * nobody search it through an ACL: nobody, who may write the twin there, must not reach the
   * other one.
   */
  @Test
  void twinsInFoldersWithOtherAccessListsAreNotLinked() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Host.which("setfacl").isPresent(),
        "setfacl is not installed");
    chmodBoth("rw-rw-rw-");
    Files.setPosixFilePermissions(open.getParent(), PosixFilePermissions.fromString("rwx------"));
    CommandRun premise = CommandRun.main("--no-cache", "-n", tree);
    assertTrue(premise.out().contains("Would link: 1 name"), "same bits: linked\n" + premise);
    CommandRun acl = Host.exec(java.util.List.of("setfacl", "-m", "u:nobody:x",
        open.getParent().toString()), 30);
    org.junit.jupiter.api.Assumptions.assumeTrue(acl.exitCode() == 0, () -> "no ACLs: " + acl);
    assertEquals("rwx--x---", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(open.getParent())), "the mask shows in the group bits");
    Files.setPosixFilePermissions(hidden.getParent(), PosixFilePermissions.fromString("rwx--x---"));

    assertLeftApart("one folder lets nobody in");
  }

  /**
   * Two folders closed to others, each open to its own owner only: a user who could write the
   * one twin through their folder must not reach the other owner's twin after the run.
   */
  @Test
  void twinsInFoldersOfTwoDifferentOwnersAreNotLinked() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Host.isRoot(), "needs root to chown");
    chmodBoth("rw-rw-rw-");
    Files.setPosixFilePermissions(open.getParent(), PosixFilePermissions.fromString("rwx------"));
    Files.setOwner(open.getParent(), open.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName("nobody"));
    assertLeftApart("root's 0700 folder and nobody's");
  }
}
