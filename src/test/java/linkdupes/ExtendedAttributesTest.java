package linkdupes;

import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import linkdupes.fs.Attributes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two files with the same bytes, mode and owner, one of them with an extended attribute or an
 * inode flag the other lacks: a POSIX ACL granting nobody access, a file capability, a user
 * attribute (where Samba keeps alternate data streams), the no-dump flag ({@code chattr +d}).
 * Linked, the one inode would carry one set for both: access granted, a capability gained or
 * lost, a stream lost, a flag spread. They are left apart, and counted;
 * with equal attributes, and with --ignore-xattrs, they are linked.
 */
class ExtendedAttributesTest {
  @TempDir Path tmp;
  Path tree;
  Path a;
  Path b;

  @BeforeEach
  void setUp() {
    tree = Trees.mkdirs(tmp.resolve("tree"));
    byte[] data = Trees.random(11, 4000);
    a = write(tree.resolve("a"), data);
    b = write(tree.resolve("b"), data);
  }

  private static Object ino(Path p) throws Exception {
    return Files.readAttributes(p, "unix:ino").get("ino");
  }

  /** Gives {@code b} an attribute {@code a} lacks, without changing its mode. */
  private void mark(String kind) {
    String file = b.toString();
    List<String> command = switch (kind) {
      // a named user's entry whose mask keeps the group bits as they are (r--)
      case "acl" -> List.of("setfacl", "-m", "u:nobody:r,m::r", file);
      case "capability" -> List.of("setcap", "cap_net_raw+ep", file);
      // an inode flag, as lsattr shows it: not dumped by dump(8)
      case "flag" -> List.of("chattr", "+d", file);
      // a label as SELinux keeps it; without SELinux loaded, root may still write one
      case "selinux" -> List.of("setfattr", "-n", "security.selinux", "-v",
          "system_u:object_r:shadow_t:s0", file);
      default -> List.of("setfattr", "-n", "user.stream", "-v", "alternate data", file);
    };
    Assumptions.assumeTrue(Host.which(command.get(0)).isPresent(), command.get(0) + " missing");
    CommandRun r = Host.exec(command, 30);
    Assumptions.assumeTrue(r.exitCode() == 0, () -> "cannot set it here: " + r);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"acl", "capability", "user", "flag", "selinux"})
  void filesWithOtherExtendedAttributesAreLeftApart(String kind) throws Exception {
    Assumptions.assumeTrue(Attributes.available(), "extended attributes cannot be read here");
    String modeBefore = Files.getPosixFilePermissions(a).toString();
    mark(kind);
    assertEquals(modeBefore, Files.getPosixFilePermissions(b).toString(), "premise: same mode");

    CommandRun r = CommandRun.main("--no-cache", tree);
    assertEquals(0, r.exitCode(), r::toString);
    assertNotEquals(ino(a), ino(b), kind + ": left apart\n" + r);
    assertTrue(r.out().contains("1 with other permissions, owner, time, attributes or folder access"),
        r::toString);

    CommandRun ignoring = CommandRun.main("--no-cache", "--ignore-xattrs", tree);
    assertEquals(0, ignoring.exitCode(), ignoring::toString);
    assertEquals(ino(a), ino(b), "linked with --ignore-xattrs");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"acl", "user", "flag", "selinux"})
  void filesWithEqualExtendedAttributesAreLinked(String kind) throws Exception {
    mark(kind);
    Path saved = b;
    b = a;
    mark(kind);
    b = saved;
    CommandRun r = CommandRun.main("--no-cache", tree);
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(ino(a), ino(b), r::toString);
  }
}
