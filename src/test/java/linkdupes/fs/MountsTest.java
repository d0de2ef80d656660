package linkdupes.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountsTest {
  private static final String INFO = String.join("\n",
      "22 1 252:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
      "30 22 0:25 / /tmp rw shared:5 - tmpfs tmpfs rw",
      "41 22 252:0 /srv/a /data/photos/by\\040date rw - ext4 /dev/vda rw",
      "42 41 0:40 / /data/photos/by\\040date rw - tmpfs tmpfs rw",
      "43 22 252:0 /x /elsewhere rw - ext4 /dev/vda rw",
      "");

  private static Mounts parse(Path... roots) {
    return Mounts.parse(INFO.getBytes(StandardCharsets.UTF_8), List.of(roots));
  }

  @Test
  void aNameIsInTheDeepestMountAboveItAndTheLastMountedOnOnePoint() {
    Mounts m = parse(Path.of("/data/photos"));
    assertEquals(22, m.of(Path.of("/data/photos/x.jpg")));
    // "by date" is written \040 by the kernel; 42 was mounted over 41
    assertEquals(42, m.of(Path.of("/data/photos/by date/x.jpg")));
    assertEquals(22, m.of(Path.of("/data/photos/by date2/x.jpg")), "a name, not a prefix");
    assertTrue(m.several(), "a mount inside the root");
  }

  @Test
  void oneMountUnderTheRootsIsNotSeveralWhateverIsMountedElsewhere() {
    assertFalse(parse(Path.of("/tmp/tree")).several());
    assertFalse(parse(Path.of("/home/me")).several(), "/tmp and /elsewhere are not under it");
    assertTrue(parse(Path.of("/home/me"), Path.of("/elsewhere")).several(), "two roots, two");
  }

  @Test
  void octalEscapesAreTheirBytes() {
    assertEquals("a b\tc\\d", new String(Mounts.unescape(
        "a\\040b\\011c\\134d".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.UTF_8));
    assertEquals("a\\x", new String(Mounts.unescape("a\\x".getBytes(StandardCharsets.US_ASCII)),
        StandardCharsets.UTF_8), "not an escape");
  }
}
