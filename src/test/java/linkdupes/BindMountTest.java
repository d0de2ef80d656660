package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bind mount inside the tree is another mount of the same file system, with the same device
 * number: link(2) refuses across it ("Invalid cross-device link"). Names are grouped by mount:
 * a name in another mount is left apart as one on another device is, and no link across is
 * tried. The run is made in a private mount namespace ({@code unshare -m}), so the mounts end
 * with it.
 */
class BindMountTest {
  @TempDir Path tmp;

  private static Object ino(Path p) throws Exception {
    return Files.getAttribute(p, "unix:ino");
  }

  @Test
  void namesInABindMountAreLeftApartAndNoLinkAcrossIsTried() throws Exception {
    Assumptions.assumeTrue(Host.isRoot(), "mounting needs root");
    Assumptions.assumeTrue(Host.which("unshare").isPresent(), "unshare is not installed");
    byte[] data = Trees.random(41, 5000);
    Path tree = Trees.mkdirs(tmp.resolve("tree"));
    Path f = Trees.write(tree.resolve("a/f"), data);
    Path g = Trees.write(tree.resolve("c/g"), data);
    Path h = Trees.write(tmp.resolve("outside/h"), data);
    Path bind = Trees.mkdirs(tree.resolve("bind")); // tree/a again: f's inode a second time
    Path other = Trees.mkdirs(tree.resolve("other")); // a folder outside the tree
    Object hBefore = ino(h);

    List<String> command = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private",
        "sh", "-c", "mount --bind \"$1\" \"$2\" && mount --bind \"$3\" \"$4\" && shift 4 "
            + "&& exec \"$@\"", "sh", tree.resolve("a").toString(), bind.toString(),
        h.getParent().toString(), other.toString()));
    command.addAll(Subprocess.linkdupesCommand(Subprocess.testClassPath(),
        List.of(Subprocess.ADD_OPENS, Subprocess.OPENED), "--no-cache", "--format", "json",
        tree));
    CommandRun r = Subprocess.of(command).timeout(Duration.ofSeconds(60)).run();
    Assumptions.assumeFalse(r.err().contains("unshare failed") || r.err().contains("mount:"),
        () -> "cannot mount here: " + r);

    assertEquals(0, r.exitCode(), r::toString);
    assertFalse(r.err().contains("cross-device"), r::toString);
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertEquals(1, doc.get("summary").get("namesLinked").longValue(), r::toString);
    assertEquals(5000, doc.get("summary").get("bytesFreed").longValue(), r::toString);
    assertEquals(ino(f), ino(g), "c/g linked to a/f, in the tree's own mount");
    assertEquals(hBefore, ino(h), "the file in the other mount is left as it was");
    assertNotEquals(ino(f), ino(h));
    assertEquals(1, doc.get("summary").get("leftOtherDevice").longValue(),
        "other/h in another mount; bind/f is a/f's own inode seen again: " + r);
  }
}
